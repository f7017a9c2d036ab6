import { join } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { databaseConfigFromEnv, embeddedPostgresPort } from './database.ts';
import { openHubStore, type HubStore } from './hub-store.ts';
import { retentionConfigFromEnv } from './retention/config.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './postgres/embedded-server.ts';
import type { SessionTimeouts } from './sessions/session.ts';

export interface EmbeddedStoreOptions {
  /** The hub's data folder: the embedded server keeps its cluster in `dataDir/postgres`. */
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** A database to use as is (tests give each file its own); else `DATABASE_URL`; else the embedded server. */
  databaseUrl?: string;
  /** The embedded server's port; `HUB_POSTGRES_PORT` or 4300 by default; 0 picks a free port. */
  postgresPort?: number;
  sessionTimeouts: SessionTimeouts;
  log: Logger;
}

export interface EmbeddedStore {
  readonly store: HubStore;
  /** The database's URL (with its password: for processes of this hub only, never printed). */
  readonly databaseUrl: string;
  /** The embedded server, when this process runs one. */
  readonly server?: EmbeddedPostgresServer;
  /** Closes the store, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

/**
 * The hub's store for `npm start`, the tests and the benchmark: a given database, or
 * `DATABASE_URL`, or else a real PostgreSQL server started from npm packages with its data under
 * the data folder (kept across restarts). Migrated before it is returned.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const given = options.databaseUrl ?? options.env.DATABASE_URL;
  const server = given
    ? undefined
    : await startEmbeddedPostgres({
        dir: join(options.dataDir, 'postgres'),
        port: options.postgresPort ?? embeddedPostgresPort(options.env),
        log: options.log.child({ component: 'postgres' }),
      });
  const databaseUrl = given ?? server!.url;
  let store: HubStore;
  try {
    store = await openHubStore({
      database: databaseConfigFromEnv(options.env, databaseUrl),
      sessionTimeouts: options.sessionTimeouts,
      retention: retentionConfigFromEnv(options.env),
      log: options.log.child({ component: 'store' }),
    });
  } catch (error) {
    await server?.stop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    store,
    databaseUrl,
    server,
    close: () =>
      (closing ??= (async () => {
        await store.close();
        await server?.stop();
      })()),
  };
}
