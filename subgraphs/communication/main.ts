/**
 * The communication subgraph alone, as in production: the hub's messaging, its state in the hub's
 * database. Configuration from the environment (docs/configuration.md): DATABASE_URL (required) and
 * DATABASE_*, COMMUNICATION_* (recall delay, quotas, pupil to pupil, the attachments' S3-compatible store), DIRECTORY_* (who may write to
 * whom is decided from the same directory as every subgraph's), COMMUNICATION_PORT,
 * COMMUNICATION_HOST, HUB_VIEWER_CONTEXT_SECRET, NODE_ENV, HUB_LOG_LEVEL.
 */
import { COMMON_ENV, envSchema, mergeEnv, port, readEnv, text, VIEWER_CONTEXT_ENV } from '../../lib/config/env.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { databaseConfigFromEnv, openDatabase, REQUIRED_DATABASE_ENV } from '../../store/database.ts';
import { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import { LiveUpdates } from '../../store/live-updates.ts';
import { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { DIRECTORY_BACKEND_ENV, openDirectory, type OpenedDirectory, perimeterOptionsOf } from '../directory/backend.ts';
import { MESSAGING_ENV, messagingConfigFromEnv } from './config.ts';
import { startCommunicationSubgraph } from './server.ts';
import { openMessageStore } from './attachment-objects.ts';

/** Everything this process reads, checked whole before anything starts. */
const COMMUNICATION_PROCESS_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV), mergeEnv(REQUIRED_DATABASE_ENV, MESSAGING_ENV)),
  mergeEnv(DIRECTORY_BACKEND_ENV, envSchema({ COMMUNICATION_PORT: port(4005), COMMUNICATION_HOST: text({}) })),
);

const log = createLogger('communication');
const shutdown = exitOnSignal(log, 15_000);
// Outside the try: a failed start closes it (its LISTEN connection would keep the process alive).
let opened: OpenedDirectory | undefined;
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'communication', log });
  const config = readEnv(COMMUNICATION_PROCESS_ENV, process.env);
  const database = await openDatabase(databaseConfigFromEnv(process.env), log.child({ component: 'store' }));
  try {
    await migrateToLatest(database, log.child({ component: 'store' }));
  } catch (error) {
    await database.close();
    throw error;
  }
  opened = await openDirectory(config, log, process.env, { cached: true });
  const directory = opened.directory;
  const messaging = messagingConfigFromEnv(process.env);
  const live = await LiveUpdates.start(database, log.child({ component: 'live-updates' }), messaging.live);
  const store = openMessageStore(database, messaging, log.child({ component: 'attachments' }));
  const server = await startCommunicationSubgraph({
    messages: store.messages,
    live,
    notifications: new PostgresNotificationStore(database),
    agenda: new PostgresAgendaStore(database),
    directory,
    perimeter: perimeterOptionsOf(config),
    config: messaging,
    viewerContextKey: viewerContextKey(config.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: config.COMMUNICATION_PORT,
    host: config.COMMUNICATION_HOST,
    production: config.NODE_ENV === 'production',
  });
  shutdown.stopWith(async () => {
    await server.close();
    await live.close();
    await store.close();
    await database.close();
    await opened?.close();
    await tracing.shutdown();
  });
  log.info({ url: server.graphqlUrl }, 'communication subgraph listening');
} catch (error) {
  log.fatal({ err: error }, `communication subgraph failed to start: ${(error as Error).message}`);
  await opened?.close().catch(() => undefined);
  process.exitCode = 1;
}
