/**
 * The vie scolaire subgraph alone, as in production. Configuration from the environment (README):
 * VIE_SCOLAIRE_UPSTREAMS (JSON: {"UAI": "https://…"}), VIE_SCOLAIRE_DATA_DIR (the outbox and the
 * calendar feeds), VIE_SCOLAIRE_CALENDAR_BASE_URL, VIE_SCOLAIRE_PORT, VIE_SCOLAIRE_HOST,
 * HUB_VIEWER_CONTEXT_SECRET.
 */
import { join } from 'node:path';
import { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { Outbox } from '../../connectors/vie-scolaire/outbox.ts';
import { UpstreamPool } from '../../connectors/vie-scolaire/upstream.ts';
import { createLogger } from '../../lib/logger.ts';
import { exitOnSignal } from '../../lib/shutdown.ts';
import { viewerContextKey } from '../../lib/viewer-context.ts';
import { FeedStore } from './calendar/feed-store.ts';
import { startVieScolaireSubgraph } from './server.ts';

const log = createLogger('vie-scolaire');
try {
  const env = process.env;
  if (!env.VIE_SCOLAIRE_UPSTREAMS) throw new Error('VIE_SCOLAIRE_UPSTREAMS is required (JSON map of UAI to base URL)');
  const upstreams = new UpstreamPool(JSON.parse(env.VIE_SCOLAIRE_UPSTREAMS) as Record<string, string>);
  const client = new VieScolaireClient(upstreams);
  const dataDir = env.VIE_SCOLAIRE_DATA_DIR ?? '.hub-data';
  const outbox = new Outbox(join(dataDir, 'outbox'), client, log.child({ component: 'outbox' }));
  await outbox.init();
  outbox.start();
  const feeds = new FeedStore(join(dataDir, 'calendar-feeds.json'));
  await feeds.init();
  const server = await startVieScolaireSubgraph({
    client,
    outbox,
    feeds,
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
