/**
 * The directory subgraph alone, as in production. Configuration from the environment (README):
 * DIRECTORY_BACKEND (aaf or ldap), DIRECTORY_AAF_DIR (an AAF export folder; without it the generated
 * demo académie), DIRECTORY_LDAP_* (the SDET directory), DIRECTORY_PORT, DIRECTORY_HOST,
 * DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD, HUB_VIEWER_CONTEXT_SECRET.
 */
import { readFileSync } from 'node:fs';
import type { Directory } from '../../connectors/directory/directory.ts';
import { LdapDirectory } from '../../connectors/directory/ldap/ldap-directory.ts';
import { LdapPool } from '../../connectors/directory/ldap/ldap-pool.ts';
import { AafDirectory } from '../../connectors/directory/aaf/aaf-directory.ts';
import { importAafDirectory } from '../../connectors/directory/aaf/import.ts';
import { loadEmbeddedAcademie } from '../../connectors/directory/embedded.ts';
import { createLogger } from '../../lib/logger.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { startDirectorySubgraph } from './server.ts';

const log = createLogger('directory');
try {
  const env = process.env;
  const key = viewerContextKey(env.HUB_VIEWER_CONTEXT_SECRET);
  let directory: Directory;
  if (env.DIRECTORY_BACKEND === 'ldap') {
    const required = (name: string) => env[name] || (() => { throw new Error(`${name} is required with DIRECTORY_BACKEND=ldap`); })();
    directory = new LdapDirectory(
      new LdapPool({
        url: required('DIRECTORY_LDAP_URL'),
        bindDn: required('DIRECTORY_LDAP_BIND_DN'),
        password: required('DIRECTORY_LDAP_PASSWORD'),
        base: required('DIRECTORY_LDAP_BASE'),
        startTls: env.DIRECTORY_LDAP_STARTTLS === 'true',
        caPem: env.DIRECTORY_LDAP_CA_FILE ? readFileSync(env.DIRECTORY_LDAP_CA_FILE, 'utf8') : undefined,
        timeoutMs: Number(env.DIRECTORY_LDAP_TIMEOUT_MS ?? 5000),
        poolSize: Number(env.DIRECTORY_LDAP_POOL_SIZE ?? 4),
      }),
    );
  } else if (env.DIRECTORY_AAF_DIR) {
    const { store, report } = await importAafDirectory(env.DIRECTORY_AAF_DIR);
    log.info({ files: report.files.length, applied: report.appliedEntries, rejected: report.rejectedEntries }, 'AAF export imported');
    directory = new AafDirectory(store);
  } else {
    directory = (await loadEmbeddedAcademie(env.HUB_DATA_DIR ?? '.hub-data')).directory;
  }
  const server = await startDirectorySubgraph({
    directory,
    perimeter: { personInChargeSeesChild: env.DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD === 'true' },
    viewerContextKey: key,
    log,
    port: Number(env.DIRECTORY_PORT ?? 4001),
    host: env.DIRECTORY_HOST,
    production: env.NODE_ENV === 'production',
  });
  log.info({ url: server.graphqlUrl }, 'directory subgraph listening');
  exitOnSignal(() => server.close(), log, 15_000);
} catch (error) {
  log.fatal({ err: error }, `directory subgraph failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
