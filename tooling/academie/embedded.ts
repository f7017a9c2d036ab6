import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importAafDirectory, type AafImportReport } from '../../connectors/directory/aaf/import.ts';
import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import type { HubDatabase } from '../../store/database.ts';
import { importAafIntoDatabase } from '../../store/directory/aaf-writer.ts';
import { PostgresDirectory } from '../../store/directory/postgres-directory.ts';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { Logger } from '../../lib/logger.ts';
import { DEMO_ACADEMIE, GENERATOR_VERSION, type AcademieOptions, type DemoPerson } from './academie.ts';
import { writeAcademie } from './write-academie.ts';

export interface EmbeddedAcademie {
  /**
   * The directory the hub reads: the académie imported into the hub's database (the embedded hub
   * reads it through its subgraphs' cache, store/directory/cached-directory.ts).
   */
  directory: Directory;
  /**
   * The same export parsed in memory, as the stand-ins of other systems know it (the vie scolaire
   * systems, the GAR, the identity providers' demo accounts): they are not the hub, and keep their own copy.
   */
  store: AafStore;
  report: AafImportReport;
  demo: DemoPerson[];
  aafDir: string;
  /** Whether this start imported the académie into the database (false: it was there already), and in how long. */
  imported: { now: boolean; seconds: number };
}

/** The generated demo académie's AAF files under `dataDir`, written the first time, and its demo people. */
export async function writeEmbeddedAcademie(dataDir: string, options: AcademieOptions = DEMO_ACADEMIE): Promise<{ aafDir: string; demo: DemoPerson[] }> {
  const aafDir = join(dataDir, 'aaf', `v${GENERATOR_VERSION}-seed-${options.seed}-${options.schoolPairs}x${options.classesPerLevel}x${options.pupilsPerClass}`);
  const demoFile = join(aafDir, 'demo-people.json');
  if (!existsSync(demoFile)) {
    const written = await writeAcademie(aafDir, options);
    writeFileSync(demoFile, JSON.stringify(written.demo, null, 2));
  }
  return { aafDir, demo: JSON.parse(readFileSync(demoFile, 'utf8')) as DemoPerson[] };
}

/**
 * Imports the generated académie's folder into the database unless it is there already (by the
 * folder's name, which holds the generator's version and options): every later start reads nothing.
 */
export async function importEmbeddedAcademie(database: HubDatabase, aafDir: string, log?: Logger): Promise<{ now: boolean; seconds: number }> {
  const started = performance.now();
  const { skipped, report } = await importAafIntoDatabase(database, aafDir, { source: `generated:${basename(aafDir)}`, onlyOnce: true });
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  if (!skipped) log?.info({ database: database.name, applied: report.appliedEntries, rejected: report.rejectedEntries, seconds }, 'demo académie imported');
  return { now: !skipped, seconds };
}

/** The generated académie parsed in memory, as the stand-ins (and tools that play them) know it. No database. */
export async function readEmbeddedAcademie(
  dataDir: string,
  academie: AcademieOptions = DEMO_ACADEMIE,
): Promise<Pick<EmbeddedAcademie, 'store' | 'report' | 'demo' | 'aafDir'>> {
  const { aafDir, demo } = await writeEmbeddedAcademie(dataDir, academie);
  const { store, report } = await importAafDirectory(aafDir);
  return { store, report, demo, aafDir };
}

/**
 * The embedded default: the generated demo académie, written once as AAF files under `dataDir`,
 * imported into the hub's database through the same parser as a real export, and parsed in memory
 * for the stand-ins.
 */
export async function loadEmbeddedAcademie(
  dataDir: string,
  database: HubDatabase,
  options: { academie?: AcademieOptions; log?: Logger } = {},
): Promise<EmbeddedAcademie> {
  const read = await readEmbeddedAcademie(dataDir, options.academie);
  const imported = await importEmbeddedAcademie(database, read.aafDir, options.log);
  return { ...read, directory: new PostgresDirectory(database.db), imported };
}
