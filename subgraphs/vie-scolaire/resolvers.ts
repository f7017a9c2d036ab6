import { GraphQLError } from 'graphql';
import { MAX_RANGE_DAYS, type DateRange, type UpstreamFile } from '../../connectors/vie-scolaire/client.ts';
import { UpstreamError } from '../../connectors/vie-scolaire/errors.ts';
import { periodAverages } from './averages.ts';
import type { VieScolaireContext } from './context.ts';
import { addDays, daysBetween } from '../../lib/iso-days.ts';
import type { PerSchool } from './data-source.ts';
import { checkedFile, DOCUMENT_TYPES, OFFICE_TYPES } from '../kit/files.ts';
import type { Resolvers } from './generated/resolvers-types.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import type { SubmissionKind } from '../../store/outbox/item.ts';
import { mayFollowPupil } from './calendar/feed-route.ts';
import { ownershipRange } from './ownership.ts';
import { readableSchools } from './pupil-schools.ts';
import { quotaError } from './quotas.ts';

/** Grades are read whole (all periods); the period is chosen after. */
const ALL_TIME: DateRange = { from: '', to: '' };

/** One part of what a school says of a pupil. */
const only = <T, U>(answer: PerSchool<T>, pick: (value: T) => U): PerSchool<U> => (answer.known ? { known: true, value: pick(answer.value) } : answer);

/** A date range from the arguments, with defaults and bounds; a bad one is the caller's error, said plainly. */
export function dateRange(from: string | null | undefined, to: string | null | undefined, defaults: { from: number; to: number }, today: string): DateRange {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value && (!day.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new GraphQLError(`${name} must be a day as yyyy-MM-dd, got "${value}"`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  const range = {
    from: from ?? addDays(to ?? today, to ? defaults.from - defaults.to : defaults.from),
    to: to ?? addDays(from ?? today, from ? defaults.to - defaults.from : defaults.to),
  };
  if (range.from > range.to) throw new GraphQLError('from must not be after to', { extensions: { code: 'BAD_USER_INPUT' } });
  if (daysBetween(range.from, range.to) > MAX_RANGE_DAYS) {
    throw new GraphQLError(`a date range covers at most ${MAX_RANGE_DAYS} days`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return range;
}

function unavailable(error: unknown): GraphQLError {
  if (error instanceof UpstreamError) {
    return new GraphQLError(`Vie scolaire unavailable for school ${error.uai}: ${error.message}`, {
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'vie-scolaire', uai: error.uai, reason: error.reason },
    });
  }
  return error instanceof GraphQLError
    ? error
    : new GraphQLError(`Vie scolaire failed: ${(error as Error).message}`, { extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'vie-scolaire' } });
}

const outsidePerimeter = () => new GraphQLError('Forbidden: this person is outside your perimeter.', { extensions: { code: 'FORBIDDEN' } });

/**
 * The one gate of every read and write about a pupil (each field, `_entities`, each mutation): the
 * directory's perimeter (subgraphs/perimeter), decided from the directory as it is now, not from the
 * session's snapshot. Out of perimeter, unknown, or not a pupil: the same FORBIDDEN. Returns the
 * schools to ask about the pupil: only those in which the viewer's relationship with the pupil
 * holds (a collège's teacher never reads what the pupil's lycée knows); checked once per request and pupil.
 */
function readablePupil(ctx: VieScolaireContext, pupilId: string): Promise<string[]> {
  let schools = ctx.readablePupils.get(pupilId);
  if (!schools) {
    schools = readableSchools(ctx.perimeter, pupilId, ctx.schools).then((uais) => {
      if (!uais) throw outsidePerimeter();
      return uais;
    });
    ctx.readablePupils.set(pupilId, schools);
  }
  return schools;
}

/**
 * Asks every school of the pupil and merges what those that know them say (a pupil may be in two
 * schools). A school that fails only matters when no school knows the pupil: a lycée pupil's
 * timetable does not depend on the collège's system being up.
 */
async function pupilData<T extends object>(
  ctx: VieScolaireContext,
  pupilId: string,
  load: (uai: string) => Promise<PerSchool<T[]>>,
): Promise<(T & { uai: string })[]> {
  const schools = await readablePupil(ctx, pupilId);
  const answers = await Promise.allSettled(schools.map(load));
  const known = answers.flatMap((a, i) => (a.status === 'fulfilled' && a.value.known ? [a.value.value.map((item) => ({ ...item, uai: schools[i]! }))] : []));
  const failure = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (!known.length && failure) throw unavailable(failure.reason);
  return known.flat();
}

/** Ids of things a mutation acts on carry their school: `UAI:upstreamId`. */
export const scopedId = (uai: string | undefined, id: string) => (uai ? `${uai}:${id}` : id);

const forbidden = (message: string) => new GraphQLError(`Forbidden: ${message}`, { extensions: { code: 'FORBIDDEN' } });

/**
 * What a mutation acts on, tied to the pupil it names: the id's school must be one of the pupil's
 * for this viewer (the perimeter) and the school's own system must list the absence (or homework)
 * as the pupil's. Ids are guessable; one that is not the pupil's is refused like one that does not
 * exist. The list is read through the request's data source, like any read of the viewer: cached,
 * one read per pupil, kind and school in a request, counted in the request's and the viewer's
 * budgets, in the viewer's own lane upstream. A refused id is charged to those budgets too, so a
 * flood of made-up ids is refused (UPSTREAM_BUDGET_EXCEEDED) before it costs anything. When the
 * school cannot say (its system is down), `verified` is false: a submission is then kept but
 * checked again before it is ever forwarded (the outbox), a direct write is refused.
 */
async function ownTarget(
  ctx: VieScolaireContext,
  kind: SubmissionKind,
  pupilId: string,
  id: string,
): Promise<{ uai: string; upstreamId: string; verified: boolean; failure?: UpstreamError }> {
  const notTheirs = () => {
    ctx.data.budget.take();
    return forbidden(kind === 'justification' ? 'no such absence for this pupil.' : 'no such homework for this pupil.');
  };
  const at = id.indexOf(':');
  const uai = id.slice(0, at);
  const upstreamId = id.slice(at + 1);
  if (at <= 0 || !upstreamId || !(await readablePupil(ctx, pupilId)).includes(uai)) throw notTheirs();
  const range = ownershipRange(kind, ctx.today);
  let ids: string[];
  try {
    ids =
      kind === 'justification'
        ? pick(await ctx.data.lifeEvents.load({ uai, pupilId, range }), (e) => e.absences.map((a) => a.id))
        : pick(await ctx.data.homework.load({ uai, pupilId, range }), (h) => h.map((item) => item.id));
  } catch (error) {
    // The school's system failed (a refusal of the viewer's own budget or lane is theirs to see).
    if (error instanceof UpstreamError) return { uai, upstreamId, verified: false, failure: error };
    throw error;
  }
  if (!ids.includes(upstreamId)) throw notTheirs();
  return { uai, upstreamId, verified: true };
}

/** What a school says of a pupil, picked; nothing when it does not know them. */
const pick = <T, U>(answer: PerSchool<T>, get: (value: T) => U[]): U[] => (answer.known ? get(answer.value) : []);

/** Runs `act`, turning a quota refusal into the error the person sees (QUOTA_EXCEEDED, naming the limit). */
async function withinQuota<T>(act: () => T | Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    throw error instanceof QuotaExceededError ? quotaError(error) : error;
  }
}

/** Keeps a submission in the outbox, within the author's quotas (checked and reserved atomically there). */
const submit = (ctx: VieScolaireContext, submission: Parameters<VieScolaireContext['outbox']['submit']>[0]) =>
  withinQuota(() => ctx.outbox.submit(submission, ctx.quotas));

/** Refuses early, before asking the school anything, a submission already past its author's quotas. */
const checkQuota = (ctx: VieScolaireContext, by: string, file: UpstreamFile | undefined) =>
  withinQuota(() => ctx.outbox.checkQuota(by, file ? Buffer.byteLength(file.base64, 'base64') : 0, ctx.quotas));

/** Periods are per school: every school of the pupil must answer. */
async function periodsOf(ctx: VieScolaireContext, pupilId: string) {
  const schools = await readablePupil(ctx, pupilId);
  try {
    return (await Promise.all(schools.map((uai) => ctx.data.periods.load(uai)))).flat();
  } catch (error) {
    throw unavailable(error);
  }
}

async function currentPeriodId(ctx: VieScolaireContext, pupilId: string, periodId: string | null | undefined): Promise<string | undefined> {
  if (periodId) return periodId;
  const periods = await periodsOf(ctx, pupilId);
  return (periods.find((p) => p.start <= ctx.today && ctx.today <= p.end) ?? periods.filter((p) => p.start <= ctx.today).at(-1) ?? periods[0])?.id;
}

export const resolvers: Resolvers = {
  Query: {
    myCalendarFeeds: (_, __, ctx) => (ctx.viewer.personId ? ctx.feeds.ownedBy(ctx.viewer.personId) : []),
  },
  Mutation: {
    createCalendarFeed: async (_, { pupilId }, ctx) => {
      const { viewer } = ctx;
      const pupil = pupilId ?? viewer.personId;
      if (viewer.kind !== 'person' || !pupil || !(await mayFollowPupil(ctx.perimeter, pupil))) {
        throw forbidden('a calendar feed is for yourself (a pupil) or one of your children.');
      }
      const { feed, token } = await withinQuota(() => ctx.feeds.create({ ownerId: viewer.personId!, pupilId: pupil }, ctx.quotas.feedsPerPerson));
      ctx.newFeedTokens.set(feed.id, token);
      return feed;
    },
    revokeCalendarFeed: (_, { id }, ctx) => (ctx.viewer.personId ? ctx.feeds.revoke(id, ctx.viewer.personId) : false),
    justifyAbsence: async (_, { input }, ctx) => {
      const { viewer } = ctx;
      // Only a legal guardian of the pupil, as the directory says now.
      if (viewer.kind !== 'person' || !(await ctx.perimeter.isGuardianOf(input.pupilId))) {
        throw forbidden('only a legal guardian of this pupil may justify their absences.');
      }
      const reason = input.reason.trim();
      if (!reason || reason.length > 200) throw new GraphQLError('reason must be 1 to 200 characters', { extensions: { code: 'BAD_USER_INPUT' } });
      if ((input.comment ?? '').length > 2000) throw new GraphQLError('comment must be at most 2000 characters', { extensions: { code: 'BAD_USER_INPUT' } });
      const file = input.attachment ? await checkedFile(input.attachment, DOCUMENT_TYPES) : undefined;
      await checkQuota(ctx, viewer.personId!, file);
      const { uai, upstreamId, verified } = await ownTarget(ctx, 'justification', input.pupilId, input.absenceId);
      return submit(ctx, {
        kind: 'justification',
        uai,
        pupilId: input.pupilId,
        targetId: upstreamId,
        submittedBy: viewer.personId!,
        reason,
        comment: input.comment ?? undefined,
        file,
        verified,
      });
    },
    setHomeworkDone: async (_, { homeworkId, done }, ctx) => {
      if (ctx.viewer.kind !== 'person' || ctx.viewer.profile !== 'student') throw forbidden('only the pupil ticks their homework.');
      const { uai, upstreamId, failure } = await ownTarget(ctx, 'homework', ctx.viewer.personId!, homeworkId);
      if (failure) throw unavailable(failure);
      // The write is an upstream call of the viewer's too: counted in their budgets, sent in their lane.
      ctx.data.budget.take();
      try {
        await ctx.client.markHomeworkDone(uai, ctx.viewer.personId!, upstreamId, done, { caller: ctx.data.budget.caller });
      } catch (error) {
        throw unavailable(error);
      }
      ctx.cache.invalidate('homework', uai, ctx.viewer.personId!);
      // The router's cached answers of the pupil's guardians (and teachers, staff) still show the
      // homework as it was, and the router forgets only the pupil's own on this mutation.
      await ctx.answersChanged?.(ctx.viewer.personId!);
      return done;
    },
    submitHomework: async (_, { homeworkId, file }, ctx) => {
      if (ctx.viewer.kind !== 'person' || ctx.viewer.profile !== 'student') throw forbidden('only the pupil hands in their homework.');
      const checked = await checkedFile(file, OFFICE_TYPES);
      await checkQuota(ctx, ctx.viewer.personId!, checked);
      const { uai, upstreamId, verified } = await ownTarget(ctx, 'homework', ctx.viewer.personId!, homeworkId);
      return submit(ctx, {
        kind: 'homework',
        uai,
        pupilId: ctx.viewer.personId!,
        targetId: upstreamId,
        submittedBy: ctx.viewer.personId!,
        file: checked,
        verified,
      });
    },
  },
  CalendarFeed: {
    url: (feed, _, ctx) => {
      const token = ctx.newFeedTokens.get(feed.id);
      return token ? `${ctx.calendarBaseUrl}/calendar/${token}.ics` : null;
    },
  },
  Justification: {
    absenceId: (j) => scopedId(j.uai, j.targetId),
    reason: (j) => j.reason ?? '',
    comment: (j) => j.comment ?? null,
    attachmentName: (j) => j.file?.name ?? null,
    submittedAt: (j) => j.createdAt,
  },
  HomeworkSubmission: {
    homeworkId: (h) => scopedId(h.uai, h.targetId),
    fileName: (h) => h.file?.name ?? '',
    submittedAt: (h) => h.createdAt,
  },
  Absence: {
    id: (a) => scopedId(a.uai, a.id),
  },
  Homework: {
    id: (h) => scopedId(h.uai, h.id),
    returnKind: (h) => h.returnKind ?? null,
  },
  Student: {
    // What was sent to a school is read like what the school says: only in the viewer's schools.
    justifications: async (student, _, ctx) => {
      return ctx.outbox.list({ pupilId: student.id, kind: 'justification', uais: await readablePupil(ctx, student.id) });
    },
    homeworkSubmissions: async (student, _, ctx) => {
      return ctx.outbox.list({ pupilId: student.id, kind: 'homework', uais: await readablePupil(ctx, student.id) });
    },
    // A refusal fails this item only (the kit's _entities resolves each representation on its own):
    // a forbidden pupil does not blank a sibling fetched in the same batch.
    __resolveReference: async (ref, ctx) => {
      await readablePupil(ctx, ref.id);
      return { id: ref.id };
    },
    periods: async (student, __, ctx) => {
      const all = await periodsOf(ctx, student.id);
      return [...new Map(all.map((p) => [p.id, p])).values()];
    },
    grades: async (student, { periodId }, ctx) => {
      const period = await currentPeriodId(ctx, student.id, periodId);
      const grades = await pupilData(ctx, student.id, (uai) => ctx.data.grades.load({ uai, pupilId: student.id, range: ALL_TIME }));
      return grades.filter((g) => !period || g.periodId === period);
    },
    averages: async (student, { periodId }, ctx) => {
      const period = await currentPeriodId(ctx, student.id, periodId);
      if (!period) return null;
      const grades = await pupilData(ctx, student.id, (uai) => ctx.data.grades.load({ uai, pupilId: student.id, range: ALL_TIME }));
      return periodAverages(period, grades);
    },
    absences: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, student.id, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.absences));
    },
    lateness: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, student.id, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.lateness));
    },
    punishments: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, student.id, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.punishments));
    },
    homework: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: 0, to: 14 }, ctx.today);
      return pupilData(ctx, student.id, (uai) => ctx.data.homework.load({ uai, pupilId: student.id, range }));
    },
    timetable: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: 0, to: 7 }, ctx.today);
      const lessons = await pupilData(ctx, student.id, (uai) => ctx.data.timetable.load({ uai, pupilId: student.id, range }));
      return lessons.sort((a, b) => a.start.localeCompare(b.start));
    },
  },
  Class: {
    __resolveReference: (ref) => ({ id: ref.id }),
    lessonContents: async (klass, { from, to }, ctx) => {
      const [uai, code] = [klass.id.slice(0, klass.id.indexOf(':')), klass.id.slice(klass.id.indexOf(':') + 1)];
      // The cahier de textes of a class: for the people of that class (its pupils, their guardians,
      // its teachers, staff by function), as the directory says now.
      const [school] = uai && code ? await ctx.directory.schoolsByUai([uai]) : [];
      if (ctx.viewer.kind !== 'person' || !school || !ctx.schools.has(uai) || !(await ctx.perimeter.canSeeClass({ structureId: school.id, code }))) {
        throw new GraphQLError('Forbidden: this class is not one of yours.', { extensions: { code: 'FORBIDDEN' } });
      }
      const range = dateRange(from, to, { from: -14, to: 0 }, ctx.today);
      try {
        return await ctx.data.lessonContents(uai, code, range);
      } catch (error) {
        throw unavailable(error);
      }
    },
  },
  Grade: {
    kind: (g) => g.kind ?? null,
  },
  SubjectAverage: {
    subject: (s) => ({ code: s.subjectCode, label: s.subjectLabel }),
  },
};
