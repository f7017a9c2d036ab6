/**
 * `npm run -s aaf:import -- DIR`: imports a folder of AAF files (a full export, deltas, or both:
 * fulls first, then deltas, oldest day first) into the directory in the hub's database, one
 * transaction per file, and prints the report as one JSON object on stdout. Rejected entries and
 * broken files are listed on stderr. The database is DATABASE_URL, or else the embedded server of
 * `npm start` (under HUB_DATA_DIR), started for the import and stopped after. Safe while the hub
 * runs: readers see each file's changes at once, at its commit; two imports never run at once.
 */
import { join } from 'node:path';
import { createLogger } from '../lib/logger.ts';
import { databaseConfigFromEnv, embeddedPostgresPort, openDatabase } from '../store/database.ts';
import { importAafIntoDatabase } from '../store/directory/aaf-writer.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../store/postgres/embedded-server.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npm run -s aaf:import -- DIR\n');
  process.exit(2);
}
const log = createLogger('aaf-import', process.env.HUB_LOG_LEVEL ?? 'warn');
let embedded: EmbeddedPostgresServer | undefined;
try {
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dir: join(process.env.HUB_DATA_DIR ?? '.hub-data', 'postgres'), port: embeddedPostgresPort(process.env), log });
  }
  const database = await openDatabase(databaseConfigFromEnv(process.env, process.env.DATABASE_URL ?? embedded?.url), log);
  try {
    await migrateToLatest(database, log);
    const started = performance.now();
    const { report } = await importAafIntoDatabase(database, dir);
    for (const file of report.files.filter((f) => f.error)) process.stderr.write(`broken file: ${file.error}\n`);
    for (const r of report.rejections) process.stderr.write(`rejected: ${r.file}:${r.line} ${r.id ?? '(no id)'}: ${r.reason}\n`);
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    process.stdout.write(
      `${JSON.stringify({ database: database.name, files: report.files.length, appliedEntries: report.appliedEntries, rejectedEntries: report.rejectedEntries, brokenFiles: report.files.filter((f) => f.error).length, seconds })}\n`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.stderr.write(`aaf:import failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
