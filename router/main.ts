/**
 * The router alone, as in production: `node dist/router/main.js [--supergraph FILE]` after
 * `npm run build` (`npm run router` runs these sources with tsx).
 * Everything else comes from the environment (docs/configuration.md).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/logger.ts';
import { startTracing } from '../lib/tracing.ts';
import { exitOnSignal } from '../lib/shutdown.ts';
import { databaseConfigFromEnv } from '../store/database.ts';
import { AnswerChanges } from '../store/answer-changes.ts';
import { openHubStore } from '../store/hub-store.ts';
import { retentionConfigFromEnv } from '../store/retention/config.ts';
import { directoryLoginFromEnv } from '../subgraphs/directory/router-login.ts';
import { routerConfigFromEnv } from './config.ts';
import { startRouter } from './router.ts';

const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string' } } });
const log = createLogger('router');
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'router', log });
  // The whole configuration is checked before anything starts; a bad variable is named in the log.
  const config = routerConfigFromEnv({
    ...process.env,
    ...(values.supergraph ? { ROUTER_SUPERGRAPH: values.supergraph } : {}),
    ...(values.port ? { ROUTER_PORT: values.port } : {}),
  });
  // Ours before anything starts: `router listening` is said inside startRouter.
  const shutdown = exitOnSignal(log, config.shutdownGraceMs + 5_000);
  // Checked at start too, with or without a database: a bad retention variable is named now, not in a year.
  const retention = retentionConfigFromEnv(process.env);
  // The login routes, with ROUTER_IDENTITY_PROVIDERS_FILE: its providers, linked to the directory of
  // the DIRECTORY_* variables (the subgraphs'); without, none (a warning says so).
  const login = await directoryLoginFromEnv(process.env, log.child({ component: 'login' }));
  // With DATABASE_URL, sessions and the journal are in PostgreSQL, shared by every instance (migrated
  // at start); without, in this process's memory and files (one instance only).
  const store = process.env.DATABASE_URL
    ? await openHubStore({
        database: databaseConfigFromEnv(process.env),
        sessionTimeouts: config.sessionTimeouts,
        retention,
        log: log.child({ component: 'store' }),
      })
    : undefined;
  if (!store) log.warn('DATABASE_URL is not set: sessions and the journal stay in this process (one router instance only)');
  // With the database, the router hears what changed (store/answer-changes.ts): its response cache runs.
  const answerChanges = store && (await AnswerChanges.start(store.database, log.child({ component: 'answer-changes' })));
  const router = await startRouter(config, log, {
    ...(store ? { sessions: store.sessions, auditStore: store.journal, readinessChecks: { database: store.readiness } } : {}),
    ...(answerChanges ? { answerChanges } : {}),
    ...(login ? { login } : {}),
  }).catch(async (error: unknown) => {
    await answerChanges?.close();
    await store?.close();
    throw error;
  });
  // The daily purge's counts per kind of data, beside the router's own metrics.
  store?.retention.registerMetrics(router.metrics);
  shutdown.stopWith(async () => {
    await router.stop();
    await answerChanges?.close();
    await store?.close();
    await tracing.shutdown();
  });
} catch (error) {
  log.fatal({ err: error }, `router failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
