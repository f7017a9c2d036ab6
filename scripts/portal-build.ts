/**
 * Builds the portal (portal/, Vite) into portal/dist when its sources changed since the last build:
 * `npm start` calls it (a few seconds the first time, nothing after), `npm run portal:build` forces it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../lib/logger.ts';

const PORTAL = fileURLToPath(new URL('../portal/', import.meta.url));
/** The built site the router serves at `/` (ROUTER_STATIC_DIR). */
export const PORTAL_DIST = join(PORTAL, 'dist');
/** The portal's operations by hash (graphql-codegen's client preset): the router's trusted documents. */
export const PORTAL_PERSISTED_DOCUMENTS = join(PORTAL, 'src', 'gql', 'persisted-documents.json');
const STAMP = join(PORTAL_DIST, '.sources-hash');

/** A hash of everything the build reads: the sources, the page, the build's config and the locked dependencies. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const add = (path: string) => hash.update(path).update(readFileSync(path));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else add(path);
    }
  };
  walk(join(PORTAL, 'src'));
  walk(join(PORTAL, 'build'));
  for (const file of ['index.html', 'vite.config.ts']) add(join(PORTAL, file));
  add(fileURLToPath(new URL('../package-lock.json', import.meta.url)));
  return hash.digest('hex');
}

/** Builds the portal unless portal/dist was built from the same sources; returns whether it built. */
export async function ensurePortalBuilt(log: Logger, options: { force?: boolean } = {}): Promise<boolean> {
  const wanted = sourcesHash();
  if (!options.force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return false;
  const started = Date.now();
  const { build } = await import('vite');
  // A production build wherever it runs: Vite (and Preact's preset: its debug code, its development
  // JSX) take the mode from NODE_ENV when it is set, and the test runner sets it to `test`, so the
  // portal the tests and `npm run bench:portal` measured was not the one deployed.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(PORTAL, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(STAMP, wanted);
  log.info({ ms: Date.now() - started, dir: PORTAL_DIST }, 'portal built');
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { createLogger } = await import('../lib/logger.ts');
  await ensurePortalBuilt(createLogger('portal-build', 'info'), { force: true });
}
