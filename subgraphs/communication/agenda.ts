import { GraphQLError } from 'graphql';
import { displayNameOf, type EducationStaff, type Person, type School } from '../../connectors/directory/model.ts';
import { parisInstant, parisIsoOf } from '../../lib/french-dates.ts';
import { addDays, daysBetween } from '../../lib/iso-days.ts';
import { hasHiddenCharacters } from '../../lib/text.ts';
import type { Announce, AudienceKind, SchoolEvent as StoredSchoolEvent } from '../../store/agenda/postgres-store.ts';
import { insertNotificationEvent } from '../../store/notifications/postgres-store.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import { schoolEventNotification, type SchoolEventNews } from '../../workers/notifications/school-events.ts';
import { viewerAgendaAudiences } from '../perimeter/agenda-audiences.ts';
import { badInput } from './compose.ts';
import type { CommunicationContext } from './context.ts';
import { selfOf as viewerSelf } from './viewer.ts';
import type { Resolvers, SchoolEvent, SchoolEventAudienceKind, SchoolEventCategory, SchoolEventInput } from './generated/resolvers-types.ts';

/*
 * The shared agenda (issue 16): school events per school, class or group. Who may create: a
 * teacher for the classes and groups they teach in that school, its direction (DIR) and vie
 * scolaire (EDU) for any of its classes and groups or the whole school; cancel: the author or the
 * school's direction. Who sees: a pupil their schools', classes' and groups' events, a guardian their
 * children's, teachers and staff every event of their schools. Every right is decided from the
 * directory now, never from the session's snapshot.
 */

export const AGENDA_LIMITS = { title: 200, description: 2_000, location: 200, code: 64, eventDays: 14, rangeDays: 62 } as const;
/** A school's UAI as the directory keeps it (connectors/directory/aaf/map.ts). */
const UAI = /^\d{7}[A-Z]$/;
/** Functions whose holders put events in the agenda of their whole school. */
const SCHOOL_WIDE_FUNCTIONS = ['DIR', 'EDU'];
const DIRECTION = ['DIR'];
const CATEGORIES: readonly SchoolEventCategory[] = ['CONSEIL_DE_CLASSE', 'REUNION_PARENTS', 'SORTIE', 'EXAMEN_BLANC', 'AUTRE'];
const KIND_OF: Record<SchoolEventAudienceKind, AudienceKind> = { SCHOOL: 'school', CLASS: 'class', GROUP: 'group' };
const GRAPH_KIND: Record<AudienceKind, SchoolEventAudienceKind> = { school: 'SCHOOL', class: 'CLASS', group: 'GROUP' };
/** ISO 8601 date-time with its offset (a bare local time would be read in the server's zone). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Anything shaped like an HTML tag or comment: the description is plain text. */
const MARKUP = /<\/?[a-z!][^>]*>/i;

const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
const isAgent = (p: Person | undefined): p is EducationStaff => p?.kind === 'teacher' || p?.kind === 'staff';

const selfOf = (ctx: CommunicationContext) => viewerSelf(ctx, 'to use the agenda');

function dateTime(name: string, value: string): Date {
  const date = DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw badInput(`${name} must be an ISO 8601 date-time with its offset (2026-12-04T08:00:00+01:00).`);
  return date;
}

function day(name: string, value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T12:00:00Z`))) throw badInput(`${name} must be a day, yyyy-MM-dd (2026-12-04).`);
  return value;
}

/** The checked text of an event, or a BAD_USER_INPUT naming what is wrong. */
function checkedText(input: SchoolEventInput) {
  const title = input.title.trim();
  if (!title || title.length > AGENDA_LIMITS.title) throw badInput(`The title takes 1 to ${AGENDA_LIMITS.title} characters.`);
  if (hasHiddenCharacters(title)) throw badInput('The title holds characters that are not text.');
  const description = (input.description ?? '').trim();
  if (description.length > AGENDA_LIMITS.description) throw badInput(`The description takes at most ${AGENDA_LIMITS.description} characters.`);
  if (hasHiddenCharacters(description, { multiline: true })) throw badInput('The description holds characters that are not text.');
  if (MARKUP.test(description)) throw badInput('The description is plain text: no HTML.');
  const location = input.location?.trim() || null;
  if (location && location.length > AGENDA_LIMITS.location) throw badInput(`The location takes at most ${AGENDA_LIMITS.location} characters.`);
  if (location && hasHiddenCharacters(location)) throw badInput('The location holds characters that are not text.');
  if (!CATEGORIES.includes(input.category)) throw badInput('Unknown category.');
  const startsAt = dateTime('startsAt', input.startsAt);
  const endsAt = dateTime('endsAt', input.endsAt);
  if (endsAt <= startsAt) throw badInput('The event must end after it starts.');
  if (endsAt.getTime() - startsAt.getTime() > AGENDA_LIMITS.eventDays * 86_400_000) throw badInput(`An event lasts at most ${AGENDA_LIMITS.eventDays} days.`);
  return { title, description, location, startsAt, endsAt };
}

/**
 * Whether the viewer may put an event for this audience in this school's agenda: its direction and
 * vie scolaire for anything of the school; a teacher for the classes and groups they teach there.
 */
async function mayCreate(ctx: CommunicationContext, self: EducationStaff, school: School, kind: AudienceKind, code: string | null): Promise<boolean> {
  if (await ctx.perimeter.holdsFunctionAt(SCHOOL_WIDE_FUNCTIONS, school.id)) return true;
  if (self.kind !== 'teacher' || code === null) return false;
  const units = kind === 'class' ? [...self.classes, ...self.classSubjects] : kind === 'group' ? [...self.groups, ...self.groupSubjects] : [];
  return units.some((u) => u.structureId === school.id && u.code === code);
}

/** Whether the viewer may cancel the event: its author, or the direction of its school. */
/** Its author while they still belong to the school (from the directory now), or the school's direction. */
async function mayCancel(ctx: CommunicationContext, self: Person, event: StoredSchoolEvent, school: School | undefined): Promise<boolean> {
  if (school === undefined) return false;
  if (event.createdBy.id === self.id && (await ctx.perimeter.schoolsOfPerson(self)).includes(school.id)) return true;
  return ctx.perimeter.holdsFunctionAt(DIRECTION, school.id);
}

/**
 * The notification event of an event's creation or cancellation, recorded in the transaction that
 * saves it (store/agenda): nobody sees an event nobody is told of. An event already over (put in
 * for the record) is news to nobody.
 */
const announce =
  (news: SchoolEventNews): Announce =>
  async (trx, event) => {
    const now = new Date();
    if (event.endsAt > now) await insertNotificationEvent(trx, schoolEventNotification(event, news), now);
  };

async function schoolByUai(ctx: CommunicationContext, uai: string): Promise<School | undefined> {
  return (await ctx.directory.schoolsByUai([uai]))[0];
}

/** An event as the graph shows it to the viewer. */
async function shown(ctx: CommunicationContext, self: Person, event: StoredSchoolEvent, school: School | undefined): Promise<SchoolEvent> {
  return {
    id: event.id,
    title: event.title,
    description: event.description,
    category: CATEGORIES.find((c) => c === event.category) ?? 'AUTRE',
    startsAt: parisIsoOf(event.startsAt),
    endsAt: parisIsoOf(event.endsAt),
    location: event.location,
    audience: { uai: event.uai, schoolName: school?.name ?? event.uai, kind: GRAPH_KIND[event.audience.kind], code: event.audience.code },
    createdBy: { id: event.createdBy.id, displayName: event.createdBy.name },
    canceled: event.canceledAt !== null,
    editable: await mayCancel(ctx, self, event, school),
  };
}

export const agendaResolvers: Pick<Resolvers, 'Query' | 'Mutation'> = {
  Query: {
    schoolEvents: async (_, args, ctx) => {
      const self = await selfOf(ctx);
      const from = day('from', args.from);
      const to = day('to', args.to);
      if (daysBetween(from, to) < 0) throw badInput('to must not be before from.');
      if (daysBetween(from, to) + 1 > AGENDA_LIMITS.rangeDays) throw badInput(`Ask for at most ${AGENDA_LIMITS.rangeDays} days at a time.`);
      const audiences = await viewerAgendaAudiences(ctx.perimeter);
      const events = await ctx.agenda.list(audiences, { from: parisInstant(from, 0), to: parisInstant(addDays(to, 1), 0) });
      const schools = new Map((await ctx.directory.schoolsByUai([...new Set(events.map((e) => e.uai))])).flatMap((s) => (s ? [[s.uai, s] as const] : [])));
      return Promise.all(events.map((e) => shown(ctx, self, e, schools.get(e.uai))));
    },
  },
  Mutation: {
    createSchoolEvent: async (_, { input }, ctx) => {
      const self = await selfOf(ctx);
      if (!isAgent(self)) throw forbidden('Only the school’s teachers, direction and vie scolaire put events in its agenda.');
      const text = checkedText(input);
      if (!UAI.test(input.uai)) throw badInput('uai must be a UAI: 7 digits and a letter (0750001A).');
      const school = await schoolByUai(ctx, input.uai);
      if (!school || !(await ctx.perimeter.schoolsOfPerson(self)).includes(school.id)) throw forbidden(`${input.uai} is not one of your schools.`);
      const kind = KIND_OF[input.audience];
      const code = input.code?.trim() || null;
      if (code !== null && (code.length > AGENDA_LIMITS.code || hasHiddenCharacters(code))) throw badInput('No class or group has this code.');
      if (kind === 'school' && code !== null) throw badInput('A SCHOOL event names no class or group code.');
      if (kind !== 'school') {
        if (code === null) throw badInput(`A ${input.audience} event names its ${kind} code.`);
        if (!(kind === 'class' ? school.classes : school.groups).includes(code)) throw badInput(`${school.name} has no ${kind} ${code}.`);
      }
      if (!(await mayCreate(ctx, self, school, kind, code))) {
        throw forbidden(
          kind === 'school'
            ? 'Only the direction and the vie scolaire put events for the whole school.'
            : `You may put events only for the classes and groups you teach (not ${code}).`,
        );
      }
      let event: StoredSchoolEvent;
      try {
        event = await ctx.agenda.create(
          { uai: school.uai, audience: { kind, code }, category: input.category, ...text, createdBy: { id: self.id, name: displayNameOf(self) } },
          { perDay: ctx.config.schoolEventsPerDay },
          announce('created'),
        );
      } catch (error) {
        if (!(error instanceof QuotaExceededError)) throw error;
        throw new GraphQLError(`At most ${error.limit} events a day: try again tomorrow.`, {
          extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit },
        });
      }
      return shown(ctx, self, event, school);
    },
    cancelSchoolEvent: async (_, { id }, ctx) => {
      const self = await selfOf(ctx);
      const event = await ctx.agenda.get(id);
      if (!event) return null;
      const school = await schoolByUai(ctx, event.uai);
      if (!(await mayCancel(ctx, self, event, school))) throw forbidden('Only its author or the school’s direction cancels an event.');
      // Those already told hear of the cancellation (once: the key is the event's), recorded with it.
      const result = await ctx.agenda.cancel(id, new Date(), announce('canceled'));
      if (!result) return null;
      return shown(ctx, self, result.event, school);
    },
  },
};
