/**
 * The directory backend and the perimeter options, from the environment (README): DIRECTORY_BACKEND
 * (aaf: the directory imported into the hub's database at DATABASE_URL; or ldap), DIRECTORY_AAF_DIR
 * (an AAF export folder imported at start when new; without it, outside production, an empty
 * directory gets the generated demo académie),
 * DIRECTORY_LDAP_*, DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD. Read by every subgraph that decides the
 * perimeter (the directory, the vie scolaire), so that they all decide it from the same directory.
 */
import { readFileSync } from 'node:fs';
import type { Directory } from '../../connectors/directory/directory.ts';
import { LdapDirectory } from '../../connectors/directory/ldap/ldap-directory.ts';
import { LdapPool } from '../../connectors/directory/ldap/ldap-pool.ts';
import { importEmbeddedAcademie, writeEmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import { databaseConfigFromEnv, openDatabase } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { directoryIsEmpty, importAafIntoDatabase } from '../../store/directory/aaf-writer.ts';
import { PostgresDirectory } from '../../store/directory/postgres-directory.ts';
import { CachedDirectory, type DirectoryCacheOptions } from '../../store/directory/cached-directory.ts';
import { AnswerChanges } from '../../store/answer-changes.ts';
import { boolean, envSchema, mergeEnv, file, integer, oneOf, readEnv, secret, text, url, type Env, type EnvValues } from '../../lib/config/env.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PerimeterOptions } from '../perimeter/perimeter.ts';

const LDAP_REQUIRED = ['DIRECTORY_LDAP_URL', 'DIRECTORY_LDAP_BIND_DN', 'DIRECTORY_LDAP_PASSWORD', 'DIRECTORY_LDAP_BASE'] as const;

/**
 * A subgraph's cache of the imported directory (store/directory/cached-directory.ts): the most
 * records it keeps (0: none), and the longest it keeps them when no change is heard.
 */
export const DIRECTORY_CACHE_ENV = envSchema({
  DIRECTORY_CACHE_MAX_RECORDS: integer({ min: 0, max: 1_000_000, default: 20_000 }),
  DIRECTORY_CACHE_MAX_AGE_SECONDS: integer({ min: 1, max: 86_400, default: 600 }),
});

const DIRECTORY_SOURCE_ENV = envSchema(
  {
    DIRECTORY_BACKEND: oneOf(['aaf', 'ldap'], { default: 'aaf' }),
    DIRECTORY_AAF_DIR: text({}),
    HUB_DATA_DIR: text({ default: '.hub-data' }),
    DIRECTORY_LDAP_URL: url({ protocols: ['ldap:', 'ldaps:'] }),
    DIRECTORY_LDAP_BIND_DN: text({}),
    DIRECTORY_LDAP_PASSWORD: secret({ minBytes: 1 }),
    DIRECTORY_LDAP_BASE: text({}),
    DIRECTORY_LDAP_STARTTLS: boolean({ default: false }),
    DIRECTORY_LDAP_CA_FILE: file({}),
    DIRECTORY_LDAP_TIMEOUT_MS: integer({ min: 1, max: 600_000, default: 5000 }),
    DIRECTORY_LDAP_POOL_SIZE: integer({ min: 1, max: 100, default: 4 }),
    DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD: boolean({ default: false }),
    /** The hub's database: the AAF backend's directory is there (store/database.ts reads the DATABASE_* settings). */
    DATABASE_URL: url({ protocols: ['postgres:', 'postgresql:'] }),
  },
  (v) =>
    v.DIRECTORY_BACKEND === 'ldap'
      ? LDAP_REQUIRED.filter((name) => v[name] === undefined).map((name) => ({ variable: name, expected: 'set with DIRECTORY_BACKEND=ldap' }))
      : v.DATABASE_URL === undefined
        ? [{ variable: 'DATABASE_URL', expected: 'set with DIRECTORY_BACKEND=aaf (the imported directory is in the hub’s database)' }]
        : [],
);

/** The directory backend's variables, read by every process that decides the perimeter. */
export const DIRECTORY_BACKEND_ENV = mergeEnv(DIRECTORY_SOURCE_ENV, DIRECTORY_CACHE_ENV);

export type DirectoryBackendConfig = EnvValues<typeof DIRECTORY_BACKEND_ENV.variables>;

/** A directory and how to close the connections it opened (its database's pool, its LISTEN connection, an LDAP pool). */
export interface OpenedDirectory {
  directory: Directory;
  close(): Promise<void>;
}

/**
 * The directory the configuration names: the SDET's LDAP, an AAF export, or the generated demo
 * académie, for a tool that reads it and exits (its connections are left to the process's end).
 */
export async function directoryFromConfig(config: DirectoryBackendConfig, log: Logger, env: Env = process.env): Promise<Directory> {
  return (await openDirectory(config, log, env)).directory;
}

/**
 * The directory the configuration names, with what closes it: for a process that runs (a subgraph).
 * With `cached` (the subgraphs, which read the same people on every request), the imported directory
 * is read through a cache kept right by the database's change notifications (one more connection, to
 * LISTEN: store/directory/cached-directory.ts); the LDAP backend announces no change and is not cached.
 */
export async function openDirectory(
  config: DirectoryBackendConfig,
  log: Logger,
  env: Env = process.env,
  options: { cached?: boolean } = {},
): Promise<OpenedDirectory> {
  if (config.DIRECTORY_BACKEND === 'ldap') {
    // Set: the schema's check refuses an LDAP backend without them.
    const required = (value: string | undefined, name: string) =>
      value ??
      (() => {
        throw new Error(`${name} is required with DIRECTORY_BACKEND=ldap`);
      })();
    const pool = new LdapPool({
      url: required(config.DIRECTORY_LDAP_URL, 'DIRECTORY_LDAP_URL'),
      bindDn: required(config.DIRECTORY_LDAP_BIND_DN, 'DIRECTORY_LDAP_BIND_DN'),
      password: required(config.DIRECTORY_LDAP_PASSWORD, 'DIRECTORY_LDAP_PASSWORD'),
      base: required(config.DIRECTORY_LDAP_BASE, 'DIRECTORY_LDAP_BASE'),
      startTls: config.DIRECTORY_LDAP_STARTTLS,
      caPem: config.DIRECTORY_LDAP_CA_FILE ? readFileSync(config.DIRECTORY_LDAP_CA_FILE, 'utf8') : undefined,
      timeoutMs: config.DIRECTORY_LDAP_TIMEOUT_MS,
      poolSize: config.DIRECTORY_LDAP_POOL_SIZE,
    });
    return { directory: new LdapDirectory(pool), close: () => pool.close() };
  }
  return aafDirectoryFromDatabase(config, env, log, options.cached ?? false);
}

/**
 * DIRECTORY_BACKEND=aaf: the directory imported into the hub's database (`npm run aaf:import`),
 * read with indexed queries. DIRECTORY_AAF_DIR, when set, is imported at start unless that folder
 * (its files' names, sizes and dates) was imported already; several instances starting at once
 * import it once. Outside production, an empty directory gets the generated demo académie.
 */
async function aafDirectoryFromDatabase(config: DirectoryBackendConfig, env: Env, log: Logger, cached: boolean): Promise<OpenedDirectory> {
  const storeLog = log.child({ component: 'directory-store' });
  const database = await openDatabase(databaseConfigFromEnv(env, config.DATABASE_URL), storeLog);
  const cacheOptions = cached ? directoryCacheOptionsOf(config) : undefined;
  let changes: AnswerChanges | undefined;
  try {
    await migrateToLatest(database, storeLog);
    if (config.DIRECTORY_AAF_DIR) {
      const { skipped, report } = await importAafIntoDatabase(database, config.DIRECTORY_AAF_DIR, { onlyOnce: true });
      if (!skipped) log.info({ files: report.files.length, applied: report.appliedEntries, rejected: report.rejectedEntries }, 'AAF export imported');
    } else if (await directoryIsEmpty(database)) {
      if (env.NODE_ENV === 'production') log.warn({ database: database.name }, 'the imported directory is empty: import the académie with npm run aaf:import');
      else await importEmbeddedAcademie(database, (await writeEmbeddedAcademie(config.HUB_DATA_DIR)).aafDir, log);
    }
    if (cacheOptions) changes = await AnswerChanges.start(database, log.child({ component: 'directory-changes' }));
  } catch (error) {
    await database.close();
    throw error;
  }
  const close = async () => {
    await changes?.close();
    await database.close();
  };
  const directory = new PostgresDirectory(database.db);
  return { directory: changes && cacheOptions ? new CachedDirectory(directory, changes, cacheOptions) : directory, close };
}

/** The directory cache's options from its variables; undefined when it is off (`DIRECTORY_CACHE_MAX_RECORDS=0`). */
export const directoryCacheOptionsOf = (config: EnvValues<typeof DIRECTORY_CACHE_ENV.variables>): DirectoryCacheOptions | undefined =>
  config.DIRECTORY_CACHE_MAX_RECORDS > 0
    ? { maxRecords: config.DIRECTORY_CACHE_MAX_RECORDS, maxAgeMs: config.DIRECTORY_CACHE_MAX_AGE_SECONDS * 1000 }
    : undefined;

/**
 * Whether the router hears of every change of this directory, so that answers read from it may be
 * reused (subgraphs/kit/answer-freshness.ts): the AAF backend's tables notify each change (database
 * triggers, store/migrations/0015); an LDAP directory changes without telling anyone.
 */
export const directoryChangesAnnounced = (directory: Directory): boolean => !(directory instanceof LdapDirectory);

export const perimeterOptionsOf = (config: Pick<DirectoryBackendConfig, 'DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD'>): PerimeterOptions => ({
  personInChargeSeesChild: config.DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD,
});

/** For a tool that reads only the directory's variables (its own check of them included). */
export const directoryFromEnv = (env: Env, log: Logger): Promise<Directory> => directoryFromConfig(readEnv(DIRECTORY_BACKEND_ENV, env), log, env);

export const perimeterOptionsFromEnv = (env: Env): PerimeterOptions => perimeterOptionsOf(readEnv(DIRECTORY_BACKEND_ENV, env));
