/**
 * The directory backend and the perimeter options, from the environment (README): DIRECTORY_BACKEND
 * (aaf or ldap), DIRECTORY_AAF_DIR (an AAF export folder; without it the generated demo académie),
 * DIRECTORY_LDAP_*, DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD. Read by every subgraph that decides the
 * perimeter (the directory, the vie scolaire), so that they all decide it from the same directory.
 */
import { readFileSync } from 'node:fs';
import type { Directory } from '../../connectors/directory/directory.ts';
import { LdapDirectory } from '../../connectors/directory/ldap/ldap-directory.ts';
import { LdapPool } from '../../connectors/directory/ldap/ldap-pool.ts';
import { AafDirectory } from '../../connectors/directory/aaf/aaf-directory.ts';
import { importAafDirectory } from '../../connectors/directory/aaf/import.ts';
import { loadEmbeddedAcademie } from '../../connectors/directory/embedded.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PerimeterOptions } from '../perimeter/perimeter.ts';

export async function directoryFromEnv(env: NodeJS.ProcessEnv, log: Logger): Promise<Directory> {
  if (env.DIRECTORY_BACKEND === 'ldap') {
    const required = (name: string) => env[name] || (() => { throw new Error(`${name} is required with DIRECTORY_BACKEND=ldap`); })();
    return new LdapDirectory(
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
  }
  if (env.DIRECTORY_AAF_DIR) {
    const { store, report } = await importAafDirectory(env.DIRECTORY_AAF_DIR);
    log.info({ files: report.files.length, applied: report.appliedEntries, rejected: report.rejectedEntries }, 'AAF export imported');
    return new AafDirectory(store);
  }
  return (await loadEmbeddedAcademie(env.HUB_DATA_DIR ?? '.hub-data')).directory;
}

export const perimeterOptionsFromEnv = (env: NodeJS.ProcessEnv): PerimeterOptions => ({
  personInChargeSeesChild: env.DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD === 'true',
});
