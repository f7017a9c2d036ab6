import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { openDatabase, type HubDatabase } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { FREE_PORTS } from './free-ports.ts';

/**
 * A new, empty database on the test run's PostgreSQL server (test/database-server.ts), for one
 * test file: `CREATE DATABASE hub_test_<random>`. Returns its URL; nothing is migrated yet.
 */
export async function createTestDatabaseUrl(): Promise<string> {
  const serverUrl = inject('databaseServerUrl');
  const name = `hub_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database, migrated to the latest schema, opened with the hub's defaults. Close it in afterAll. */
export async function openTestDatabase(options: { statementTimeoutMs?: number; poolMax?: number } = {}): Promise<HubDatabase> {
  const log = createLogger('test-database', 'silent');
  const database = await openDatabase(
    { url: await createTestDatabaseUrl(), poolMax: options.poolMax ?? 5, statementTimeoutMs: options.statementTimeoutMs ?? 5_000, connectTimeoutMs: 5_000 },
    log,
  );
  await migrateToLatest(database, log);
  return database;
}

/**
 * Options for an embedded hub in a test: free ports, and a fresh database on the test run's one
 * PostgreSQL server (rather than a server of its own per file: faster, and one fewer process to
 * start under load). Tests of the embedded server itself use FREE_PORTS alone.
 */
export async function testHubOptions() {
  return { ...FREE_PORTS, databaseUrl: await createTestDatabaseUrl() };
}
