import { fileURLToPath } from 'node:url';
import { parisDayOf } from '../../lib/french-dates.ts';
import type { Directory } from '../../connectors/directory/directory.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';
import { DEFAULT_QUOTAS, type VieScolaireQuotas } from './quotas.ts';
import type { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Outbox } from '../../store/outbox/outbox.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RunningServer } from '../../lib/http-server.ts';
import { metricsRoute, serveMetrics, type MetricsListenerConfig } from '../../lib/metrics-server.ts';
import type { Registry } from 'prom-client';
import { loadTypeDefs, startSubgraph, type StartedSubgraph } from '../kit/subgraph-server.ts';
import { directoryChangesAnnounced } from '../directory/backend.ts';
import type { VieScolaireContext } from './context.ts';
import { createDataSource, UpstreamBudgets, VieScolaireCache, type UpstreamBudgetOptions } from './data-source.ts';
import { resolvers } from './resolvers.ts';
import { calendarFeedRoute, type FeedServingOptions } from './calendar/feed-route.ts';
import type { FeedStore } from './calendar/feed-store.ts';
import type { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import { CachedDirectory } from '../../store/directory/cached-directory.ts';
import { registerDirectoryCacheMetrics } from './metrics.ts';

export const VIE_SCOLAIRE_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

/** Today in Europe/Paris as `yyyy-MM-dd` (asked at every request). */
export const parisToday = () => parisDayOf(new Date());

export async function startVieScolaireSubgraph(options: {
  client: VieScolaireClient;
  outbox: Outbox;
  feeds: FeedStore;
  /** The shared agenda: its school events join the calendar feeds (none when absent). */
  agenda?: PostgresAgendaStore;
  /** The académie directory the perimeter is decided from (the directory subgraph's own backend). */
  directory: Directory;
  perimeter: PerimeterOptions;
  /** Per-person quotas; the defaults when absent. */
  quotas?: Partial<VieScolaireQuotas>;
  /** Upstream calls one request and one viewer may cause; the defaults when absent. */
  upstreamBudget?: Partial<UpstreamBudgetOptions>;
  /** Where `/calendar/{token}.ics` is reachable from outside; this server's own URL by default. */
  calendarBaseUrl?: string;
  /** How feeds are served (rate limit per feed, cache of the calendar); the defaults when absent. */
  calendarFeeds?: Partial<FeedServingOptions>;
  viewerContextKey: Uint8Array;
  /**
   * The registry the upstream pool and the client report to (createVieScolaireMetrics), served on a
   * listener of its own (loopback by default), and on the public port to the token's bearer.
   */
  metrics?: MetricsListenerConfig & { registry: Registry };
  log: Logger;
  port: number;
  host?: string;
  production?: boolean;
  today?: () => string;
  /**
   * Called when this subgraph changed data about a pupil without the database knowing (a homework
   * ticked done: its cache forgets the pupil's homework): every router must forget the cached
   * answers of the pupil and of their guardians, as the database triggers make it do for the
   * directory and the outbox (subgraphs/kit/answer-freshness.ts). Awaited before the mutation
   * answers; a failure is logged (the answers then age out by their max-age).
   */
  answersChanged?: (pupilId: string) => Promise<void>;
}): Promise<StartedSubgraph & { cache: VieScolaireCache; metricsUrl?: string }> {
  const cache = new VieScolaireCache(options.metrics?.registry);
  if (options.metrics && options.directory instanceof CachedDirectory) registerDirectoryCacheMetrics(options.metrics.registry, options.directory);
  // Never fails the mutation that calls it: the homework is ticked upstream either way.
  const { answersChanged: announce } = options;
  const answersChanged =
    announce &&
    ((pupilId: string) =>
      announce(pupilId).catch((error: unknown) => {
        options.log.warn({ err: error }, 'could not tell the routers that answers changed; their cached answers age out by their max-age');
      }));
  const budgets = new UpstreamBudgets(options.upstreamBudget);
  const today = options.today ?? parisToday;
  let calendarBaseUrl = options.calendarBaseUrl ?? '';
  const schools = new Set(options.client.upstreams.schools);
  const quotas: VieScolaireQuotas = { ...DEFAULT_QUOTAS, ...options.quotas };
  const server = await startSubgraph<VieScolaireContext>(
    {
      name: 'vie-scolaire',
      typeDefs: loadTypeDefs(VIE_SCOLAIRE_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      // Who may see whom is read from the directory at each request.
      reusableAnswers: directoryChangesAnnounced(options.directory),
      context: ({ viewer, requestId, freshness }) => ({
        viewer,
        requestId,
        directory: options.directory,
        perimeter: new Perimeter(viewer, options.directory, options.perimeter),
        readablePupils: new Map(),
        quotas,
        schools,
        today: today(),
        data: createDataSource(options.client, cache, budgets.forRequest(viewer), freshness),
        cache,
        client: options.client,
        outbox: options.outbox,
        feeds: options.feeds,
        calendarBaseUrl,
        newFeedTokens: new Map(),
        answersChanged,
      }),
      publicRoutes: [
        calendarFeedRoute({
          store: options.feeds,
          client: options.client,
          cache,
          budgets,
          today,
          directory: options.directory,
          perimeter: options.perimeter,
          serving: options.calendarFeeds,
          agenda: options.agenda,
        }),
        ...(options.metrics?.token ? [metricsRoute(options.metrics.registry, options.metrics.token)] : []),
      ],
      // Justifications carry an attachment of up to 1 MB, base64 (4/3) inside JSON.
      bodyLimitBytes: 3 * 1024 * 1024,
    },
    { port: options.port, host: options.host, production: options.production },
  );
  calendarBaseUrl ||= server.url;
  if (!options.metrics) return Object.assign(server, { cache });
  let metricsServer: RunningServer;
  try {
    metricsServer = await serveMetrics(options.metrics.registry, options.metrics);
  } catch (error) {
    await server.close(0);
    throw error;
  }
  const closeSubgraph = server.close.bind(server);
  return Object.assign(server, {
    cache,
    metricsUrl: `${metricsServer.url}/metrics`,
    close: async (graceMs?: number) => {
      await Promise.all([closeSubgraph(graceMs), metricsServer.close(graceMs)]);
    },
  });
}
