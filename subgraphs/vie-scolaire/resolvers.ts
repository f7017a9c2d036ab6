import { GraphQLError } from 'graphql';
import type { DateRange } from '../../connectors/vie-scolaire/client.ts';
import { UpstreamError } from '../../connectors/vie-scolaire/upstream.ts';
import { periodAverages } from './averages.ts';
import type { VieScolaireContext } from './context.ts';
import { addDays, daysBetween } from './days.ts';
import type { PerSchool } from './data-source.ts';
import { checkedFile, HOMEWORK_TYPES, JUSTIFICATION_TYPES } from './files.ts';
import type { Resolvers } from './generated/resolvers-types.ts';

const MAX_RANGE_DAYS = 120;
/** Grades are read whole (all periods); the period is chosen after. */
const ALL_TIME: DateRange = { from: '', to: '' };

/** One part of what a school says of a pupil. */
const only = <T, U>(answer: PerSchool<T>, pick: (value: T) => U): PerSchool<U> => (answer.known ? { known: true, value: pick(answer.value) } : answer);


/** A date range from the arguments, with defaults and bounds; a bad one is the caller's error, said plainly. */
export function dateRange(from: string | null | undefined, to: string | null | undefined, defaults: { from: number; to: number }, today: string): DateRange {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (value && (!day.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new GraphQLError(`${name} must be a day as yyyy-MM-dd, got "${value}"`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  const range = { from: from ?? addDays(to ?? today, to ? defaults.from - defaults.to : defaults.from), to: to ?? addDays(from ?? today, from ? defaults.to - defaults.from : defaults.to) };
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
  return error instanceof GraphQLError ? error : new GraphQLError(`Vie scolaire failed: ${(error as Error).message}`, { extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'vie-scolaire' } });
}

/**
 * Whose vie scolaire the viewer may read: their own, their children's (responsable légal, as the
 * session says), and, for teachers and staff, the pupils of their schools (the directory's finer
 * perimeter has already decided which pupils reach this subgraph through the router; this check is
 * the second line, for the `_entities` path).
 */
function mayRead(ctx: VieScolaireContext, pupilId: string): boolean {
  const { viewer } = ctx;
  if (viewer.kind !== 'person') return false;
  return viewer.personId === pupilId || (viewer.children ?? []).includes(pupilId) || viewer.profile === 'teacher' || viewer.profile === 'staff';
}

/** The schools to ask about a pupil: the viewer's schools that have a configured system. */
const schoolsOf = (ctx: VieScolaireContext) => (ctx.viewer.schools ?? []).filter((uai) => ctx.schools.has(uai));

/**
 * Asks every candidate school about a pupil and merges what those that know them say (a pupil may
 * be in two schools). A school that fails only matters when no school knows the pupil: a lycée
 * pupil's timetable does not depend on the collège's system being up.
 */
async function pupilData<T extends object>(ctx: VieScolaireContext, load: (uai: string) => Promise<PerSchool<T[]>>): Promise<(T & { uai: string })[]> {
  const schools = schoolsOf(ctx);
  const answers = await Promise.allSettled(schools.map(load));
  const known = answers.flatMap((a, i) => (a.status === 'fulfilled' && a.value.known ? [a.value.value.map((item) => ({ ...item, uai: schools[i]! }))] : []));
  const failure = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (!known.length && failure) throw unavailable(failure.reason);
  return known.flat();
}

/** Ids of things a mutation acts on carry their school: `UAI:upstreamId`. */
export const scopedId = (uai: string | undefined, id: string) => (uai ? `${uai}:${id}` : id);
function fromScopedId(ctx: VieScolaireContext, id: string): { uai: string; upstreamId: string } {
  const at = id.indexOf(':');
  const uai = id.slice(0, at);
  if (at <= 0 || !ctx.schools.has(uai) || !(ctx.viewer.schools ?? []).includes(uai)) {
    throw new GraphQLError('Unknown id, or not one of your schools’.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { uai, upstreamId: id.slice(at + 1) };
}

const forbidden = (message: string) => new GraphQLError(`Forbidden: ${message}`, { extensions: { code: 'FORBIDDEN' } });

/** Periods are per school: every candidate school must answer. */
async function periodsOf(ctx: VieScolaireContext) {
  try {
    return (await Promise.all(schoolsOf(ctx).map((uai) => ctx.data.periods.load(uai)))).flat();
  } catch (error) {
    throw unavailable(error);
  }
}

async function currentPeriodId(ctx: VieScolaireContext, periodId: string | null | undefined): Promise<string | undefined> {
  if (periodId) return periodId;
  const periods = await periodsOf(ctx);
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
      const own = viewer.kind === 'person' && viewer.profile === 'student' && pupil === viewer.personId;
      const child = viewer.kind === 'person' && viewer.profile === 'guardian' && !!pupil && (viewer.children ?? []).includes(pupil);
      if (!pupil || !(own || child)) throw forbidden('a calendar feed is for yourself (a pupil) or one of your children.');
      const { feed, token } = await ctx.feeds.create({ ownerId: viewer.personId!, pupilId: pupil, schools: viewer.schools ?? [] });
      ctx.newFeedTokens.set(feed.id, token);
      return feed;
    },
    revokeCalendarFeed: (_, { id }, ctx) => (ctx.viewer.personId ? ctx.feeds.revoke(id, ctx.viewer.personId) : false),
    justifyAbsence: async (_, { input }, ctx) => {
      const { viewer } = ctx;
      // Only a legal guardian of the pupil (the session lists the children they are responsable légal of).
      if (viewer.kind !== 'person' || viewer.profile !== 'guardian' || !(viewer.children ?? []).includes(input.pupilId)) {
        throw forbidden('only a legal guardian of this pupil may justify their absences.');
      }
      const reason = input.reason.trim();
      if (!reason || reason.length > 200) throw new GraphQLError('reason must be 1 to 200 characters', { extensions: { code: 'BAD_USER_INPUT' } });
      if ((input.comment ?? '').length > 2000) throw new GraphQLError('comment must be at most 2000 characters', { extensions: { code: 'BAD_USER_INPUT' } });
      const { uai, upstreamId } = fromScopedId(ctx, input.absenceId);
      const file = input.attachment ? checkedFile(input.attachment, JUSTIFICATION_TYPES) : undefined;
      return ctx.outbox.submit({ kind: 'justification', uai, pupilId: input.pupilId, targetId: upstreamId, submittedBy: viewer.personId!, reason, comment: input.comment ?? undefined, file });
    },
    setHomeworkDone: async (_, { homeworkId, done }, ctx) => {
      if (ctx.viewer.kind !== 'person' || ctx.viewer.profile !== 'student') throw forbidden('only the pupil ticks their homework.');
      const { uai, upstreamId } = fromScopedId(ctx, homeworkId);
      try {
        await ctx.client.markHomeworkDone(uai, ctx.viewer.personId!, upstreamId, done);
      } catch (error) {
        throw unavailable(error);
      }
      ctx.cache.invalidate('homework', uai, ctx.viewer.personId!);
      return done;
    },
    submitHomework: async (_, { homeworkId, file }, ctx) => {
      if (ctx.viewer.kind !== 'person' || ctx.viewer.profile !== 'student') throw forbidden('only the pupil hands in their homework.');
      const { uai, upstreamId } = fromScopedId(ctx, homeworkId);
      return ctx.outbox.submit({ kind: 'homework', uai, pupilId: ctx.viewer.personId!, targetId: upstreamId, submittedBy: ctx.viewer.personId!, file: checkedFile(file, HOMEWORK_TYPES) });
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
    justifications: (student, _, ctx) => ctx.outbox.list({ pupilId: student.id, kind: 'justification' }),
    homeworkSubmissions: (student, _, ctx) => ctx.outbox.list({ pupilId: student.id, kind: 'homework' }),
    // Async on purpose: a synchronous throw here fails the whole _entities batch in @apollo/subgraph
    // (a forbidden pupil would blank a sibling fetched in the same batch); a rejection fails one item.
    __resolveReference: async (ref, ctx) => {
      if (!mayRead(ctx, ref.id)) throw new GraphQLError('Forbidden: this person is outside your perimeter.', { extensions: { code: 'FORBIDDEN' } });
      return { id: ref.id };
    },
    periods: async (_, __, ctx) => {
      const all = await periodsOf(ctx);
      return [...new Map(all.map((p) => [p.id, p])).values()];
    },
    grades: async (student, { periodId }, ctx) => {
      const period = await currentPeriodId(ctx, periodId);
      const grades = await pupilData(ctx, (uai) => ctx.data.grades.load({ uai, pupilId: student.id, range: ALL_TIME }));
      return grades.filter((g) => !period || g.periodId === period);
    },
    averages: async (student, { periodId }, ctx) => {
      const period = await currentPeriodId(ctx, periodId);
      if (!period) return null;
      const grades = await pupilData(ctx, (uai) => ctx.data.grades.load({ uai, pupilId: student.id, range: ALL_TIME }));
      return periodAverages(period, grades);
    },
    absences: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.absences));
    },
    lateness: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.lateness));
    },
    punishments: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: -90, to: 0 }, ctx.today);
      return pupilData(ctx, async (uai) => only(await ctx.data.lifeEvents.load({ uai, pupilId: student.id, range }), (e) => e.punishments));
    },
    homework: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: 0, to: 14 }, ctx.today);
      return pupilData(ctx, (uai) => ctx.data.homework.load({ uai, pupilId: student.id, range }));
    },
    timetable: async (student, { from, to }, ctx) => {
      const range = dateRange(from, to, { from: 0, to: 7 }, ctx.today);
      const lessons = await pupilData(ctx, (uai) => ctx.data.timetable.load({ uai, pupilId: student.id, range }));
      return lessons.sort((a, b) => a.start.localeCompare(b.start));
    },
  },
  Class: {
    __resolveReference: (ref) => ({ id: ref.id }),
    lessonContents: async (klass, { from, to }, ctx) => {
      const [uai, code] = [klass.id.slice(0, klass.id.indexOf(':')), klass.id.slice(klass.id.indexOf(':') + 1)];
      // The cahier de textes of a class: for the people of that school.
      if (ctx.viewer.kind !== 'person' || !(ctx.viewer.schools ?? []).includes(uai) || !ctx.schools.has(uai)) {
        throw new GraphQLError('Forbidden: this class is not in your schools.', { extensions: { code: 'FORBIDDEN' } });
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
