import { sql, type Kysely } from 'kysely';

/**
 * The change detector's early poll after a person's fresh read (docs/notifications.md, « Fresh
 * reads »), on the existing row per school and kind of data (bounded: no queue grows with reads):
 *
 * - `fresh_read_at`: a person's read fetched fresh data of this kind from the school's system since
 *   the detector last began reading it (set once, not per read; cleared when a poll begins);
 * - `read_at`: when the detector last recorded a poll of it, by the database's clock (the worker's
 *   own clock is the tests' to move), the start of the minimum gap before an early poll.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE notification_baselines
      ADD COLUMN fresh_read_at timestamptz,
      ADD COLUMN read_at timestamptz NOT NULL DEFAULT now()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notification_baselines DROP COLUMN fresh_read_at, DROP COLUMN read_at`.execute(db);
}
