import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AuditEvent } from './journal/event.ts';

/**
 * The hub's own tables, as the migrations (store/migrations/) make them: Kysely checks every query
 * against these types. A migration that changes a table changes its type here in the same commit
 * (store/database.test.ts reads every column named here from the migrated database).
 */
export interface Database {
  sessions: SessionsTable;
  login_events: LoginEventsTable;
  journal_events: JournalEventsTable;
  journal_targets: JournalTargetsTable;
  calendar_feeds: CalendarFeedsTable;
}

/** timestamptz: read as a Date, written as a Date (or an ISO string). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface SessionsTable {
  /** The public id (what the graph shows). */
  id: string;
  /** SHA-256 (base64url) of the secret the client holds: the secret itself is never stored. */
  secret_hash: string;
  person_id: string;
  profile: 'student' | 'guardian' | 'teacher' | 'staff';
  functions: string[];
  schools: string[];
  children: string[];
  idp: string;
  idp_subject: string;
  idp_session_id: string | null;
  id_token: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  facts_at: Timestamp | null;
  transport: 'cookie' | 'bearer';
  user_agent: string | null;
}

export interface LoginEventsTable {
  id: Generated<string>;
  person_id: string;
  at: Timestamp;
  idp: string;
  outcome: 'success' | 'refused';
  reason: string | null;
  user_agent: string | null;
}

/** One access-journal event (partitioned by month on `at`). */
export interface JournalEventsTable {
  /** bigint from a sequence: with `at`, the event's key and its place in a page. */
  id: ColumnType<string, string | undefined, never>;
  at: Timestamp;
  request_id: string;
  viewer_kind: AuditEvent['viewer']['kind'];
  viewer_person_id: string | null;
  viewer_profile: string | null;
  viewer_client_id: string | null;
  operation_name: string | null;
  targets: string[];
  fields: string[];
  outcome: AuditEvent['outcome'];
  reason: NonNullable<AuditEvent['reason']> | null;
  /** How many identical refusals this event stands for (merged by the router's throttle); 1 for one. */
  count: ColumnType<number, number | undefined, never>;
}

/** One row per (event, person it is about), partitioned like the events: the index a person's journal is read by. */
export interface JournalTargetsTable {
  person_id: string;
  at: Timestamp;
  event_id: string;
}

/** A calendar feed: found by its token's hash; revoked feeds keep their row (`revoked_at`). */
export interface CalendarFeedsTable {
  id: string;
  /** SHA-256 (hex) of the token in the feed's URL: the token itself is never stored. */
  token_hash: string;
  owner_id: string;
  pupil_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  /** Touched by a GET at most once a minute. */
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type SessionRow = Selectable<SessionsTable>;
export type JournalEventRow = Selectable<JournalEventsTable>;
export type CalendarFeedRow = Selectable<CalendarFeedsTable>;
