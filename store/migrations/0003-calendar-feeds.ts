import { sql, type Kysely } from 'kysely';

/**
 * Calendar feeds (the vie scolaire subgraph's `GET /calendar/{token}.ics`): the token's SHA-256
 * only, never the token. A revoked feed keeps its row (`revoked_at`) until the retention purge.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE calendar_feeds (
      id uuid PRIMARY KEY,
      token_hash text NOT NULL,
      owner_id text NOT NULL,
      pupil_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  // A calendar app's GET finds its feed by the token's hash, and no two feeds share one.
  await sql`CREATE UNIQUE INDEX calendar_feeds_by_token_hash ON calendar_feeds (token_hash)`.execute(db);
  // An owner's live feeds: the list and the quota's count.
  await sql`CREATE INDEX calendar_feeds_live_by_owner ON calendar_feeds (owner_id, created_at) WHERE revoked_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE calendar_feeds`.execute(db);
}
