import { sql, type Kysely } from 'kysely';

/**
 * The hub's messaging (the communication subgraph): a message once, one row per recipient (who
 * received it is fixed when it is sent: a list is expanded then, and a later directory change does
 * not change who got it), and the cahier de liaison's signatures, one per child and legal guardian.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE messages (
      id uuid PRIMARY KEY,
      thread_id uuid NOT NULL,
      in_reply_to uuid,
      sender_id text NOT NULL,
      sender_name text NOT NULL,
      subject text NOT NULL,
      body_html text NOT NULL,
      lists jsonb NOT NULL DEFAULT '[]',
      requires_signature boolean NOT NULL DEFAULT false,
      sent_at timestamptz NOT NULL DEFAULT now(),
      recalled_at timestamptz,
      sender_trashed_at timestamptz,
      -- Full-text search with the French configuration (stemming, French stop words): the sender's
      -- name, the subject, the body (the default parser reads HTML tags as tags, not words).
      search tsvector GENERATED ALWAYS AS (to_tsvector('french', sender_name || ' ' || subject || ' ' || body_html)) STORED
    )`.execute(db);
  // The sender's "sent" folder, newest first, and the daily quota's count.
  await sql`CREATE INDEX messages_by_sender ON messages (sender_id, sent_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX messages_by_thread ON messages (thread_id, sent_at)`.execute(db);
  await sql`CREATE INDEX messages_search ON messages USING gin (search)`.execute(db);
  await sql`
    CREATE TABLE message_recipients (
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      person_id text NOT NULL,
      display_name text NOT NULL,
      direct boolean NOT NULL,
      sent_at timestamptz NOT NULL,
      read_at timestamptz,
      trashed_at timestamptz,
      recalled_at timestamptz,
      PRIMARY KEY (message_id, person_id)
    )`.execute(db);
  // A person's inbox and trash, newest first, by keyset; and the unread count.
  await sql`CREATE INDEX message_recipients_by_person ON message_recipients (person_id, sent_at DESC, message_id DESC) WHERE recalled_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE message_signatures (
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      child_id text NOT NULL,
      child_name text NOT NULL,
      guardian_id text NOT NULL,
      guardian_name text NOT NULL,
      signed_at timestamptz,
      PRIMARY KEY (message_id, child_id, guardian_id)
    )`.execute(db);
  await sql`CREATE INDEX message_signatures_by_guardian ON message_signatures (guardian_id, message_id)`.execute(db);
  // Attachments: checked by content when sent, served only to the sender and the recipients.
  await sql`
    CREATE TABLE message_attachments (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      position smallint NOT NULL,
      name text NOT NULL,
      content_type text NOT NULL,
      bytes integer NOT NULL,
      content bytea NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX message_attachments_by_message ON message_attachments (message_id, position)`.execute(db);
  // A recipient reports a message to a school's direction (abuse): once per message and reporter.
  await sql`
    CREATE TABLE message_reports (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      reporter_id text NOT NULL,
      reporter_name text NOT NULL,
      school_id text NOT NULL,
      reason text NOT NULL,
      reported_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (message_id, reporter_id)
    )`.execute(db);
  await sql`CREATE INDEX message_reports_by_school ON message_reports (school_id, reported_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE message_reports`.execute(db);
  await sql`DROP TABLE message_attachments`.execute(db);
  await sql`DROP TABLE message_signatures`.execute(db);
  await sql`DROP TABLE message_recipients`.execute(db);
  await sql`DROP TABLE messages`.execute(db);
}
