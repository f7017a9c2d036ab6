/**
 * `npm run -s gar:export -- --out DIR [--uai UAI …]`: writes the GAR-ENT v1.7 export of the
 * directory (the embedded académie, or DIRECTORY_AAF_DIR) and its tar.gz, and prints a JSON summary.
 * GAR_ID_ENT names the ENT at the GAR; GAR_PSEUDONYM_SECRET keys the pseudonymous person ids
 * (a development default is used, with a warning, outside production).
 */
import { parseArgs } from 'node:util';
import { importAafDirectory } from '../connectors/directory/aaf/import.ts';
import { loadEmbeddedAcademie } from '../tooling/academie/embedded.ts';
import { exportToGar } from '../connectors/gar/export/gar-export.ts';
import { garPseudonymSecret } from '../connectors/gar/pseudonym.ts';

const DEV_SECRET = 'development-only-gar-pseudonym-secret-0123456789';
const { values } = parseArgs({ options: { out: { type: 'string' }, uai: { type: 'string', multiple: true } } });
if (!values.out) {
  process.stderr.write('usage: npm run -s gar:export -- --out DIR [--uai UAI …]\n');
  process.exit(2);
}
let secret = process.env.GAR_PSEUDONYM_SECRET;
if (!secret) {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('gar:export: GAR_PSEUDONYM_SECRET is required in production\n');
    process.exit(2);
  }
  process.stderr.write('gar:export: GAR_PSEUDONYM_SECRET not set; using the development secret\n');
  secret = DEV_SECRET;
}
try {
  const store = process.env.DIRECTORY_AAF_DIR
    ? (await importAafDirectory(process.env.DIRECTORY_AAF_DIR)).store
    : (await loadEmbeddedAcademie(process.env.HUB_DATA_DIR ?? '.hub-data')).directory.store;
  const result = await exportToGar(store, {
    idEnt: process.env.GAR_ID_ENT ?? 'ENTHUB',
    outDir: values.out,
    pseudonymSecret: garPseudonymSecret(secret),
    uais: values.uai,
  });
  for (const s of result.skipped) process.stderr.write(`skipped ${s.personId}: ${s.reason}\n`);
  process.stdout.write(`${JSON.stringify({ files: result.files, bundle: result.bundle, entries: result.entries, skipped: result.skipped.length })}\n`);
} catch (error) {
  process.stderr.write(`gar:export: ${(error as Error).message}\n`);
  process.exit(1);
}
