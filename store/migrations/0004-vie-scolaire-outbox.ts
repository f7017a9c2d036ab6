import { sql, type Kysely } from 'kysely';

/**
 * The vie scolaire outbox: what guardians and pupils submit, kept until the school's system has it
 * and then until its retention. Several subgraph instances forward from it: an instance claims due
 * rows (`FOR UPDATE SKIP LOCKED`) and marks them with a lease (`claimed_until`); a crashed
 * instance's claims are due again once the lease is over. Attached files live in a table of their
 * own, read one item at a time when forwarding, deleted once the school has them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE vie_scolaire_outbox (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('justification', 'homework')),
      uai text NOT NULL,
      pupil_id text NOT NULL,
      target_id text NOT NULL,
      submitted_by text NOT NULL,
      reason text,
      comment text,
      file_name text,
      file_content_type text,
      file_bytes integer CHECK (file_bytes >= 0),
      verified boolean NOT NULL,
      state text NOT NULL CHECK (state IN ('PENDING', 'SENT', 'ACCEPTED', 'REJECTED')),
      upstream_id text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claimed_by text,
      claimed_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- Set once nothing more will happen to it (accepted, rejected, a homework received): the retention counts from it.
      settled_at timestamptz
    )`.execute(db);
  // The forwarding loop's claim: what is not settled, by when it is due.
  await sql`CREATE INDEX vie_scolaire_outbox_due ON vie_scolaire_outbox (next_attempt_at) WHERE settled_at IS NULL`.execute(db);
  // A pupil's submissions of a kind, newest first (Student.justifications, Student.homeworkSubmissions).
  await sql`CREATE INDEX vie_scolaire_outbox_by_pupil ON vie_scolaire_outbox (pupil_id, kind, created_at DESC)`.execute(db);
  // A person's last 24 hours: the quotas.
  await sql`CREATE INDEX vie_scolaire_outbox_by_author ON vie_scolaire_outbox (submitted_by, created_at)`.execute(db);
  // The retention's purge.
  await sql`CREATE INDEX vie_scolaire_outbox_settled ON vie_scolaire_outbox (settled_at) WHERE settled_at IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE vie_scolaire_outbox_files (
      item_id uuid PRIMARY KEY REFERENCES vie_scolaire_outbox (id) ON DELETE CASCADE,
      content bytea NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE vie_scolaire_outbox_files`.execute(db);
  await sql`DROP TABLE vie_scolaire_outbox`.execute(db);
}
