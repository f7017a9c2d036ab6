/**
 * The resources subgraph alone, as in production. Configuration from the environment (README):
 * GAR_BASE_URL, GAR_ID_ENT, GAR_CERT_FILE / GAR_KEY_FILE (the ENT's client certificate), GAR_CA_FILE
 * (the GAR's CA, pinned), GAR_PSEUDONYM_SECRET (the export's), GAR_TIMEOUT_MS, GAR_CACHE_TTL_MS,
 * RESOURCES_PORT, RESOURCES_HOST, HUB_VIEWER_CONTEXT_SECRET, NODE_ENV, HUB_LOG_LEVEL.
 */
import { readFileSync } from 'node:fs';
import { GarClient } from '../../connectors/gar/gar-client.ts';
import { COMMON_ENV, envSchema, file, integer, mergeEnv, port, readEnv, secret, text, url, VIEWER_CONTEXT_ENV } from '../../lib/config/env.ts';
import { garPseudonymSecret } from '../../connectors/gar/pseudonym.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { DIRECTORY_BACKEND_ENV, openDirectory, type OpenedDirectory, perimeterOptionsOf } from '../directory/backend.ts';
import { startResourcesSubgraph } from './server.ts';

/** Everything this process reads, checked whole before anything starts. */
const RESOURCES_PROCESS_ENV = mergeEnv(
  mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV),
  envSchema({
    GAR_BASE_URL: url({ required: true }),
    GAR_ID_ENT: text({ required: true }),
    GAR_CERT_FILE: file({ required: true }),
    GAR_KEY_FILE: file({ required: true }),
    GAR_CA_FILE: file({ required: true }),
    GAR_PSEUDONYM_SECRET: secret({ required: true, minBytes: 32 }),
    GAR_TIMEOUT_MS: integer({ min: 1, max: 600_000, default: 4000 }),
    GAR_CACHE_TTL_MS: integer({ min: 0, max: 86_400_000, default: 600_000 }),
    RESOURCES_PORT: port(4003),
    RESOURCES_HOST: text({}),
  }),
);
/** The GAR assignment role is a (function, school) pair of the directory: this process reads it too. */
const RESOURCES_WITH_DIRECTORY_ENV = mergeEnv(RESOURCES_PROCESS_ENV, DIRECTORY_BACKEND_ENV);

const log = createLogger('resources');
const shutdown = exitOnSignal(log, 15_000);
// Outside the try: a failed start closes it (its LISTEN connection would keep the process alive).
let opened: OpenedDirectory | undefined;
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'resources', log });
  const config = readEnv(RESOURCES_WITH_DIRECTORY_ENV, process.env);
  const gar = new GarClient({
    baseUrl: config.GAR_BASE_URL,
    idEnt: config.GAR_ID_ENT,
    certPem: readFileSync(config.GAR_CERT_FILE, 'utf8'),
    keyPem: readFileSync(config.GAR_KEY_FILE, 'utf8'),
    caPem: readFileSync(config.GAR_CA_FILE, 'utf8'),
    timeoutMs: config.GAR_TIMEOUT_MS,
    cacheTtlMs: config.GAR_CACHE_TTL_MS,
  });
  opened = await openDirectory(config, log, process.env, { cached: true });
  const server = await startResourcesSubgraph({
    gar,
    directory: opened.directory,
    perimeter: perimeterOptionsOf(config),
    pseudonymSecret: garPseudonymSecret(config.GAR_PSEUDONYM_SECRET),
    viewerContextKey: viewerContextKey(config.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: config.RESOURCES_PORT,
    host: config.RESOURCES_HOST,
    production: config.NODE_ENV === 'production',
  });
  shutdown.stopWith(async () => {
    await server.close();
    await gar.close();
    await opened?.close();
    await tracing.shutdown();
  });
  log.info({ url: server.graphqlUrl }, 'resources subgraph listening');
} catch (error) {
  log.fatal({ err: error }, `resources subgraph failed to start: ${(error as Error).message}`);
  await opened?.close().catch(() => undefined);
  process.exitCode = 1;
}
