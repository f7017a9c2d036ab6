/**
 * The resources subgraph alone, as in production. Configuration from the environment (README):
 * GAR_BASE_URL, GAR_ID_ENT, GAR_CERT_FILE / GAR_KEY_FILE (the ENT's client certificate), GAR_CA_FILE
 * (the GAR's CA, pinned), GAR_PSEUDONYM_SECRET (the export's), GAR_TIMEOUT_MS, GAR_CACHE_TTL_MS,
 * RESOURCES_PORT, RESOURCES_HOST, HUB_VIEWER_CONTEXT_SECRET.
 */
import { readFileSync } from 'node:fs';
import { GarClient } from '../../connectors/gar/gar-client.ts';
import { garPseudonymSecret } from '../../connectors/gar/pseudonym.ts';
import { createLogger } from '../../lib/logger.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { startResourcesSubgraph } from './server.ts';

const log = createLogger('resources');
try {
  const env = process.env;
  const required = (name: string) => env[name] || (() => { throw new Error(`${name} is required`); })();
  const gar = new GarClient({
    baseUrl: required('GAR_BASE_URL'),
    idEnt: required('GAR_ID_ENT'),
    certPem: readFileSync(required('GAR_CERT_FILE'), 'utf8'),
    keyPem: readFileSync(required('GAR_KEY_FILE'), 'utf8'),
    caPem: readFileSync(required('GAR_CA_FILE'), 'utf8'),
    timeoutMs: Number(env.GAR_TIMEOUT_MS ?? 4000),
    cacheTtlMs: Number(env.GAR_CACHE_TTL_MS ?? 600_000),
  });
  const server = await startResourcesSubgraph({
    gar,
    pseudonymSecret: garPseudonymSecret(env.GAR_PSEUDONYM_SECRET),
    viewerContextKey: viewerContextKey(env.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: Number(env.RESOURCES_PORT ?? 4003),
    host: env.RESOURCES_HOST,
    production: env.NODE_ENV === 'production',
  });
  log.info({ url: server.graphqlUrl }, 'resources subgraph listening');
  exitOnSignal(async () => {
    await server.close();
    await gar.close();
  }, log, 15_000);
} catch (error) {
  log.fatal({ err: error }, `resources subgraph failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
