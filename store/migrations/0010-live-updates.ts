import { sql, type Kysely } from 'kysely';

/** The channel the live updates' triggers notify on (store/live-updates.ts listens to it). */
export const LIVE_UPDATES_CHANNEL = 'hub_live_updates';

/**
 * Live updates: whenever a person's inbox or notifications change (a message or a notification
 * arrives, is read, recalled, trashed or forgotten), the database itself says so on
 * `hub_live_updates`, whoever wrote the row (a subgraph instance, the notification worker, the
 * retention purge). The payload is `<what>:<person id>` with `what` = `messages` or `notifications`;
 * nothing else of the row travels.
 *
 * Statement-level triggers with transition tables: a message to a class of 500 notifies each
 * recipient once per statement, and PostgreSQL folds identical payloads of one transaction into
 * one, delivered at commit (a rolled-back send says nothing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION hub_live_updates_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      what text := TG_ARGV[0];
      person text;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        FOR person IN SELECT DISTINCT person_id FROM old_rows LOOP
          PERFORM pg_notify(${sql.lit(LIVE_UPDATES_CHANNEL)}, what || ':' || person);
        END LOOP;
      ELSE
        FOR person IN SELECT DISTINCT person_id FROM new_rows LOOP
          PERFORM pg_notify(${sql.lit(LIVE_UPDATES_CHANNEL)}, what || ':' || person);
        END LOOP;
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);
  for (const [table, what] of [
    ['message_recipients', 'messages'],
    ['notifications', 'notifications'],
  ] as const) {
    const t = sql.table(table);
    const name = (op: string) => sql.raw(`${table}_live_${op}`);
    await sql`CREATE TRIGGER ${name('insert')} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_live_updates_notify(${sql.lit(what)})`.execute(db);
    await sql`CREATE TRIGGER ${name('update')} AFTER UPDATE ON ${t} REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_live_updates_notify(${sql.lit(what)})`.execute(db);
    await sql`CREATE TRIGGER ${name('delete')} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION hub_live_updates_notify(${sql.lit(what)})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['message_recipients', 'notifications']) {
    for (const op of ['insert', 'update', 'delete']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(`${table}_live_${op}`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS hub_live_updates_notify()`.execute(db);
}
