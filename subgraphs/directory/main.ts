/**
 * The directory subgraph alone, as in production. Configuration from the environment (README):
 * DIRECTORY_BACKEND (aaf or ldap), DIRECTORY_AAF_DIR (an AAF export folder; without it the generated
 * demo académie), DIRECTORY_LDAP_* (the SDET directory), DIRECTORY_PORT, DIRECTORY_HOST,
 * DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD, HUB_VIEWER_CONTEXT_SECRET, HUB_DATA_DIR, NODE_ENV, HUB_LOG_LEVEL.
 */
import { COMMON_ENV, envSchema, mergeEnv, port, readEnv, text, VIEWER_CONTEXT_ENV } from '../../lib/config/env.ts';
import { DIRECTORY_BACKEND_ENV, openDirectory, type OpenedDirectory, perimeterOptionsOf } from './backend.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { startDirectorySubgraph } from './server.ts';

/** Everything this process reads, checked whole before anything starts. */
const DIRECTORY_PROCESS_ENV = mergeEnv(
  mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV),
  mergeEnv(DIRECTORY_BACKEND_ENV, envSchema({ DIRECTORY_PORT: port(4001), DIRECTORY_HOST: text({}) })),
);

const log = createLogger('directory');
const shutdown = exitOnSignal(log, 15_000);
// Outside the try: a failed start closes it (its LISTEN connection would keep the process alive).
let opened: OpenedDirectory | undefined;
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'directory', log });
  const config = readEnv(DIRECTORY_PROCESS_ENV, process.env);
  opened = await openDirectory(config, log, process.env, { cached: true });
  const directory = opened.directory;
  const server = await startDirectorySubgraph({
    directory,
    perimeter: perimeterOptionsOf(config),
    viewerContextKey: viewerContextKey(config.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: config.DIRECTORY_PORT,
    host: config.DIRECTORY_HOST,
    production: config.NODE_ENV === 'production',
  });
  shutdown.stopWith(async () => {
    await server.close();
    await opened?.close();
    await tracing.shutdown();
  });
  log.info({ url: server.graphqlUrl }, 'directory subgraph listening');
} catch (error) {
  log.fatal({ err: error }, `directory subgraph failed to start: ${(error as Error).message}`);
  await opened?.close().catch(() => undefined);
  process.exitCode = 1;
}
