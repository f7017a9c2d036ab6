import { sql, type Kysely } from 'kysely';
import { ANSWER_CHANGES_CHANNEL, ANSWER_TABLES } from './0015-answer-changes.ts';
import { OUTBOX_CHANGED } from './0016-answer-change-kinds.ts';

/** What a change about one person says: `person:<id>` (the hub's own announces say the same). */
export const PERSON_CHANGED_PREFIX = 'person:';
/** The longest person id a change names: a payload stays small. */
export const LONGEST_PERSON_ID_NOTIFIED = 128;
/** Past this many pupils in one statement (a purge), the outbox says `outbox` once instead. */
const MOST_PUPILS_NAMED = 50;

const OUTBOX = 'vie_scolaire_outbox';
const OPERATIONS = [
  ['insert', sql`AFTER INSERT`, sql`REFERENCING NEW TABLE AS new_rows`],
  ['update', sql`AFTER UPDATE`, sql`REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows`],
  ['delete', sql`AFTER DELETE`, sql`REFERENCING OLD TABLE AS old_rows`],
  ['truncate', sql`AFTER TRUNCATE`, sql``],
] as const;

/** The outbox's four triggers (migration 0015's names and arguments) on `fn`. */
async function pointOutboxTriggersAt(db: Kysely<unknown>, fn: string): Promise<void> {
  const args = sql.join(ANSWER_TABLES[OUTBOX]!.map((column) => sql.lit(column)));
  for (const [op, when, transition] of OPERATIONS) {
    const name = sql.raw(`${OUTBOX}_answers_${op}`);
    await sql`DROP TRIGGER IF EXISTS ${name} ON ${sql.table(OUTBOX)}`.execute(db);
    await sql`CREATE TRIGGER ${name} ${when} ON ${sql.table(OUTBOX)} ${transition}
      FOR EACH STATEMENT EXECUTE FUNCTION ${sql.raw(fn)}(${args})`.execute(db);
  }
}

/**
 * The outbox's changes name their pupils: `person:<pupil>` for each pupil whose submissions a
 * statement added, changed (as answers see them: the trigger's arguments are the bookkeeping columns
 * no answer shows) or removed, instead of `outbox`. Its rows are a pupil's justifications and
 * homework handed in, which the pupil and their guardians see: the routers forget those people's
 * answers only. With `outbox` every router forgot every answer at each submission, so that on an
 * académie's evening, submissions arriving every few seconds, the cache held nothing. A school's
 * staff who list a pupil's justifications see a new one when their answer's max-age runs out, as
 * they do for a homework ticked in the school's own system. A statement about more than 50 pupils
 * (the retention's purge), a pupil id longer than a change may name, or a TRUNCATE still says
 * `outbox`: everything is forgotten.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const channel = sql.lit(ANSWER_CHANGES_CHANNEL);
  await sql`
    CREATE FUNCTION hub_outbox_answer_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      unseen text[] := coalesce(TG_ARGV, '{}');
      pupils text[];
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(${channel}, ${sql.lit(OUTBOX_CHANGED)});
        RETURN NULL;
      ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(p) INTO pupils FROM (SELECT DISTINCT pupil_id AS p FROM new_rows LIMIT ${sql.lit(MOST_PUPILS_NAMED + 1)}) s;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(p) INTO pupils FROM (SELECT DISTINCT pupil_id AS p FROM old_rows LIMIT ${sql.lit(MOST_PUPILS_NAMED + 1)}) s;
      ELSE
        -- The rows as answers see them that the statement left and were not there before, or took away.
        SELECT array_agg(p) INTO pupils FROM (
          SELECT DISTINCT r ->> 'pupil_id' AS p FROM (
            (SELECT to_jsonb(n) - unseen AS r FROM new_rows n EXCEPT SELECT to_jsonb(o) - unseen FROM old_rows o)
            UNION ALL
            (SELECT to_jsonb(o) - unseen FROM old_rows o EXCEPT SELECT to_jsonb(n) - unseen FROM new_rows n)
          ) changed
          LIMIT ${sql.lit(MOST_PUPILS_NAMED + 1)}
        ) s;
      END IF;
      IF pupils IS NULL THEN
        RETURN NULL; -- nothing an answer shows changed
      END IF;
      IF cardinality(pupils) > ${sql.lit(MOST_PUPILS_NAMED)}
        OR EXISTS (SELECT 1 FROM unnest(pupils) p WHERE p IS NULL OR length(p) = 0 OR length(p) > ${sql.lit(LONGEST_PERSON_ID_NOTIFIED)}) THEN
        PERFORM pg_notify(${channel}, ${sql.lit(OUTBOX_CHANGED)});
      ELSE
        PERFORM pg_notify(${channel}, ${sql.lit(PERSON_CHANGED_PREFIX)} || p) FROM unnest(pupils) p;
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);
  await pointOutboxTriggersAt(db, 'hub_outbox_answer_changes_notify');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await pointOutboxTriggersAt(db, 'hub_answer_changes_notify');
  await sql`DROP FUNCTION IF EXISTS hub_outbox_answer_changes_notify()`.execute(db);
}
