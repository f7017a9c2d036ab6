/**
 * The vie scolaire subgraph alone, as in production. Configuration from the environment (README):
 * VIE_SCOLAIRE_UPSTREAMS (JSON: {"UAI": "https://…"}), VIE_SCOLAIRE_DATA_DIR (the outbox and the
 * calendar feeds), VIE_SCOLAIRE_CALENDAR_BASE_URL, VIE_SCOLAIRE_PORT, VIE_SCOLAIRE_HOST,
 * VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON, VIE_SCOLAIRE_MAX_SUBMISSIONS_PER_DAY,
 * VIE_SCOLAIRE_MAX_ATTACHMENT_BYTES_PER_DAY, VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS,
 * VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_REQUEST, VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_VIEWER,
 * VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS, VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER,
 * VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER, VIE_SCOLAIRE_BREAKER_MIN_CALLERS,
 * HUB_VIEWER_CONTEXT_SECRET; and the directory subgraph's backend configuration (DIRECTORY_BACKEND,
 * DIRECTORY_AAF_DIR, DIRECTORY_LDAP_*, DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD): the perimeter is
 * decided from the same directory, with the same code.
 */
import { join } from 'node:path';
import { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { Outbox } from '../../connectors/vie-scolaire/outbox.ts';
import { UpstreamPool, upstreamOptionsFromEnv } from '../../connectors/vie-scolaire/upstream.ts';
import { createLogger } from '../../lib/logger.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { directoryFromEnv, perimeterOptionsFromEnv } from '../directory/backend.ts';
import { FeedStore } from './calendar/feed-store.ts';
import { positiveInteger, upstreamBudgetFromEnv } from './data-source.ts';
import { submissionCheck } from './ownership.ts';
import { quotasFromEnv } from './quotas.ts';
import { parisToday, startVieScolaireSubgraph } from './server.ts';

const log = createLogger('vie-scolaire');
try {
  const env = process.env;
  if (!env.VIE_SCOLAIRE_UPSTREAMS) throw new Error('VIE_SCOLAIRE_UPSTREAMS is required (JSON map of UAI to base URL)');
  const upstreams = new UpstreamPool(
    JSON.parse(env.VIE_SCOLAIRE_UPSTREAMS) as Record<string, string>,
    upstreamOptionsFromEnv((name) => (env[name] ? positiveInteger(env, name, 1) : undefined)),
  );
  const client = new VieScolaireClient(upstreams);
  const dataDir = env.VIE_SCOLAIRE_DATA_DIR ?? '.hub-data';
  const quotas = quotasFromEnv(env);
  const retentionDays = Number(env.VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS ?? 90);
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) throw new Error(`VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS must be a positive integer, got "${env.VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS}"`);
  const directory = await directoryFromEnv(env, log);
  const outbox = new Outbox(join(dataDir, 'outbox'), client, log.child({ component: 'outbox' }), {
    verify: submissionCheck(client, parisToday),
    retentionMs: retentionDays * 86_400_000,
  });
  await outbox.init();
  outbox.start();
  const feeds = new FeedStore(join(dataDir, 'calendar-feeds.json'));
  await feeds.init();
  const server = await startVieScolaireSubgraph({
    client,
    outbox,
    feeds,
    directory,
    perimeter: perimeterOptionsFromEnv(env),
    quotas,
    upstreamBudget: upstreamBudgetFromEnv(env),
    calendarBaseUrl: env.VIE_SCOLAIRE_CALENDAR_BASE_URL,
    viewerContextKey: viewerContextKey(env.HUB_VIEWER_CONTEXT_SECRET),
    log,
    port: Number(env.VIE_SCOLAIRE_PORT ?? 4004),
    host: env.VIE_SCOLAIRE_HOST,
    production: env.NODE_ENV === 'production',
  });
  log.info({ url: server.graphqlUrl, schools: upstreams.schools }, 'vie scolaire subgraph listening');
  exitOnSignal(async () => {
    await server.close();
    await outbox.stop();
    await upstreams.close();
  }, log, 15_000);
} catch (error) {
  log.fatal({ err: error }, `vie scolaire subgraph failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
}
