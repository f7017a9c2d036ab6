/**
 * The router alone, as in production: `node --import tsx router/main.ts [--supergraph FILE]`.
 * Everything else comes from the environment (README, "Configuration").
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/logger.ts';
import { exitOnSignal } from '../lib/shutdown.ts';
import { routerConfigFromEnv } from './config.ts';
import { startRouter } from './router.ts';

const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string' } } });
const log = createLogger('router');
const config = routerConfigFromEnv({
  ...process.env,
  ...(values.supergraph ? { ROUTER_SUPERGRAPH: values.supergraph } : {}),
  ...(values.port ? { ROUTER_PORT: values.port } : {}),
});
try {
  const router = await startRouter(config, log);
  exitOnSignal(() => router.stop(), log, config.shutdownGraceMs + 5_000);
} catch (error) {
  log.fatal({ err: error }, `router failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
