/**
 * `npm run -s gar:export -- --out DIR [--uai UAI …]`: writes the GAR-ENT v1.7 export of the
 * directory and its tar.gz, and prints a JSON summary on stdout (logs go to stderr).
 *
 * The directory is the hub's (subgraphs/directory/backend.ts): DIRECTORY_BACKEND=ldap reads the
 * SDET's LDAP, DIRECTORY_BACKEND=aaf with DATABASE_URL the directory imported into the hub's
 * database. Without a database (development), DIRECTORY_AAF_DIR or the embedded académie is read
 * in memory. GAR_ID_ENT names the ENT at the GAR; GAR_PSEUDONYM_SECRET keys the pseudonymous person
 * ids (required in production; a development default is used, with a warning, outside it).
 */
import { parseArgs } from 'node:util';
import { AafDirectory } from '../connectors/directory/aaf/aaf-directory.ts';
import { importAafDirectory } from '../connectors/directory/aaf/import.ts';
import type { Directory } from '../connectors/directory/directory.ts';
import { exportToGar } from '../connectors/gar/export/gar-export.ts';
import { garPseudonymSecret } from '../connectors/gar/pseudonym.ts';
import { COMMON_ENV, ConfigError, envSchema, mergeEnv, readEnv, secret, text, type EnvValues } from '../lib/config/env.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { DATABASE_ENV } from '../store/database.ts';
import { DIRECTORY_BACKEND_ENV, directoryFromConfig } from '../subgraphs/directory/backend.ts';
import { readEmbeddedAcademie } from '../tooling/academie/embedded.ts';

const DEV_SECRET = 'development-only-gar-pseudonym-secret-0123456789';

/** Everything this tool reads, checked whole before anything is written. */
const GAR_EXPORT_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, DIRECTORY_BACKEND_ENV), DATABASE_ENV),
  envSchema({
    GAR_ID_ENT: text({ default: 'ENTHUB' }),
    GAR_PSEUDONYM_SECRET: secret({ minBytes: 32 }),
    // The hub's database (store/database.ts reads it), holding the imported directory.
    DATABASE_URL: secret({ minBytes: 1 }),
  }),
);

/** The directory to export: the hub's own, or (development, no database) an AAF export read in memory. */
async function directoryOf(config: EnvValues<typeof GAR_EXPORT_ENV.variables>, log: Logger): Promise<Directory> {
  if (config.DIRECTORY_BACKEND === 'ldap' || config.DATABASE_URL) return directoryFromConfig(config, log);
  const { store } = config.DIRECTORY_AAF_DIR ? await importAafDirectory(config.DIRECTORY_AAF_DIR) : await readEmbeddedAcademie(config.HUB_DATA_DIR);
  return new AafDirectory(store);
}

const { values } = parseArgs({ options: { out: { type: 'string' }, uai: { type: 'string', multiple: true } } });
if (!values.out) {
  process.stderr.write('usage: npm run -s gar:export -- --out DIR [--uai UAI …]\n');
  process.exit(2);
}
// stdout carries the summary alone.
const log = createLogger('gar-export', undefined, process.stderr);
try {
  const config = readEnv(GAR_EXPORT_ENV, process.env);
  if (!config.GAR_PSEUDONYM_SECRET && config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'GAR_PSEUDONYM_SECRET', expected: 'set in production (pseudonyms must stay stable)' }]);
  }
  if (!config.GAR_PSEUDONYM_SECRET) log.warn('GAR_PSEUDONYM_SECRET not set; using the development secret');
  const result = await exportToGar(await directoryOf(config, log), {
    idEnt: config.GAR_ID_ENT,
    outDir: values.out,
    pseudonymSecret: garPseudonymSecret(config.GAR_PSEUDONYM_SECRET ?? DEV_SECRET),
    uais: values.uai,
  });
  for (const s of result.skipped) process.stderr.write(`skipped ${s.personId}: ${s.reason}\n`);
  process.stdout.write(`${JSON.stringify({ files: result.files, bundle: result.bundle, entries: result.entries, skipped: result.skipped.length })}\n`);
  // A remote directory keeps its connections open: the export is done, so is the tool.
  process.exit(0);
} catch (error) {
  process.stderr.write(`gar:export: ${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
