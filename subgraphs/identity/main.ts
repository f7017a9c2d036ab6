/**
 * The identity subgraph alone, as in production: the viewer, their sessions and login history, the
 * journal of access, and the right of access (data export requests, the worker producing them, the
 * one-time download route the router forwards: `ROUTER_PASS_THROUGH_ROUTES={"/privacy/exports/": "identity"}`).
 * Configuration from the environment (docs/configuration.md): DATABASE_URL (required) and
 * DATABASE_*, ROUTER_SESSION_* (the same as the router's: this process's store upkeep deletes
 * sessions past them), HUB_RETENTION_*, HUB_DATA_EXPORT_*, DIRECTORY_* (the perimeter is decided from
 * the same directory as every subgraph's), IDENTITY_PORT, IDENTITY_HOST, HUB_VIEWER_CONTEXT_SECRET,
 * NODE_ENV, HUB_LOG_LEVEL.
 */
import { COMMON_ENV, envSchema, mergeEnv, port, readEnv, text, VIEWER_CONTEXT_ENV } from '../../lib/config/env.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { databaseConfigFromEnv, REQUIRED_DATABASE_ENV } from '../../store/database.ts';
import { openHubStore } from '../../store/hub-store.ts';
import { DATA_EXPORT_ENV, dataExportConfigFromEnv } from '../../store/privacy/config.ts';
import { RETENTION_ENV, retentionConfigFromEnv } from '../../store/retention/config.ts';
import { SESSION_TIMEOUTS_ENV, sessionTimeoutsFromEnv } from '../../store/sessions/session.ts';
import { DIRECTORY_BACKEND_ENV, openDirectory, type OpenedDirectory, perimeterOptionsOf } from '../directory/backend.ts';
import { startDataExports } from './data-exports.ts';
import { startIdentitySubgraph } from './server.ts';

/** Everything this process reads, checked whole before anything starts. */
const IDENTITY_PROCESS_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV), mergeEnv(REQUIRED_DATABASE_ENV, SESSION_TIMEOUTS_ENV)),
  mergeEnv(mergeEnv(RETENTION_ENV, DATA_EXPORT_ENV), mergeEnv(DIRECTORY_BACKEND_ENV, envSchema({ IDENTITY_PORT: port(4002), IDENTITY_HOST: text({}) }))),
);

const log = createLogger('identity');
const shutdown = exitOnSignal(log, 15_000);
// Outside the try: a failed start closes it (its LISTEN connection would keep the process alive).
let opened: OpenedDirectory | undefined;
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'identity', log });
  const config = readEnv(IDENTITY_PROCESS_ENV, process.env);
  const store = await openHubStore({
    database: databaseConfigFromEnv(process.env),
    sessionTimeouts: sessionTimeoutsFromEnv(process.env),
    retention: retentionConfigFromEnv(process.env),
    log: log.child({ component: 'store' }),
  });
  opened = await openDirectory(config, log, process.env, { cached: true });
  const directory = opened.directory;
  const dataExports = startDataExports({
    database: store.database,
    directory,
    journal: store.journal,
    config: dataExportConfigFromEnv(process.env),
    log: log.child({ component: 'data-exports' }),
  });
  const server = await startIdentitySubgraph({
    sessions: store.sessions,
    audit: store.journal,
    dataExports,
    directory,
    perimeter: perimeterOptionsOf(config),
    viewerContextKey: viewerContextKey(config.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: config.IDENTITY_PORT,
    host: config.IDENTITY_HOST,
    production: config.NODE_ENV === 'production',
  });
  shutdown.stopWith(async () => {
    await server.close();
    await dataExports.stop();
    await store.close();
    await opened?.close();
    await tracing.shutdown();
  });
  log.info({ url: server.graphqlUrl }, 'identity subgraph listening');
} catch (error) {
  log.fatal({ err: error }, `identity subgraph failed to start: ${(error as Error).message}`);
  await opened?.close().catch(() => undefined);
  process.exitCode = 1;
}
