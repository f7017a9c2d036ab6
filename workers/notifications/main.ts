/**
 * The notifications' worker alone, as in production (docs/notifications.md): polls the schools'
 * vie scolaire systems for changes, decides who hears what, and delivers by e-mail and SMS. Any
 * number of instances may run against one database. Configuration from the environment:
 * DATABASE_URL (required) and DATABASE_*, VIE_SCOLAIRE_UPSTREAMS (the schools' systems, as the vie
 * scolaire subgraph reads them), DIRECTORY_* (recipients and contacts from the same directory),
 * NOTIFICATIONS_* (schedule, audience, digests, SMS budget, retries, NOTIFICATIONS_PORTAL_URL
 * required), HUB_SMTP_* and HUB_MAIL_FROM (the mail relay), HUB_SMS_* (the SMS gateway),
 * NOTIFICATIONS_METRICS_HOST / NOTIFICATIONS_METRICS_PORT (its /metrics), NODE_ENV, HUB_LOG_LEVEL.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { UpstreamPool, upstreamOptionsFromEnv } from '../../connectors/vie-scolaire/upstream.ts';
import { COMMON_ENV, envSchema, mergeEnv, port, readEnv, text, url } from '../../lib/config/env.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { serveMetrics } from '../../lib/metrics-server.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { databaseConfigFromEnv, openDatabase, REQUIRED_DATABASE_ENV } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { DIRECTORY_BACKEND_ENV, directoryFromConfig, perimeterOptionsOf } from '../../subgraphs/directory/backend.ts';
import { VIE_SCOLAIRE_UPSTREAMS_ENV } from '../../subgraphs/vie-scolaire/config.ts';
import { NOTIFICATIONS_ENV, notificationsConfigFromEnv } from './config.ts';
import { startNotificationWorker } from './worker.ts';

/** Everything this process reads, checked whole before anything starts. */
const WORKER_PROCESS_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, REQUIRED_DATABASE_ENV), mergeEnv(NOTIFICATIONS_ENV, VIE_SCOLAIRE_UPSTREAMS_ENV)),
  mergeEnv(
    DIRECTORY_BACKEND_ENV,
    envSchema({
      NOTIFICATIONS_PORTAL_URL: url({ required: true }),
      NOTIFICATIONS_METRICS_HOST: text({ default: '127.0.0.1' }),
      NOTIFICATIONS_METRICS_PORT: port(9466),
    }),
  ),
);

const log = createLogger('notifications');
const shutdown = exitOnSignal(log, 20_000);
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'notifications', log });
  const config = readEnv(WORKER_PROCESS_ENV, process.env);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'hub_notifications_worker_' });
  const upstreams = new UpstreamPool(
    config.VIE_SCOLAIRE_UPSTREAMS,
    upstreamOptionsFromEnv(() => undefined),
    {
      log: log.child({ component: 'upstream' }),
      metrics,
    },
  );
  const database = await openDatabase(databaseConfigFromEnv(process.env), log.child({ component: 'store' }));
  await migrateToLatest(database, log.child({ component: 'store' }));
  const directory = await directoryFromConfig(config, log);
  const worker = await startNotificationWorker({
    database,
    client: new VieScolaireClient(upstreams, { metrics }),
    directory,
    perimeter: perimeterOptionsOf(config),
    config: notificationsConfigFromEnv(process.env),
    portalUrl: config.NOTIFICATIONS_PORTAL_URL,
    metrics,
    log,
  });
  const metricsServer = await serveMetrics(metrics, { host: config.NOTIFICATIONS_METRICS_HOST, port: config.NOTIFICATIONS_METRICS_PORT });
  shutdown.stopWith(async () => {
    await worker.close();
    await metricsServer.close();
    await upstreams.close();
    await database.close();
    await tracing.shutdown();
  });
  log.info({ metrics: `http://${config.NOTIFICATIONS_METRICS_HOST}:${metricsServer.port}/metrics` }, 'notifications worker running');
} catch (error) {
  log.fatal({ err: error }, `notifications worker failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
