import { sql, type Kysely } from 'kysely';
import type { HubDatabase } from '../database.ts';
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from '../keyset-cursor.ts';
import type { Database, JournalEventRow } from '../schema.ts';
import { InvalidJournalCursorError, type AuditEvent, type AuditStore, type JournalEntry } from './event.ts';

/**
 * The access journal in PostgreSQL (tables `journal_events` and `journal_targets`, partitioned by
 * month; see migration 0002). The AuditQueue calls `append` off the request path with batches: a
 * batch is one statement (the events, and one index row per person each is about). A person's
 * journal is read through the index `journal_targets (person_id, at, event_id)`, newest first, a
 * page at a time: its cost is the page's, never the journal's.
 */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly database: HubDatabase) {}

  async append(events: AuditEvent[]): Promise<void> {
    if (!events.length) return;
    const rows = events.map(rowOfEvent);
    try {
      await this.#insert(rows);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      // A month without its partition yet (maintenance late, a clock ahead): make it, then write.
      const times = rows.map((r) => r.at.getTime());
      await ensureJournalPartitions(this.database, new Date(Math.min(...times)), new Date(Math.max(...times)));
      await this.#insert(rows);
    }
  }

  async #insert(rows: ReturnType<typeof rowOfEvent>[]): Promise<void> {
    await this.database.db
      .with('e', (db) => db.insertInto('journal_events').values(rows).returning(['id', 'at', 'targets']))
      .insertInto('journal_targets')
      .columns(['person_id', 'at', 'event_id'])
      .expression(sql`SELECT DISTINCT t.person_id, e.at, e.id FROM e CROSS JOIN LATERAL unnest(e.targets) AS t(person_id)`)
      .execute();
  }

  async about(personId: string, limit: number, after?: string): Promise<JournalEntry[]> {
    const position = after === undefined ? undefined : positionOfCursor(after);
    const rows = await journalPageQuery(this.database.db, personId, limit, position).execute();
    return rows.map((row) => ({ ...eventOfRow(row), cursor: cursorOf(row) }));
  }
}

/**
 * One page of a person's journal. The page is chosen first, from the index alone (a subquery with
 * its own LIMIT: the planner walks `journal_targets` backwards, newest partition first, and stops
 * at `limit`), then each of its events is fetched by primary key (a LATERAL lookup, kept a lookup
 * by its LIMIT 1: joined as a plain join, the planner misjudges how many events match and may
 * hash-join against the whole journal).
 */
export function journalPageQuery(db: Kysely<Database>, personId: string, limit: number, position?: { at: Date; id: string }) {
  let page = db.selectFrom('journal_targets').select(['at', 'event_id']).where('person_id', '=', personId);
  if (position) page = page.where((eb) => eb(eb.refTuple('at', 'event_id'), '<', eb.tuple(position.at, position.id)));
  const chosen = page.orderBy('at', 'desc').orderBy('event_id', 'desc').limit(limit).as('page');
  return db
    .selectFrom(chosen)
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('journal_events')
          .selectAll()
          .whereRef('journal_events.at', '=', 'page.at')
          .whereRef('journal_events.id', '=', 'page.event_id')
          .limit(1)
          .as('e'),
      (join) => join.onTrue(),
    )
    .selectAll('e')
    .orderBy('page.at', 'desc')
    .orderBy('page.event_id', 'desc');
}

/**
 * Creates the missing monthly partitions (both tables) for every month from `first` to `last`
 * (UTC). Idempotent and safe with several instances at once; returns how many tables it created.
 */
export async function ensureJournalPartitions(database: HubDatabase, first: Date, last: Date): Promise<number> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const result = await sql<{ created: number }>`SELECT hub_journal_ensure_partitions(${day(first)}::date, ${day(last)}::date) AS created`.execute(database.db);
  return result.rows[0]?.created ?? 0;
}

/** The months ahead the maintenance step keeps partitioned, so writes never wait for a partition. */
export const JOURNAL_MONTHS_AHEAD = 3;

/** This month's partitions and the next `JOURNAL_MONTHS_AHEAD` months'. */
export function ensureJournalPartitionsAhead(database: HubDatabase, now = new Date()): Promise<number> {
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + JOURNAL_MONTHS_AHEAD, 1));
  return ensureJournalPartitions(database, now, last);
}

/** PostgreSQL's "no partition of relation … found for row" (check_violation on a partitioned table). */
function isMissingPartition(error: unknown): boolean {
  return (error as { code?: string }).code === '23514' && /no partition/i.test((error as Error).message);
}

function rowOfEvent(event: AuditEvent) {
  const at = new Date(event.at);
  return {
    // The router stamps events with its clock; anything unreadable is kept at the time it is written.
    at: Number.isNaN(at.getTime()) ? new Date() : at,
    request_id: event.requestId,
    viewer_kind: event.viewer.kind,
    viewer_person_id: event.viewer.personId ?? null,
    viewer_profile: event.viewer.profile ?? null,
    viewer_client_id: event.viewer.clientId ?? null,
    operation_name: event.operationName ?? null,
    targets: event.targets,
    fields: event.fields,
    outcome: event.outcome,
    reason: event.reason ?? null,
    ...(event.count !== undefined ? { count: event.count } : {}),
  };
}

function eventOfRow(row: JournalEventRow): AuditEvent {
  return {
    at: row.at.toISOString(),
    requestId: row.request_id,
    viewer: {
      kind: row.viewer_kind,
      ...(row.viewer_person_id !== null ? { personId: row.viewer_person_id } : {}),
      ...(row.viewer_profile !== null ? { profile: row.viewer_profile } : {}),
      ...(row.viewer_client_id !== null ? { clientId: row.viewer_client_id } : {}),
    },
    ...(row.operation_name !== null ? { operationName: row.operation_name } : {}),
    targets: row.targets,
    fields: row.fields,
    outcome: row.outcome,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.count > 1 ? { count: row.count } : {}),
  };
}

/** The event's place in the journal (its time and id), as an opaque string. */
function cursorOf(row: JournalEventRow): string {
  return encodeKeysetCursor(row.at, row.id);
}

/** Journal ids are bigints: digits only, so a cursor never carries anything else into the query. */
const JOURNAL_ID = /^\d{1,19}$/;

function positionOfCursor(cursor: string): KeysetPosition {
  const position = decodeKeysetCursor(cursor, (id) => JOURNAL_ID.test(id));
  if (!position) throw new InvalidJournalCursorError('not a cursor of this journal');
  return position;
}
