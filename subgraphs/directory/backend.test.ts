import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aafDocument, addRequestXml } from '../../connectors/directory/aaf/write.ts';
import { ConfigError, readEnv } from '../../lib/config/env.ts';
import { createLogger } from '../../lib/logger.ts';
import type { HubDatabase } from '../../store/database.ts';
import { PostgresDirectory } from '../../store/directory/postgres-directory.ts';
import { createTestDatabaseUrl, openTestDatabase } from '../../test/helpers/database.ts';
import { DIRECTORY_BACKEND_ENV, directoryFromConfig } from './backend.ts';

const log = createLogger('directory-backend-test', 'silent');
const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `hub-directory-backend-${name}-`));

describe('DIRECTORY_BACKEND=aaf reads the directory imported into the hub’s database', () => {
  let database: HubDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database?.close());

  it('refuses to start without DATABASE_URL, naming it', () => {
    expect(() => readEnv(DIRECTORY_BACKEND_ENV, { DIRECTORY_BACKEND: 'aaf' })).toThrow(ConfigError);
    expect(() => readEnv(DIRECTORY_BACKEND_ENV, { DIRECTORY_BACKEND: 'aaf' })).toThrow(/DATABASE_URL must be set with DIRECTORY_BACKEND=aaf/);
  });

  it('imports DIRECTORY_AAF_DIR at the first start only: instances starting together, and later starts, read what is there', async () => {
    const dir = tempDir('export');
    writeFileSync(
      join(dir, 'X_Complet_20260901_Eleve_0000.xml'),
      aafDocument([addRequestXml('Eleve', '7', { ENTPersonJointure: ['7'], sn: ['DURAND'], givenName: ['Élise'] })]),
    );
    const env = { DIRECTORY_BACKEND: 'aaf', DIRECTORY_AAF_DIR: dir, DATABASE_URL: database.config.url, HUB_DATA_DIR: tempDir('data') };
    const config = readEnv(DIRECTORY_BACKEND_ENV, env);
    const directories = await Promise.all([1, 2, 3].map(() => directoryFromConfig(config, log, env)));
    for (const directory of directories) {
      expect(directory).toBeInstanceOf(PostgresDirectory);
      expect((await directory.searchPeople('elise', { limit: 5 })).map((p) => p.id)).toEqual(['7']);
    }
    const imports = await database.db.selectFrom('directory_imports').selectAll().execute();
    expect(imports).toHaveLength(1);
    const [before] = imports;
    await directoryFromConfig(config, log, env);
    expect(await database.db.selectFrom('directory_imports').selectAll().execute()).toEqual([before]);
  });

  it('outside production, an empty directory gets the generated demo académie; in production it stays empty', async () => {
    for (const production of [true, false]) {
      const url = await createTestDatabaseUrl();
      const env = { DIRECTORY_BACKEND: 'aaf', DATABASE_URL: url, HUB_DATA_DIR: tempDir('demo'), ...(production ? { NODE_ENV: 'production' } : {}) };
      const directory = await directoryFromConfig(readEnv(DIRECTORY_BACKEND_ENV, env), log, env);
      expect((await directory.allSchools()).length).toBe(production ? 0 : 2);
    }
  });
});
