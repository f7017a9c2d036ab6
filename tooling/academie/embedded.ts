import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AafDirectory } from '../../connectors/directory/aaf/aaf-directory.ts';
import { importAafDirectory, type AafImportReport } from '../../connectors/directory/aaf/import.ts';
import { DEMO_ACADEMIE, GENERATOR_VERSION, type AcademieOptions, type DemoPerson } from './academie.ts';
import { writeAcademie } from './write-academie.ts';

export interface EmbeddedAcademie {
  directory: AafDirectory;
  report: AafImportReport;
  demo: DemoPerson[];
  aafDir: string;
}

/**
 * The embedded default: the generated demo académie, written once as AAF files under `dataDir`
 * and imported through the same parser as a real export.
 */
export async function loadEmbeddedAcademie(dataDir: string, options: AcademieOptions = DEMO_ACADEMIE): Promise<EmbeddedAcademie> {
  const aafDir = join(dataDir, 'aaf', `v${GENERATOR_VERSION}-seed-${options.seed}-${options.schoolPairs}x${options.classesPerLevel}x${options.pupilsPerClass}`);
  const demoFile = join(aafDir, 'demo-people.json');
  if (!existsSync(demoFile)) {
    const written = await writeAcademie(aafDir, options);
    writeFileSync(demoFile, JSON.stringify(written.demo, null, 2));
  }
  const { store, report } = await importAafDirectory(aafDir);
  return { directory: new AafDirectory(store), report, demo: JSON.parse(readFileSync(demoFile, 'utf8')) as DemoPerson[], aafDir };
}
