import { sql, type Kysely } from 'kysely';

/**
 * RGPD: the retention purge and the right of access.
 *
 * `hub_job_runs`: one row per periodic job shared by every instance (the daily retention purge):
 * an instance claims a run by moving `next_run_at` forward in one UPDATE, so one instance runs it
 * however many try at once, and a run that failed is retried at the next claim's retry time.
 *
 * `data_exports`: a person's (or their guardian's) requests for an export of what the hub holds
 * about them. A worker claims pending ones with `FOR UPDATE SKIP LOCKED`; the JSON document is kept
 * until it is downloaded (once, through a short-lived link whose token is stored as its SHA-256
 * only) or expires. At most one request in progress per person (the partial unique index).
 *
 * `hub_journal_drop_partitions_before(cutoff)` drops the journal's monthly partitions (both tables)
 * that end at or before `cutoff`, under the same advisory lock as their creation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE hub_job_runs (
      name text PRIMARY KEY,
      next_run_at timestamptz NOT NULL,
      last_started_at timestamptz,
      last_finished_at timestamptz,
      last_result jsonb
    )`.execute(db);

  await sql`
    CREATE TABLE data_exports (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      requested_by text NOT NULL,
      request_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'running', 'ready', 'downloaded', 'expired', 'failed')),
      requested_at timestamptz NOT NULL DEFAULT now(),
      claimed_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      ready_at timestamptz,
      expires_at timestamptz,
      document text,
      token_hash text,
      link_expires_at timestamptz,
      finished_at timestamptz,
      CHECK (token_hash IS NULL OR status = 'ready')
    )`.execute(db);
  // One request in progress per person, however many instances and requesters at once.
  await sql`CREATE UNIQUE INDEX data_exports_one_in_progress ON data_exports (person_id) WHERE status IN ('pending', 'running')`.execute(db);
  // The download finds its export by the token's hash, in one lookup.
  await sql`CREATE UNIQUE INDEX data_exports_by_token_hash ON data_exports (token_hash) WHERE token_hash IS NOT NULL`.execute(db);
  // A requester's list and daily quota; the export of a person's own past requests.
  await sql`CREATE INDEX data_exports_by_requester ON data_exports (requested_by, requested_at)`.execute(db);
  await sql`CREATE INDEX data_exports_by_person ON data_exports (person_id, requested_at)`.execute(db);
  // The worker's queue.
  await sql`CREATE INDEX data_exports_queue ON data_exports (requested_at) WHERE status IN ('pending', 'running')`.execute(db);

  await sql`
    CREATE FUNCTION hub_journal_drop_partitions_before(cutoff timestamptz) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      part record;
      month date;
      dropped integer := 0;
    BEGIN
      -- The lock partitions are created under: a creation and a drop never cross.
      PERFORM pg_advisory_xact_lock(hashtext('hub_journal_partitions'));
      FOR part IN
        SELECT c.relname FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname IN ('journal_events', 'journal_targets')
          AND c.relname ~ '_y[0-9]{4}m[0-9]{2}$'
      LOOP
        month := to_date(substring(part.relname from '_y([0-9]{4}m[0-9]{2})$'), 'YYYY"m"MM');
        -- The partition holds [month, month + 1 month) in UTC: dropped once all of it is past.
        IF (month + interval '1 month') AT TIME ZONE 'UTC' <= cutoff THEN
          EXECUTE format('DROP TABLE %I', part.relname);
          dropped := dropped + 1;
        END IF;
      END LOOP;
      RETURN dropped;
    END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION hub_journal_drop_partitions_before(timestamptz)`.execute(db);
  await sql`DROP TABLE data_exports`.execute(db);
  await sql`DROP TABLE hub_job_runs`.execute(db);
}
