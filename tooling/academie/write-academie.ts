import { mkdir } from 'node:fs/promises';
import { AafExportWriter } from '../../connectors/directory/aaf/write.ts';
import { DEMO_ACADEMIE, generateAcademie, type AcademieOptions, type DemoPerson } from './academie.ts';

export interface WrittenAcademie {
  dir: string;
  files: string[];
  entries: number;
  demo: DemoPerson[];
}

/** Writes a generated académie as a full AAF export in `dir`, split like real exports. */
export async function writeAcademie(dir: string, options: AcademieOptions = DEMO_ACADEMIE, maxPerFile = 10_000): Promise<WrittenAcademie> {
  await mkdir(dir, { recursive: true });
  const writer = new AafExportWriter(dir, { prefix: 'ENTHUB', date: '20260901', maxPerFile });
  const generator = generateAcademie(options);
  let entries = 0;
  let step = generator.next();
  while (!step.done) {
    await writer.add(step.value.category, step.value.id, step.value.attributes);
    entries++;
    step = generator.next();
  }
  await writer.close();
  return { dir, files: writer.files, entries, demo: step.value };
}

/** Scales the académie to at least `people` people (pupils, guardians and staff), for benchmarks. */
export function academieOfSize(people: number, seed = DEMO_ACADEMIE.seed): AcademieOptions {
  // A pair of schools with 4 classes per level of 28 pupils holds ~ 784 pupils, ~1,400 guardians and
  // ~60 staff: about 2,200 to 2,300 people.
  return { schoolPairs: Math.max(1, Math.ceil(people / 2200)), classesPerLevel: 4, pupilsPerClass: 28, seed };
}
