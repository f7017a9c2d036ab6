/**
 * The vie scolaire subgraph alone, as in production. Configuration from the environment (README):
 * VIE_SCOLAIRE_UPSTREAMS (JSON: {"UAI": "https://…"}), DATABASE_URL (required) and DATABASE_*
 * (store/database.ts: the outbox and the calendar feeds in the hub's database), VIE_SCOLAIRE_DATA_DIR
 * (where an earlier version kept them in files, moved into the database once),
 * VIE_SCOLAIRE_CALENDAR_BASE_URL, VIE_SCOLAIRE_PORT, VIE_SCOLAIRE_HOST,
 * VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON, VIE_SCOLAIRE_MAX_SUBMISSIONS_PER_DAY,
 * VIE_SCOLAIRE_MAX_ATTACHMENT_BYTES_PER_DAY, VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS,
 * VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_REQUEST, VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_VIEWER,
 * VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS, VIE_SCOLAIRE_FEED_REQUESTS_PER_WINDOW, VIE_SCOLAIRE_FEED_RATE_WINDOW_MS,
 * VIE_SCOLAIRE_FEED_CACHE_TTL_MS, VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER,
 * VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER, VIE_SCOLAIRE_BREAKER_MIN_CALLERS, VIE_SCOLAIRE_METRICS_HOST,
 * VIE_SCOLAIRE_METRICS_PORT, VIE_SCOLAIRE_METRICS_TOKEN,
 * HUB_VIEWER_CONTEXT_SECRET, NODE_ENV, HUB_LOG_LEVEL (subgraphs/vie-scolaire/config.ts checks them all at start);
 * and the directory subgraph's backend configuration (DIRECTORY_BACKEND,
 * DIRECTORY_AAF_DIR, DIRECTORY_LDAP_*, DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD): the perimeter is
 * decided from the same directory, with the same code.
 */
import { join } from 'node:path';
import { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { UpstreamPool, upstreamOptionsFromEnv } from '../../connectors/vie-scolaire/upstream.ts';
import { createLogger } from '../../lib/logger.ts';
import { startTracing } from '../../lib/tracing.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { readEnv } from '../../lib/config/env.ts';
import { databaseConfigFromEnv, openDatabase } from '../../store/database.ts';
import { announceChangeAbout } from '../../store/answer-changes.ts';
import { PostgresFeedStore } from '../../store/feeds/postgres-store.ts';
import { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { freshReadHints } from '../../workers/notifications/fresh-reads.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { moveFileOutbox } from '../../store/outbox/file-import.ts';
import { Outbox } from '../../store/outbox/outbox.ts';
import { openDirectory, type OpenedDirectory, perimeterOptionsOf } from '../directory/backend.ts';
import { moveFileFeeds } from './calendar/feed-store.ts';
import { feedServingOf } from './calendar/feed-route.ts';
import { createVieScolaireMetrics, metricsListenerFromEnv } from './metrics.ts';
import { VIE_SCOLAIRE_PROCESS_ENV } from './config.ts';
import { upstreamBudgetOf } from './data-source.ts';
import { submissionCheck } from './ownership.ts';
import { quotasOf } from './quotas.ts';
import { parisToday, startVieScolaireSubgraph } from './server.ts';

const log = createLogger('vie-scolaire');
const shutdown = exitOnSignal(log, 15_000);
// Outside the try: a failed start closes it (its LISTEN connection would keep the process alive).
let opened: OpenedDirectory | undefined;
try {
  // First: the instrumentations patch what is used after (HUB_TRACING, lib/tracing.ts).
  const tracing = startTracing({ serviceName: 'vie-scolaire', log });
  const env = process.env;
  const config = readEnv(VIE_SCOLAIRE_PROCESS_ENV, env);
  // Checked by the schema above; the connector reads them by name.
  const connectorTuning: Record<string, number | undefined> = {
    VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER: config.VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER,
    VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER: config.VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER,
    VIE_SCOLAIRE_BREAKER_MIN_CALLERS: config.VIE_SCOLAIRE_BREAKER_MIN_CALLERS,
  };
  const metricsListener = metricsListenerFromEnv(env);
  const metrics = createVieScolaireMetrics();
  const upstreams = new UpstreamPool(
    config.VIE_SCOLAIRE_UPSTREAMS,
    upstreamOptionsFromEnv((name) => connectorTuning[name]),
    { log: log.child({ component: 'upstream' }), metrics },
  );
  const dataDir = config.VIE_SCOLAIRE_DATA_DIR;
  const quotas = quotasOf(config);
  const retentionDays = config.VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS;
  opened = await openDirectory(config, log, process.env, { cached: true });
  const directory = opened.directory;
  // The outbox and the feeds are in the hub's PostgreSQL database, shared by every instance (migrated
  // at start; a database that cannot be reached stops the start, naming it).
  const database = await openDatabase(databaseConfigFromEnv(env, config.DATABASE_URL), log.child({ component: 'store' }));
  await migrateToLatest(database, log.child({ component: 'store' }));
  // A person's read that fetched fresh data asks the notifications' detector (its own process) for
  // an early poll, through the database (docs/notifications.md, « Fresh reads »).
  const client = new VieScolaireClient(upstreams, {
    metrics,
    onFresh: freshReadHints(new PostgresNotificationStore(database), log.child({ component: 'fresh-reads' })),
  });
  const outbox = new Outbox(database, client, log.child({ component: 'outbox' }), {
    verify: submissionCheck(client, parisToday),
    retentionMs: retentionDays * 86_400_000,
    metrics,
  });
  // What this instance kept in files before (an earlier version): moved into the database once.
  const movedSubmissions = await moveFileOutbox(join(dataDir, 'outbox'), outbox);
  if (movedSubmissions) log.info({ submissions: movedSubmissions }, 'vie scolaire outbox moved from the data folder into the database');
  const feeds = new PostgresFeedStore(database);
  const movedFeeds = await moveFileFeeds(join(dataDir, 'calendar-feeds.json'), feeds);
  if (movedFeeds) log.info({ feeds: movedFeeds }, 'calendar feeds moved from the data folder into the database');
  outbox.start();
  const server = await startVieScolaireSubgraph({
    client,
    outbox,
    feeds,
    agenda: new PostgresAgendaStore(database),
    directory,
    perimeter: perimeterOptionsOf(config),
    quotas,
    // A homework ticked done upstream: every router forgets the pupil's and their guardians' cached answers.
    answersChanged: (pupilId) => announceChangeAbout(database, pupilId),
    upstreamBudget: upstreamBudgetOf(config),
    calendarBaseUrl: config.VIE_SCOLAIRE_CALENDAR_BASE_URL,
    calendarFeeds: feedServingOf(config),
    viewerContextKey: viewerContextKey(config.HUB_VIEWER_CONTEXT_SECRET),
    metrics: { registry: metrics, ...metricsListener },
    log,
    port: config.VIE_SCOLAIRE_PORT,
    host: config.VIE_SCOLAIRE_HOST,
    production: config.NODE_ENV === 'production',
  });
  shutdown.stopWith(async () => {
    await server.close();
    await outbox.stop();
    await upstreams.close();
    await database.close();
    await opened?.close();
    await tracing.shutdown();
  });
  log.info({ url: server.graphqlUrl, metricsUrl: server.metricsUrl, schools: upstreams.schools }, 'vie scolaire subgraph listening');
} catch (error) {
  log.fatal({ err: error }, `vie scolaire subgraph failed to start: ${(error as Error).message}`);
  await opened?.close().catch(() => undefined);
  process.exitCode = 1;
}
