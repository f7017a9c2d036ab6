import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ALL_ANSWERS_CHANGED, ANSWER_CHANGES_CHANNEL } from './0015-answer-changes.ts';

/** What the directory's tables say when they change: the subgraphs' directory cache forgets on it. */
export const DIRECTORY_CHANGED = 'directory';
/** What the vie scolaire outbox says when it changes: answers forget it, the directory cache does not. */
export const OUTBOX_CHANGED = 'outbox';

/**
 * The function of migration 0015's triggers, notifying `payload` (an SQL expression over the
 * trigger's variables) when the statement changed rows answers are built from.
 */
const notifyFunction = (payload: RawBuilder<unknown>) => sql`
  CREATE OR REPLACE FUNCTION hub_answer_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
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
      PERFORM pg_notify(${sql.lit(ANSWER_CHANGES_CHANNEL)}, ${payload});
    END IF;
    RETURN NULL;
  END
  $$`;

/**
 * Answer changes say which data changed: `directory` from the directory's tables, `outbox` from the
 * vie scolaire outbox (instead of `all` from both). The router's response cache forgets every
 * answer on either, as before; the subgraphs' cache of the directory
 * (store/directory/cached-directory.ts) forgets on `directory` only, so that a pupil's justification,
 * or the outbox's forwarding of it, does not empty it on every instance. `all` stays what a process
 * says when it may have missed changes, or hears a payload it does not understand (an older or newer
 * version's): everything is forgotten. The triggers themselves are 0015's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await notifyFunction(
    // Any other table given these triggers later says `all` until it is named here.
    sql`CASE WHEN TG_TABLE_NAME IN ('directory_entries', 'directory_links') THEN ${sql.lit(DIRECTORY_CHANGED)}
      WHEN TG_TABLE_NAME = 'vie_scolaire_outbox' THEN ${sql.lit(OUTBOX_CHANGED)} ELSE ${sql.lit(ALL_ANSWERS_CHANGED)} END`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await notifyFunction(sql.lit(ALL_ANSWERS_CHANGED)).execute(db);
}
