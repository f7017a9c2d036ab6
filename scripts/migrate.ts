/**
 * `npm run migrate`: brings the database at `DATABASE_URL` to the latest schema, then exits. The
 * router also migrates at start; this is for deployments that migrate as a separate step.
 * Without `DATABASE_URL`, the embedded server of `npm start` (under HUB_DATA_DIR) is started,
 * migrated and stopped.
 */
import { join } from 'node:path';
import { createLogger } from '../lib/logger.ts';
import { databaseConfigFromEnv, embeddedPostgresPort, openDatabase } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../store/postgres/embedded-server.ts';

const log = createLogger('migrate', process.env.HUB_LOG_LEVEL ?? 'info');
let embedded: EmbeddedPostgresServer | undefined;
try {
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dir: join(process.env.HUB_DATA_DIR ?? '.hub-data', 'postgres'),
      port: embeddedPostgresPort(process.env),
      log,
    });
  }
  const database = await openDatabase(databaseConfigFromEnv(process.env, process.env.DATABASE_URL ?? embedded?.url), log);
  try {
    const applied = await migrateToLatest(database, log);
    process.stdout.write(applied.length ? `${database.name}: applied ${applied.join(', ')}\n` : `${database.name}: already up to date\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.stderr.write(`migrate failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
