import { sql, type Kysely } from 'kysely';

/** The channel the answer changes' triggers notify on (store/answer-changes.ts listens to it). */
export const ANSWER_CHANGES_CHANNEL = 'hub_answer_changes';

/** The one payload the triggers send: whatever changed, every cached answer may be stale. */
export const ALL_ANSWERS_CHANGED = 'all';

/**
 * The tables whose rows build answers the router may cache for a viewer (its per-viewer response
 * cache), and, for each, the columns no answer shows: bookkeeping that changes often and must not
 * empty every instance's cache (the outbox's forwarding loop claims due items every second on
 * every instance).
 *
 * - `directory_entries`, `directory_links`: the directory subgraph's answers, and the perimeter
 *   (who may see whom) that both the directory and the vie scolaire decide every answer with.
 * - `vie_scolaire_outbox`: a pupil's justifications and homework submissions (Student.justifications,
 *   Student.homeworkSubmissions), changed by the forwarding loop as the school's system answers.
 *
 * Not `calendar_feeds`: no answer the subgraphs allow to keep reads it (`myCalendarFeeds` says
 * `no-store`), and a trigger there would let anyone empty every cache by creating and revoking feeds.
 */
export const ANSWER_TABLES: Readonly<Record<string, readonly string[]>> = {
  directory_entries: [],
  directory_links: [],
  vie_scolaire_outbox: ['claimed_by', 'claimed_until', 'attempts', 'next_attempt_at', 'last_error'],
};

const OPERATIONS = ['insert', 'update', 'delete', 'truncate'] as const;
const triggerName = (table: string, op: (typeof OPERATIONS)[number]) => sql.raw(`${table}_answers_${op}`);

/**
 * Answer changes: whenever a statement changes rows that answers are built from, whoever wrote them
 * (an AAF import, the outbox's forwarding loop, the retention purge, another instance), the
 * database says `all` on `hub_answer_changes`, and every router instance forgets what it cached.
 * No row data travels: the payload is the constant `all` (a person's own writes are told by the
 * hub itself on the same channel as `person:<id>`, store/answer-changes.ts).
 *
 * Statement-level triggers: PostgreSQL folds identical payloads of one transaction into one
 * notification, delivered at commit, so an import of 100,000 rows says it once and a rolled-back
 * one says nothing. Statement-level triggers also fire for statements that change no row (the
 * forwarding loop's claim when nothing is due, an unchanged re-import's upsert): the transition
 * tables tell those apart, and an update that changed only the columns listed above (the trigger's
 * arguments) says nothing either. A TRUNCATE has no transition table: it always says `all`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION hub_answer_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- The trigger's arguments: the columns no answer shows (none: every changed row counts).
      unseen text[] := coalesce(TG_ARGV, '{}');
      changed boolean;
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        changed := true;
      ELSIF TG_OP = 'INSERT' THEN
        changed := EXISTS (SELECT 1 FROM new_rows);
      ELSIF TG_OP = 'DELETE' THEN
        changed := EXISTS (SELECT 1 FROM old_rows);
      ELSIF cardinality(unseen) = 0 THEN
        changed := EXISTS (SELECT 1 FROM new_rows);
      ELSE
        -- A row as answers see it (its key included): one the statement left that was not there before.
        changed := EXISTS (SELECT to_jsonb(n) - unseen FROM new_rows n EXCEPT SELECT to_jsonb(o) - unseen FROM old_rows o);
      END IF;
      IF changed THEN
        PERFORM pg_notify(${sql.lit(ANSWER_CHANGES_CHANNEL)}, ${sql.lit(ALL_ANSWERS_CHANGED)});
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);
  for (const [table, unseen] of Object.entries(ANSWER_TABLES)) {
    const t = sql.table(table);
    const args = sql.join(unseen.map((column) => sql.lit(column)));
    await sql`CREATE TRIGGER ${triggerName(table, 'insert')} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_answer_changes_notify(${args})`.execute(db);
    await sql`CREATE TRIGGER ${triggerName(table, 'update')} AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_answer_changes_notify(${args})`.execute(db);
    await sql`CREATE TRIGGER ${triggerName(table, 'delete')} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_answer_changes_notify(${args})`.execute(db);
    await sql`CREATE TRIGGER ${triggerName(table, 'truncate')} AFTER TRUNCATE ON ${t}
      FOR EACH STATEMENT EXECUTE FUNCTION hub_answer_changes_notify(${args})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of Object.keys(ANSWER_TABLES)) {
    for (const op of OPERATIONS) await sql`DROP TRIGGER IF EXISTS ${triggerName(table, op)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS hub_answer_changes_notify()`.execute(db);
}
