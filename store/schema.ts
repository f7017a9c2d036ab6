import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AuditEvent } from './journal/event.ts';
import type { AafAttributes, AafCategory } from '../connectors/directory/aaf/entry.ts';

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
  directory_entries: DirectoryEntriesTable;
  directory_links: DirectoryLinksTable;
  directory_imports: DirectoryImportsTable;
  directory_files: DirectoryFilesTable;
  vie_scolaire_outbox: VieScolaireOutboxTable;
  vie_scolaire_outbox_files: VieScolaireOutboxFilesTable;
  hub_job_runs: HubJobRunsTable;
  data_exports: DataExportsTable;
  messages: MessagesTable;
  message_recipients: MessageRecipientsTable;
  message_signatures: MessageSignaturesTable;
  message_reports: MessageReportsTable;
  message_attachments: MessageAttachmentsTable;
  message_attachment_objects_to_delete: MessageAttachmentObjectsToDeleteTable;
  message_folders: MessageFoldersTable;
  message_drafts: MessageDraftsTable;
  notification_baselines: NotificationBaselinesTable;
  notification_snapshots: NotificationSnapshotsTable;
  notification_leases: NotificationLeasesTable;
  notification_events: NotificationEventsTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_digests: NotificationDigestsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_settings: NotificationSettingsTable;
  notification_sms_spend: NotificationSmsSpendTable;
  notification_contact_problems: NotificationContactProblemsTable;
  school_events: SchoolEventsTable;
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

/** One periodic job shared by every instance (migration 0006): claimed by moving `next_run_at` forward. */
export interface HubJobRunsTable {
  name: string;
  next_run_at: Timestamp;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  /** What the last run did (counts per kind), as JSON. */
  last_result: ColumnType<unknown, string | null, string | null> | null;
}

/** A request for an export of what the hub holds about a person (the RGPD right of access; migration 0006). */
export interface DataExportsTable {
  id: string;
  /** Whose data. */
  person_id: string;
  /** Who asked: the person, or their responsable légal. */
  requested_by: string;
  /** The request id of the GraphQL request that asked (the journal's events name it). */
  request_id: string;
  status: 'pending' | 'running' | 'ready' | 'downloaded' | 'expired' | 'failed';
  requested_at: ColumnType<Date, Date | string | undefined, Date | string>;
  claimed_at: Timestamp | null;
  attempts: ColumnType<number, number | undefined, number>;
  ready_at: Timestamp | null;
  /** When the document is deleted if nobody downloaded it. */
  expires_at: Timestamp | null;
  /** The JSON document, until downloaded or expired. */
  document: string | null;
  /** SHA-256 (hex) of the download link's token: the token itself is never stored. */
  token_hash: string | null;
  link_expires_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** A submission of the vie scolaire outbox (migration 0004): claimed by one instance at a time, under a lease. */
export interface VieScolaireOutboxTable {
  id: string;
  kind: 'justification' | 'homework';
  uai: string;
  pupil_id: string;
  target_id: string;
  submitted_by: string;
  reason: string | null;
  comment: string | null;
  file_name: string | null;
  file_content_type: string | null;
  file_bytes: number | null;
  verified: boolean;
  state: 'PENDING' | 'SENT' | 'ACCEPTED' | 'REJECTED';
  upstream_id: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The instance holding the claim, and until when (a crashed instance's claim lapses). */
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** When nothing more will happen to it: the retention counts from it. */
  settled_at: Timestamp | null;
}

/** An attached file's content, until the school has it (deleted with its item). */
export interface VieScolaireOutboxFilesTable {
  item_id: string;
  content: Buffer;
}

/** One entry of the imported AAF directory (store/migrations/0005-directory.ts): its attributes and search keys. */
export interface DirectoryEntriesTable {
  category: AafCategory;
  id: string;
  /** Attribute name → values, as imported (only attributes that hold a value). */
  attributes: ColumnType<AafAttributes, string, string>;
  last_name_key: string | null;
  first_name_key: string | null;
  full_name_key: string | null;
  email_key: string | null;
  birth_date: string | null;
  uai: string | null;
}

export interface DirectoryLinksTable {
  category: AafCategory;
  entry_id: string;
  relation: 'student_class' | 'student_group' | 'student_school' | 'teacher_class' | 'teacher_group' | 'staff_school' | 'guardian';
  /** `structure$code` for a class or group, a school id, an adult's id. */
  target: string;
  position: ColumnType<number, number | undefined, number>;
}

/** An AAF file applied to the imported directory (migration 0007). */
export interface DirectoryFilesTable {
  name: string;
  sha256: string;
  /** `yyyyMMdd` of the export, from the file's name. */
  day: string | null;
  category: string | null;
  imported_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface DirectoryImportsTable {
  source: string;
  imported_at: ColumnType<Date, Date | string | undefined, Date | string>;
  applied_entries: number;
  rejected_entries: number;
}

/** A message of the hub's messaging (migration 0008): sent once, read by its recipients' rows. */
export interface MessagesTable {
  id: string;
  /** The first message's id, for every message of a conversation. */
  thread_id: string;
  in_reply_to: string | null;
  sender_id: string;
  /** As the directory named the sender when it was sent. */
  sender_name: string;
  subject: string;
  /** Sanitized when sent (lib/markup.ts). */
  body_html: string;
  /** The lists the sender chose, by id and name: what every recipient sees of them. */
  lists: ColumnType<{ id: string; name: string }[], string, string>;
  requires_signature: ColumnType<boolean, boolean | undefined, boolean>;
  sent_at: ColumnType<Date, Date | string | undefined, never>;
  recalled_at: ColumnType<Date | null, never, Date | string>;
  sender_trashed_at: ColumnType<Date | null, never, Date | string | null>;
  /** Generated: French full-text search over the sender's name, the subject and the body. */
  search: ColumnType<string, never, never>;
}

/** One recipient's copy: fixed when sent. */
export interface MessageRecipientsTable {
  message_id: string;
  person_id: string;
  display_name: string;
  /** Named by the sender (the other recipients see the name); false when reached through a list (a blind copy). */
  direct: boolean;
  sent_at: Date | string;
  read_at: ColumnType<Date | null, never, Date | string>;
  trashed_at: ColumnType<Date | null, never, Date | string | null>;
  /** The sender recalled the message before this copy was read: it is gone from the recipient's folders. */
  recalled_at: ColumnType<Date | null, never, Date | string>;
  /** One of the owner's own folders (migration 0012); null: the inbox. */
  folder_id: ColumnType<string | null, never, string | null>;
}

/** A person's own folder of received messages (migration 0012): named once per person, case-insensitively. */
export interface MessageFoldersTable {
  id: string;
  person_id: string;
  name: string;
  created_at: ColumnType<Date, never, never>;
}

/** A message being written (migration 0012): its author's only; checked as any message when sent. */
export interface MessageDraftsTable {
  id: string;
  author_id: string;
  subject: string;
  /** Sanitized when saved (lib/markup.ts). */
  body_html: string;
  /** The person and list ids chosen (bounded), checked against the rules when sent. */
  recipient_ids: ColumnType<string[], string, string>;
  in_reply_to: string | null;
  requires_signature: boolean;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The cahier de liaison: one row per child and legal guardian a signed mot asks. */
export interface MessageSignaturesTable {
  message_id: string;
  child_id: string;
  child_name: string;
  guardian_id: string;
  guardian_name: string;
  signed_at: ColumnType<Date | null, never, Date | string>;
}

/** A file sent with a message: its content checked when sent. */
export interface MessageAttachmentsTable {
  id: string;
  message_id: string;
  position: number;
  name: string;
  content_type: string;
  bytes: number;
  /** The bytes, or null when they are in the object store (`object_key`). */
  content: Buffer | null;
  object_key: string | null;
  sha256: string | null;
}

/** An object of the attachment store to delete once `not_before` is past (migration 0014). */
export interface MessageAttachmentObjectsToDeleteTable {
  object_key: string;
  not_before: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A message a recipient reported to a school's direction. */
export interface MessageReportsTable {
  id: string;
  message_id: string;
  reporter_id: string;
  reporter_name: string;
  /** The school whose direction sees it. */
  school_id: string;
  reason: string;
  reported_at: ColumnType<Date, Date | string | undefined, never>;
}

/** Which days the change detector's last poll of a school covered, per kind of data. */
export interface NotificationBaselinesTable {
  uai: string;
  kind: string;
  /** `yyyy-MM-dd`, Europe/Paris (text: compared as text, never shifted by a time zone). */
  covered_from: string;
  covered_to: string;
  polled_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** A person's read fetched fresh data of this kind since the detector last began reading it (0013). */
  fresh_read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When the detector last recorded a poll of it, by the database's clock (0013). */
  read_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** What the detector last saw of one pupil: item id → [fingerprint, day]. */
export interface NotificationSnapshotsTable {
  uai: string;
  kind: string;
  pupil_id: string;
  items: ColumnType<Record<string, [string, string]>, string, string>;
}

export interface NotificationLeasesTable {
  uai: string;
  holder: string;
  expires_at: Date | string;
}

export interface NotificationEventsTable {
  id: string;
  kind: string;
  uai: string;
  pupil_id: string | null;
  dedup_key: string;
  details: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: ColumnType<Date, Date | string | undefined, never>;
  fanned_out_at: ColumnType<Date | null, never, Date | string>;
  /** Failed fan-outs so far (migration 0011); the next one not before `fan_out_retry_at`. */
  fan_out_attempts: Generated<number>;
  fan_out_retry_at: ColumnType<Date | null, never, Date | string | null>;
  /** Set aside after its attempts: never fanned out, `fan_out_error` says why (redacted, bounded). */
  fan_out_failed_at: ColumnType<Date | null, never, Date | string>;
  fan_out_error: ColumnType<string | null, never, string | null>;
}

/** What a person sees in the app's list. */
export interface NotificationsTable {
  id: string;
  event_id: string;
  person_id: string;
  category: string;
  child_id: string | null;
  title: string;
  body: string;
  link: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  read_at: ColumnType<Date | null, never, Date | string>;
}

/** One event sent to one person on one channel (e-mail, SMS): at most once. */
export interface NotificationDeliveriesTable {
  id: string;
  event_id: string;
  person_id: string;
  channel: 'email' | 'sms';
  frequency: 'immediate' | 'daily' | 'weekly';
  state: 'waiting' | 'queued' | 'sending' | 'sent' | 'failed' | 'replaced';
  uai: string;
  due_at: Date | string;
  attempts: Generated<number>;
  provider_id: string | null;
  error: string | null;
  digest_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  sent_at: ColumnType<Date | null, never, Date | string>;
  delivered_at: ColumnType<Date | null, never, Date | string>;
}

export interface NotificationDigestsTable {
  id: string;
  person_id: string;
  frequency: 'daily' | 'weekly';
  period: string;
  state: 'sending' | 'sent' | 'failed';
  items: Generated<number>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  sent_at: ColumnType<Date | null, never, Date | string>;
  error: string | null;
  /** When the attempt sending it now started (migration 0011): a second attempt waits for it to be stale. */
  sending_since: ColumnType<Date | null, never, Date | string | null>;
}

export interface NotificationPreferencesTable {
  person_id: string;
  category: string;
  in_app: boolean;
  email: string;
  sms: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationSettingsTable {
  person_id: string;
  quiet_from: number;
  quiet_to: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationSmsSpendTable {
  uai: string;
  day: string;
  spent: number;
}

export interface NotificationContactProblemsTable {
  uai: string;
  person_id: string;
  channel: string;
  problem: string;
  first_seen_at: ColumnType<Date, Date | string | undefined, never>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  occurrences: Generated<number>;
}

/** The shared agenda: an event of a school, a class or a group. */
export interface SchoolEventsTable {
  id: string;
  uai: string;
  audience_kind: 'school' | 'class' | 'group';
  audience_code: string | null;
  subject_code: string | null;
  category: string;
  title: string;
  description: string;
  location: string | null;
  starts_at: Date | string;
  ends_at: Date | string;
  created_by: string;
  created_by_name: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  canceled_at: ColumnType<Date | null, never, Date | string>;
  reminded_at: ColumnType<Date | null, never, Date | string>;
}

export type SessionRow = Selectable<SessionsTable>;
export type JournalEventRow = Selectable<JournalEventsTable>;
export type CalendarFeedRow = Selectable<CalendarFeedsTable>;
export type VieScolaireOutboxRow = Selectable<VieScolaireOutboxTable>;
export type DataExportRow = Selectable<DataExportsTable>;
