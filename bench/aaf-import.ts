/**
 * `npm run bench:aaf [-- PEOPLE]`: generates an académie of about PEOPLE people (default 100,000) as
 * an AAF export, then imports it in a fresh process and reports time and peak memory as JSON.
 * The export is cached under .hub-data/bench (generation is not what is measured).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Runs in the child: imports DIR and prints the figures. */
async function measure(dir: string): Promise<void> {
  const { importAafDirectory } = await import('../connectors/directory/aaf/import.ts');
  const started = performance.now();
  const { store, report } = await importAafDirectory(dir);
  const seconds = (performance.now() - started) / 1000;
  const people = store.count('Eleve') + store.count('PersEducNat') + store.count('PersRelEleve');
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
  const bytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const figures: AafImportFigures = {
    people,
    entries: report.appliedEntries,
    files: files.length,
    megabytes: Math.round(bytes / 1e5) / 10,
    seconds: Math.round(seconds * 100) / 100,
    entriesPerSecond: Math.round(report.appliedEntries / seconds),
    peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
    parseOnlyPeakRssMegabytes: 0,
    parseOnlySeconds: 0,
    rejectedEntries: report.rejectedEntries,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

export async function benchAafImport(people = 100_000): Promise<AafImportFigures> {
  const dir = join('.hub-data', 'bench', `aaf-v${GENERATOR_VERSION}-${people}`);
  if (!existsSync(join(dir, 'done'))) {
    const written = await writeAcademie(dir, academieOfSize(people), 10_000);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'done'), String(written.entries));
  }
  const child = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, mode, dir], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1)!,
    );
  const parseOnly = child('--measure-parse') as { seconds: number; peakRssMegabytes: number };
  const figures = child('--measure') as AafImportFigures;
  return { ...figures, parseOnlyPeakRssMegabytes: parseOnly.peakRssMegabytes, parseOnlySeconds: Math.round(parseOnly.seconds * 100) / 100 };
}

if (process.argv[2] === '--measure') {
  await measure(process.argv[3]!);
} else if (process.argv[2] === '--measure-parse') {
  await measureParse(process.argv[3]!);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchAafImport(Number(process.argv[2] ?? 100_000));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
