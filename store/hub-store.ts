import type { Logger } from '../lib/logger.ts';
import { openDatabase, type DatabaseConfig, type HubDatabase } from './database.ts';
import { PostgresFeedStore } from './feeds/postgres-store.ts';
import { ensureJournalPartitionsAhead, PostgresAuditStore } from './journal/postgres-store.ts';
import { migrateToLatest } from './migrate.ts';
import { DEFAULT_RETENTION, type RetentionConfig } from './retention/config.ts';
import { RetentionJob, retentionRules } from './retention/purge.ts';
import { PostgresSessionStore } from './sessions/postgres-store.ts';
import type { SessionTimeouts } from './sessions/session.ts';

export interface HubStoreOptions {
  database: DatabaseConfig;
  /** The router's session timeouts: the maintenance step deletes sessions past them. */
  sessionTimeouts: SessionTimeouts;
  log: Logger;
  /** How often the maintenance step runs (partitions ahead, expired sessions, the retention purge when due); hourly by default. */
  maintenanceIntervalMs?: number;
  /** How long each kind of data is kept (store/retention/config.ts); the documented defaults otherwise. */
  retention?: RetentionConfig;
}

/** The hub's state in PostgreSQL, as one process uses it: the pool, the stores over it, their upkeep. */
export interface HubStore {
  readonly database: HubDatabase;
  readonly sessions: PostgresSessionStore;
  readonly journal: PostgresAuditStore;
  /** The vie scolaire subgraph's calendar feeds. */
  readonly feeds: PostgresFeedStore;
  /** The daily retention purge (one instance runs it each day; every instance's upkeep asks). */
  readonly retention: RetentionJob;
  /** For `/ready`: one round trip to the database. */
  readonly readiness: () => Promise<{ ready: boolean; error?: string }>;
  /** Runs the upkeep now (it also runs at open and then every interval). */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects (failing with an error naming the database when it cannot), migrates to the latest
 * schema, opens the stores and starts their upkeep. Every instance of the router (and any process
 * that reads sessions or the journal) opens its own; they share the database.
 */
export async function openHubStore(options: HubStoreOptions): Promise<HubStore> {
  const { log } = options;
  const database = await openDatabase(options.database, log);
  let sessions: PostgresSessionStore | undefined;
  try {
    await migrateToLatest(database, log);
    sessions = await PostgresSessionStore.open(database, { log });
  } catch (error) {
    await database.close();
    throw error;
  }
  const opened = sessions;
  const journal = new PostgresAuditStore(database);
  const feeds = new PostgresFeedStore(database);
  const retentionConfig = options.retention ?? DEFAULT_RETENTION;
  const retention = new RetentionJob(database, {
    rules: retentionRules(retentionConfig),
    everyMs: retentionConfig.purgeEveryMs,
    log,
  });

  // Each step is idempotent and safe with several instances running it at once.
  const keepUp = async () => {
    const created = await ensureJournalPartitionsAhead(database);
    const expired = await opened.deleteExpired(options.sessionTimeouts);
    if (created || expired) log.info({ database: database.name, partitionsCreated: created, sessionsExpired: expired }, 'store maintenance');
  };
  // Once a day across every instance: a cheap claim that finds it not due the other hours (it logs its counts when it runs).
  const purge = async () => {
    await retention.runIfDue();
  };
  const maintain = async () => {
    await keepUp();
    await purge();
  };
  const safely = (step: () => Promise<void>) =>
    step().catch((error: unknown) => log.error({ err: error, database: database.name }, 'store maintenance failed'));
  const runMaintenance = () => safely(maintain);
  // At start, what writes need now; the purge (long on a first run over years of data) off the start path.
  await safely(keepUp);
  void safely(purge);
  const timer = setInterval(() => void runMaintenance(), options.maintenanceIntervalMs ?? 3_600_000);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    database,
    sessions: opened,
    journal,
    feeds,
    retention,
    readiness: async () => {
      try {
        await database.ping();
        return { ready: true };
      } catch (error) {
        return { ready: false, error: `database ${database.name}: ${(error as Error).message}` };
      }
    },
    maintain,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await opened.close();
        await database.close();
      })()),
  };
}
