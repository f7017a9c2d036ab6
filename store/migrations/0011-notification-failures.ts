import { sql, type Kysely } from 'kysely';

/**
 * What the notifications' worker needs to survive failures (docs/notifications.md):
 *
 * - an event whose fan-out fails is tried again later (`fan_out_retry_at`, with backoff) and, after
 *   its attempts, set aside (`fan_out_failed_at`, with a bounded, redacted reason): it no longer
 *   holds up the events behind it, and an operator sees why;
 * - a digest's attempt to send is claimed before the mail leaves (`sending_since`): a job run again
 *   meanwhile (a retry after the database failed right after the send, the queue's expiry) does not
 *   send it a second time while that attempt may still be under way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE notification_events
      ADD COLUMN fan_out_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN fan_out_retry_at timestamptz,
      ADD COLUMN fan_out_failed_at timestamptz,
      ADD COLUMN fan_out_error text`.execute(db);
  // The fan-out's pass reads only the events still to fan out (set-aside ones are not).
  await sql`DROP INDEX notification_events_to_fan_out`.execute(db);
  await sql`CREATE INDEX notification_events_to_fan_out ON notification_events (occurred_at) WHERE fanned_out_at IS NULL AND fan_out_failed_at IS NULL`.execute(
    db,
  );
  await sql`ALTER TABLE notification_digests ADD COLUMN sending_since timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notification_digests DROP COLUMN sending_since`.execute(db);
  await sql`DROP INDEX notification_events_to_fan_out`.execute(db);
  await sql`CREATE INDEX notification_events_to_fan_out ON notification_events (occurred_at) WHERE fanned_out_at IS NULL`.execute(db);
  await sql`
    ALTER TABLE notification_events
      DROP COLUMN fan_out_attempts,
      DROP COLUMN fan_out_retry_at,
      DROP COLUMN fan_out_failed_at,
      DROP COLUMN fan_out_error`.execute(db);
}
