import { sql, type Kysely } from 'kysely';

/**
 * `directory_files`: every AAF file applied to the imported directory (its name and content hash,
 * its export day and category). A file already applied is not applied again, and a file older than
 * what was applied for its category is refused: re-importing a folder (a new delta arrived beside
 * last month's full export) never replays old state over newer, not even for the seconds between
 * two files' transactions (a parent's lost authority back, a pupil added since gone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE directory_files (
      name text NOT NULL,
      sha256 text NOT NULL,
      day text,
      category text,
      imported_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, sha256)
    )`.execute(db);
  await sql`CREATE INDEX directory_files_latest ON directory_files (category, day)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE directory_files`.execute(db);
}
