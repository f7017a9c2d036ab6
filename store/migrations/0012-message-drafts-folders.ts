import { sql, type Kysely } from 'kysely';

/**
 * The messaging's drafts and each person's own folders (issue 15, « Folders »).
 *
 * Drafts live in their own table, never in `message_recipients`: nobody receives a draft, so the
 * live-update triggers of 0010 (which tell each recipient their inbox changed) see nothing of them.
 * A draft keeps the recipient ids its author chose, unchecked until it is sent (then it goes
 * through the same checks as any message, and the draft is deleted in the same transaction).
 *
 * A person's folder is named once per person, case-insensitively. A received copy sits in at most
 * one of its owner's folders (`message_recipients.folder_id`, null: the inbox). The foreign key
 * names the owner too, so the database itself refuses a copy in someone else's folder; deleting a
 * folder sets its copies' folder back to null (the inbox): nothing is lost. Moving a copy is an
 * UPDATE of `message_recipients`, so 0010's triggers tell its owner, as for any change of their box.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE message_folders (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (person_id, id)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX message_folders_name ON message_folders (person_id, lower(name))`.execute(db);
  await sql`ALTER TABLE message_recipients ADD COLUMN folder_id uuid`.execute(db);
  await sql`
    ALTER TABLE message_recipients ADD CONSTRAINT message_recipients_folder
      FOREIGN KEY (person_id, folder_id) REFERENCES message_folders (person_id, id) ON DELETE SET NULL (folder_id)`.execute(db);
  // A folder's page, newest first, by keyset (the inbox keeps message_recipients_by_person).
  await sql`
    CREATE INDEX message_recipients_by_folder ON message_recipients (person_id, folder_id, sent_at DESC, message_id DESC)
      WHERE recalled_at IS NULL AND folder_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE message_drafts (
      id uuid PRIMARY KEY,
      author_id text NOT NULL,
      subject text NOT NULL,
      -- Sanitized when saved, as a sent message's body.
      body_html text NOT NULL,
      -- The person and list ids chosen, checked when sent.
      recipient_ids jsonb NOT NULL DEFAULT '[]',
      in_reply_to uuid,
      requires_signature boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX message_drafts_by_author ON message_drafts (author_id, updated_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE message_drafts`.execute(db);
  await sql`DROP INDEX message_recipients_by_folder`.execute(db);
  await sql`ALTER TABLE message_recipients DROP CONSTRAINT message_recipients_folder`.execute(db);
  await sql`ALTER TABLE message_recipients DROP COLUMN folder_id`.execute(db);
  await sql`DROP TABLE message_folders`.execute(db);
}
