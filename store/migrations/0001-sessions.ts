import { sql, type Kysely } from 'kysely';

/** Hub sessions (by the hash of their secret, never the secret) and login history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      secret_hash text NOT NULL UNIQUE,
      person_id text NOT NULL,
      profile text NOT NULL CHECK (profile IN ('student', 'guardian', 'teacher', 'staff')),
      functions text[] NOT NULL DEFAULT '{}',
      schools text[] NOT NULL DEFAULT '{}',
      children text[] NOT NULL DEFAULT '{}',
      idp text NOT NULL,
      idp_subject text NOT NULL,
      idp_session_id text,
      id_token text,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      facts_at timestamptz,
      transport text NOT NULL CHECK (transport IN ('cookie', 'bearer')),
      user_agent text
    )`.execute(db);
  // A person's sessions (viewer { sessions }); a provider's back-channel logout by sid or by sub.
  await sql`CREATE INDEX sessions_by_person ON sessions (person_id)`.execute(db);
  await sql`CREATE INDEX sessions_by_idp_session ON sessions (idp, idp_session_id) WHERE idp_session_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX sessions_by_idp_subject ON sessions (idp, idp_subject)`.execute(db);
  // The purge of sessions past their absolute timeout.
  await sql`CREATE INDEX sessions_by_creation ON sessions (created_at)`.execute(db);

  await sql`
    CREATE TABLE login_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      person_id text NOT NULL,
      at timestamptz NOT NULL,
      idp text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success', 'refused')),
      reason text,
      user_agent text
    )`.execute(db);
  await sql`CREATE INDEX login_events_by_person ON login_events (person_id, at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX login_events_by_time ON login_events (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_events`.execute(db);
  await sql`DROP TABLE sessions`.execute(db);
}
