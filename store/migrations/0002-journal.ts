import { sql, type Kysely } from 'kysely';

/**
 * The access journal, partitioned by month (UTC) on the event's time: a month is dropped whole when
 * it passes its retention, and a person's page reads the newest partitions first and stops.
 *
 * `journal_targets` is the index a person's journal is read by: one row per (person, event), its
 * primary key (person_id, at, event_id) walked backwards gives a person's events newest first.
 *
 * `hub_journal_ensure_partitions(first, last)` creates the missing monthly partitions of both
 * tables between two dates; the migration makes this month's and the next three, the store's
 * maintenance keeps three months ahead, and a write for a month without one makes it first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SEQUENCE journal_event_id AS bigint`.execute(db);
  await sql`
    CREATE TABLE journal_events (
      id bigint NOT NULL DEFAULT nextval('journal_event_id'),
      at timestamptz NOT NULL,
      request_id text NOT NULL,
      viewer_kind text NOT NULL CHECK (viewer_kind IN ('anonymous', 'person', 'service')),
      viewer_person_id text,
      viewer_profile text,
      viewer_client_id text,
      operation_name text,
      targets text[] NOT NULL,
      fields text[] NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
      reason text,
      count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
      PRIMARY KEY (at, id)
    ) PARTITION BY RANGE (at)`.execute(db);
  await sql`ALTER SEQUENCE journal_event_id OWNED BY journal_events.id`.execute(db);
  await sql`
    CREATE TABLE journal_targets (
      person_id text NOT NULL,
      at timestamptz NOT NULL,
      event_id bigint NOT NULL,
      PRIMARY KEY (person_id, at, event_id)
    ) PARTITION BY RANGE (at)`.execute(db);
  await sql`
    CREATE FUNCTION hub_journal_ensure_partitions(first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      month date := date_trunc('month', first_day)::date;
      suffix text;
      created integer := 0;
      parent text;
    BEGIN
      IF last_day < first_day OR last_day - first_day > 800 THEN
        RAISE EXCEPTION 'journal partitions: % to % is not a range of at most 26 months', first_day, last_day;
      END IF;
      -- Several instances may run this at once: one creates, the others then find the tables.
      PERFORM pg_advisory_xact_lock(hashtext('hub_journal_partitions'));
      WHILE month <= last_day LOOP
        suffix := to_char(month, '"y"YYYY"m"MM');
        FOREACH parent IN ARRAY ARRAY['journal_events', 'journal_targets'] LOOP
          IF to_regclass(parent || '_' || suffix) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              parent || '_' || suffix, parent,
              to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
              to_char((month + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00');
            created := created + 1;
          END IF;
        END LOOP;
        month := (month + interval '1 month')::date;
      END LOOP;
      RETURN created;
    END $$`.execute(db);
  await sql`SELECT hub_journal_ensure_partitions((now() AT TIME ZONE 'UTC')::date, ((now() AT TIME ZONE 'UTC') + interval '3 months')::date)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION hub_journal_ensure_partitions(date, date)`.execute(db);
  await sql`DROP TABLE journal_targets`.execute(db);
  await sql`DROP TABLE journal_events`.execute(db);
}
