import { sql, type Kysely } from 'kysely';

/**
 * Attachments in an S3-compatible object store (issue 15, where configured): the row keeps the
 * name, type, size and SHA-256, and the object's key (a random id: never the file's name nor a
 * person's id); `content` is then NULL. Exactly one of the two holds the bytes.
 *
 * `message_attachment_objects_to_delete` is the record that an object must go: a row deleted from
 * `message_attachments` by any means (the retention purge, a cascade from `messages`) leaves its
 * key there in the same transaction (the trigger below), and an upload not yet committed is listed
 * there too, `not_before` an hour on (a send that fails after its upload leaves no object forever).
 * The communication subgraph deletes those objects and then their rows: an object whose row is gone
 * always has a record to retry from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE message_attachments ALTER COLUMN content DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE message_attachments ADD COLUMN object_key text UNIQUE`.execute(db);
  await sql`ALTER TABLE message_attachments ADD COLUMN sha256 text`.execute(db);
  await sql`ALTER TABLE message_attachments ADD CONSTRAINT message_attachments_one_content CHECK ((content IS NULL) <> (object_key IS NULL))`.execute(db);
  await sql`
    CREATE TABLE message_attachment_objects_to_delete (
      object_key text PRIMARY KEY,
      not_before timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX message_attachment_objects_to_delete_due ON message_attachment_objects_to_delete (not_before)`.execute(db);
  await sql`
    CREATE FUNCTION message_attachment_object_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO message_attachment_objects_to_delete (object_key) VALUES (OLD.object_key)
        ON CONFLICT (object_key) DO UPDATE SET not_before = now();
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER message_attachment_object_deleted AFTER DELETE ON message_attachments
      FOR EACH ROW WHEN (OLD.object_key IS NOT NULL) EXECUTE FUNCTION message_attachment_object_deleted()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER message_attachment_object_deleted ON message_attachments`.execute(db);
  await sql`DROP FUNCTION message_attachment_object_deleted()`.execute(db);
  await sql`DROP TABLE message_attachment_objects_to_delete`.execute(db);
  await sql`ALTER TABLE message_attachments DROP CONSTRAINT message_attachments_one_content`.execute(db);
  await sql`ALTER TABLE message_attachments DROP COLUMN sha256`.execute(db);
  await sql`ALTER TABLE message_attachments DROP COLUMN object_key`.execute(db);
  await sql`ALTER TABLE message_attachments ALTER COLUMN content SET NOT NULL`.execute(db);
}
