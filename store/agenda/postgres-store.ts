import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Selectable, type Transaction } from 'kysely';
import type { HubDatabase } from '../database.ts';
import { QuotaExceededError } from '../quota.ts';
import type { Database, SchoolEventsTable } from '../schema.ts';

/** A uuid the store gave out: anything else names no event, and never reaches a uuid column. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The most events one read returns: an agenda of two months of a big lycée stays far below. */
export const MAX_LISTED_EVENTS = 500;

export type AudienceKind = SchoolEventsTable['audience_kind'];

export interface NewSchoolEvent {
  uai: string;
  audience: { kind: AudienceKind; code: string | null };
  category: string;
  title: string;
  description: string;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
  createdBy: { id: string; name: string };
}

export interface SchoolEvent extends NewSchoolEvent {
  id: string;
  createdAt: Date;
  canceledAt: Date | null;
  remindedAt: Date | null;
}

/**
 * What one reader sees of one school: every event (`all`, its teachers and staff), or the school's
 * own events and those of the classes and groups named (its pupils and their families).
 */
export interface AgendaAudience {
  uai: string;
  all: boolean;
  classes: readonly string[];
  groups: readonly string[];
}

type Row = Selectable<SchoolEventsTable>;

/**
 * What is said of an event as it is saved or canceled (its notification event), in the same
 * transaction: the event and its announcement are kept together or not at all.
 */
export type Announce = (trx: Transaction<Database>, event: SchoolEvent) => Promise<void>;

const eventOf = (r: Row): SchoolEvent => ({
  id: r.id,
  uai: r.uai,
  audience: { kind: r.audience_kind, code: r.audience_code },
  category: r.category,
  title: r.title,
  description: r.description,
  location: r.location,
  startsAt: new Date(r.starts_at),
  endsAt: new Date(r.ends_at),
  createdBy: { id: r.created_by, name: r.created_by_name },
  createdAt: r.created_at,
  canceledAt: r.canceled_at,
  remindedAt: r.reminded_at,
});

/** The rows of these audiences: per school, all of them or the school's own and the named classes' and groups'. */
function inAudiences(eb: ExpressionBuilder<Database, 'school_events'>, audiences: readonly AgendaAudience[]) {
  return eb.or(
    audiences.map((a) => {
      if (a.all) return eb('uai', '=', a.uai);
      const own = [eb('audience_kind', '=', 'school')];
      if (a.classes.length) own.push(eb.and([eb('audience_kind', '=', 'class'), eb('audience_code', 'in', [...a.classes])]));
      if (a.groups.length) own.push(eb.and([eb('audience_kind', '=', 'group'), eb('audience_code', 'in', [...a.groups])]));
      return eb.and([eb('uai', '=', a.uai), eb.or(own)]);
    }),
  );
}

/**
 * The shared agenda's school events (table `school_events`, migration 0009), shared by every
 * instance of the communication subgraph, the vie scolaire subgraph (calendar feeds) and the
 * notifications worker (reminders). Who may create, cancel and see is decided before, by the
 * perimeter; the store keeps the rows, the per-person quota, and the once-only reminder claim.
 */
export class PostgresAgendaStore {
  constructor(private readonly database: HubDatabase) {}

  /**
   * Records an event, and `announce` records what is said of it in the same transaction. The
   * author's creations of the last 24 hours are counted under a per-author lock: the quota holds
   * across instances (READ COMMITTED alone would let concurrent creations each miss the others').
   */
  async create(event: NewSchoolEvent, quota: { perDay: number }, announce?: Announce): Promise<SchoolEvent> {
    return this.database.db.transaction().execute(async (trx) => {
      // Two int4 keys: a key space apart from single-bigint advisory locks (the migrator's).
      await sql`SELECT pg_advisory_xact_lock(hashtext('school_events'), hashtext(${event.createdBy.id}))`.execute(trx);
      const { created } = await trx
        .selectFrom('school_events')
        .select((eb) => eb.fn.countAll<string>().as('created'))
        .where('created_by', '=', event.createdBy.id)
        .where('created_at', '>', sql<Date>`now() - interval '1 day'`)
        .executeTakeFirstOrThrow();
      if (Number(created) >= quota.perDay) throw new QuotaExceededError('schoolEventsPerDay', quota.perDay);
      const row = await trx
        .insertInto('school_events')
        .values({
          id: randomUUID(),
          uai: event.uai,
          audience_kind: event.audience.kind,
          audience_code: event.audience.code,
          subject_code: null,
          category: event.category,
          title: event.title,
          description: event.description,
          location: event.location,
          starts_at: event.startsAt,
          ends_at: event.endsAt,
          created_by: event.createdBy.id,
          created_by_name: event.createdBy.name,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const saved = eventOf(row);
      await announce?.(trx, saved);
      return saved;
    });
  }

  async get(id: string): Promise<SchoolEvent | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.database.db.selectFrom('school_events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && eventOf(row);
  }

  /**
   * Marks an event canceled (it stays in the agenda, marked), and `announce` records what is said
   * of it in the same transaction (only when this call canceled it). Returns the event as it is
   * now, and whether this call canceled it (false: it already was, or there is no such event).
   */
  async cancel(id: string, at = new Date(), announce?: Announce): Promise<{ event: SchoolEvent; canceled: boolean } | undefined> {
    if (!UUID.test(id)) return undefined;
    const canceled = await this.database.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('school_events')
        .set({ canceled_at: at })
        .where('id', '=', id)
        .where('canceled_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      const event = row && eventOf(row);
      if (event) await announce?.(trx, event);
      return event;
    });
    if (canceled) return { event: canceled, canceled: true };
    const event = await this.get(id);
    return event && { event, canceled: false };
  }

  /**
   * The events of these audiences that overlap [from, to), canceled ones included (marked), by start:
   * at most `limit` (and never more than MAX_LISTED_EVENTS).
   */
  async list(audiences: readonly AgendaAudience[], range: { from: Date; to: Date }, limit = MAX_LISTED_EVENTS): Promise<SchoolEvent[]> {
    if (!audiences.length) return [];
    const rows = await this.database.db
      .selectFrom('school_events')
      .selectAll()
      .where((eb) => inAudiences(eb, audiences))
      .where('starts_at', '<', range.to)
      .where('ends_at', '>', range.from)
      .orderBy('starts_at')
      .orderBy('id')
      .limit(Math.min(Math.max(limit, 0), MAX_LISTED_EVENTS))
      .execute();
    return rows.map(eventOf);
  }

  /**
   * Claims the events to remind of: starting in [from, to) (tomorrow, in Paris), not canceled, not
   * reminded yet, and created before `createdBefore` (an event announced today for tomorrow was just
   * told: no reminder on top). `remind` runs inside the claim's transaction, before `reminded_at` is
   * committed: several instances claim disjoint rows (SKIP LOCKED), an event is reminded once, and a
   * `remind` that fails leaves the events for the next pass. Returns how many were claimed.
   */
  async claimReminders(
    window: { from: Date; to: Date; createdBefore: Date },
    limit: number,
    remind: (events: SchoolEvent[]) => Promise<void>,
    at = new Date(),
  ): Promise<number> {
    return this.database.db.transaction().execute(async (trx: Transaction<Database>) => {
      const rows = await trx
        .selectFrom('school_events')
        .selectAll()
        .where('starts_at', '>=', window.from)
        .where('starts_at', '<', window.to)
        .where('created_at', '<', window.createdBefore)
        .where('canceled_at', 'is', null)
        .where('reminded_at', 'is', null)
        .orderBy('starts_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!rows.length) return 0;
      await remind(rows.map(eventOf));
      await trx
        .updateTable('school_events')
        .set({ reminded_at: at })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.length;
    });
  }
}
