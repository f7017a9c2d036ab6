import { createLogger } from '../lib/logger.ts';
import { ensurePortalBuilt } from '../scripts/portal-build.ts';

/**
 * vitest globalSetup: the portal built once for the run (nothing to do when portal/dist matches its
 * sources), before any test file starts: test files run in parallel and must not build it twice at once.
 */
export default async function setup(): Promise<void> {
  await ensurePortalBuilt(createLogger('portal-build', 'warn'));
}
