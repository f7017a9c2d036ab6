/**
 * The directory subgraph alone, as in production. Configuration from the environment (README):
 * DIRECTORY_BACKEND (aaf or ldap), DIRECTORY_AAF_DIR (an AAF export folder; without it the generated
 * demo académie), DIRECTORY_LDAP_* (the SDET directory), DIRECTORY_PORT, DIRECTORY_HOST,
 * DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD, HUB_VIEWER_CONTEXT_SECRET.
 */
import { directoryFromEnv, perimeterOptionsFromEnv } from './backend.ts';
import { createLogger } from '../../lib/logger.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { startDirectorySubgraph } from './server.ts';

const log = createLogger('directory');
try {
  const env = process.env;
  const key = viewerContextKey(env.HUB_VIEWER_CONTEXT_SECRET);
  const directory = await directoryFromEnv(env, log);
  const server = await startDirectorySubgraph({
    directory,
    perimeter: perimeterOptionsFromEnv(env),
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
