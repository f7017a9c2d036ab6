import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Registry } from 'prom-client';
import { listen, type RunningServer } from '../lib/http-server.ts';
import type { Logger } from '../lib/logger.ts';
import { MemorySessionStore } from '../store/sessions/memory-store.ts';
import type { SessionStore } from '../store/sessions/session.ts';
import { TrustedIssuers } from './auth/trusted-issuers.ts';
import { AuditQueue } from '../store/journal/audit-queue.ts';
import type { AuditStore } from '../store/journal/event.ts';
import { FileAuditStore } from '../store/journal/file-store.ts';
import { alsoForSubscriptions } from './plugins/also-for-subscriptions.ts';
import { useLiveStreams } from './plugins/use-live-streams.ts';
import { useResponseCache, type AnswerChangeFeed } from './plugins/use-response-cache.ts';
import { refusalEvent, useAudit } from './plugins/use-audit.ts';
import { DEFAULT_JOURNAL_THROTTLE, JournalThrottle } from './plugins/audit-throttle.ts';
import type { RouterConfig } from './config.ts';
import { useRequestId } from './request-id.ts';
import { tracingActive } from '../lib/tracing.ts';
import { useTracing } from './plugins/use-tracing.ts';
import { GRAPHQL_PATH, isAuthPath, isGraphQLPath, useOnlyKnownRoutes } from './routes.ts';
import { useStaticSite } from './plugins/use-static-site.ts';
import { offlineGraphiQL } from './plugins/graphiql.ts';
import { loginCounter, registerSessionMetrics } from './plugins/session-metrics.ts';
import { useAuthentication } from './plugins/use-authentication.ts';
import { useAuthorization } from './plugins/use-authorization.ts';
import { DEFAULT_ID_POLICY } from './authz/operation-inputs.ts';
import { useLogin, type LoginOptions } from './plugins/use-login.ts';
import { loginCookieKey } from './auth/login-cookie.ts';
import { hiveLoggerFor } from './plugins/hive-log-writer.ts';
import { useAccessLog } from './plugins/use-access-log.ts';
import { passThroughLogPath, usePassThroughRoutes } from './plugins/use-pass-through.ts';
import { createMetricsRegistry, MetricLabels, serveMetrics, useMetrics } from './plugins/use-metrics.ts';
import { corsPolicy, useVaryOrigin } from './plugins/cors.ts';
import { useNoSuggestions } from './plugins/use-no-suggestions.ts';
import { MemoryRateLimitStore, useRateLimit, type RateLimitStore } from './plugins/use-rate-limit.ts';
import { useOperationLimits } from './plugins/use-operation-limits.ts';
import { useReservedNames } from './plugins/use-reserved-names.ts';
import { useReadiness, type ReadinessCheck } from './plugins/use-readiness.ts';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.ts';
import { useSubgraphErrorHygiene } from './plugins/use-subgraph-error-hygiene.ts';
import { useSubgraphTimeouts } from './plugins/use-subgraph-timeouts.ts';
import { useViewerContext } from './plugins/use-viewer-context.ts';
import { loadTrustedDocuments } from './plugins/trusted-documents.ts';
import { SupergraphFile, type SubgraphEndpoint } from './supergraph/supergraph-file.ts';
import { choosePlanner, type NativePlannerLoader, type QueryPlanner } from './planner.ts';

export interface HubRouter {
  readonly url: string;
  /** The base URL people reach the router at (OIDC redirects point here). */
  readonly publicUrl: string;
  readonly supergraphPath: string;
  readonly graphqlUrl: string;
  readonly planner: QueryPlanner;
  readonly metrics: Registry;
  /** Where `/metrics` is served: a separate listener (`ROUTER_METRICS_HOST`/`_PORT`), loopback by default. */
  readonly metricsUrl: string;
  readonly sessions: SessionStore;
  readonly audit: AuditQueue;
  readonly auditStore: AuditStore;
  /** Finishes in-flight requests (up to the configured grace), then releases every resource. */
  stop(): Promise<void>;
}

export interface RouterExtensions {
  /** Where hub sessions live; in memory by default. Shared with whatever lists and ends sessions. */
  sessions?: SessionStore;
  /** The login routes (`/auth/*`), when the deployment links logins to a directory. */
  login?: Omit<LoginOptions, 'sessions' | 'timeouts' | 'log' | 'publicUrl' | 'loginCookieKey'>;
  /** Where the access journal is written; rotated files in `config.audit.dir` by default. */
  auditStore?: AuditStore;
  /** Where rate-limit counters live; in memory by default (one router). A shared store lets instances count together. */
  rateLimitStore?: RateLimitStore;
  /** Named dependencies `/ready` also checks (the hub's database): the router knows only their names. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Loads the native query planner; the real addon by default (tests inject one that fails). */
  loadNativePlanner?: NativePlannerLoader;
  /**
   * Where the router learns that cached answers went stale (the hub's database notifications,
   * store/answer-changes.ts). Without it the response cache stays off: it could not trust itself.
   */
  answerChanges?: AnswerChangeFeed;
  /** Plugins of later router concerns, in order, after authorization and audit. */
  plugins?: (context: { metrics: Registry; log: Logger }) => GatewayPlugin[];
}

/** Whether two URLs name the same endpoint (`http://h:1/graphql` and `http://h:1/graphql/` do not). */
const sameUrl = (a: string, b: string): boolean => {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
};

/** The router's own routes besides GraphQL and login: never the static site's. */
const RESERVED_PATHS = new Set(['/health', '/ready', '/runtime-readiness', '/metrics']);

export async function startRouter(config: RouterConfig, log: Logger, extensions: RouterExtensions = {}): Promise<HubRouter> {
  const supergraph = new SupergraphFile(config.supergraphPath, log);
  await supergraph.load();
  const metrics = createMetricsRegistry();
  const hiveLog = hiveLoggerFor(log);
  const planner = await choosePlanner(config, log, extensions.loadNativePlanner);
  const sessions = extensions.sessions ?? new MemorySessionStore(config.sessionTimeouts);
  registerSessionMetrics(metrics, sessions, config.sessionTimeouts.idleMs, log);
  const onLogin = extensions.login && loginCounter(metrics);
  const trustedIssuers = new TrustedIssuers(config.trustedIssuers);
  const auditStore = extensions.auditStore ?? new FileAuditStore(config.audit.dir, { maxScanBytes: config.audit.maxScanBytes });
  const audit = new AuditQueue({ store: auditStore, strict: config.audit.strict, maxBuffered: config.audit.maxBuffered, metrics, log });
  // Refusals anyone can cause at will are merged and capped per viewer before they reach the journal.
  const journal = new JournalThrottle(audit, metrics, {
    ...DEFAULT_JOURNAL_THROTTLE,
    maxDenialsPerViewer: config.audit.maxDenialsPerViewer ?? DEFAULT_JOURNAL_THROTTLE.maxDenialsPerViewer,
  });
  const trusted = config.trustedDocuments ? loadTrustedDocuments(config.trustedDocuments.manifestPaths) : undefined;
  const metricLabels = new MetricLabels(trusted?.values());
  const rateLimit = useRateLimit({
    config: config.rateLimit,
    store: extensions.rateLimitStore ?? new MemoryRateLimitStore(config.rateLimit.maxKeys),
    trustedProxies: config.trustedProxies,
    passThroughPrefixes: (config.passThroughRoutes ?? []).map((r) => r.prefix),
    log,
  });
  // Browsers may call with credentials from these origins only; the public origin is known once listening.
  let corsOrigins: ReadonlySet<string> = new Set(config.corsOrigins ?? []);

  const subgraphEndpoints = (): SubgraphEndpoint[] | undefined =>
    supergraph.current?.subgraphs.map((s) => ({ name: s.name, url: config.subgraphUrls[s.name] ?? s.url }));

  // Which subgraph a fetch goes to, asked on every subgraph fetch: answered from a table made once
  // per supergraph (a reload may move a subgraph) instead of parsing every subgraph's URL each time.
  const subgraphsByUrl = new WeakMap<object, Map<string, string | undefined>>();
  const subgraphOfUrl = (url: string): string | undefined => {
    const current = supergraph.current;
    if (!current) return undefined;
    let byUrl = subgraphsByUrl.get(current);
    if (!byUrl) subgraphsByUrl.set(current, (byUrl = new Map<string, string | undefined>()));
    if (!byUrl.has(url)) {
      // Bounded: fetches go to the supergraph's few subgraph URLs.
      if (byUrl.size >= 256) byUrl.clear();
      byUrl.set(url, subgraphEndpoints()?.find((s) => sameUrl(s.url, url))?.name);
    }
    return byUrl.get(url);
  };

  // GraphiQL's code from the installed package, on this origin (never a CDN); none in production.
  const graphiql = config.production ? undefined : offlineGraphiQL();

  const responseCache =
    extensions.answerChanges && config.responseCache.maxAgeMs > 0
      ? useResponseCache({ ...config.responseCache, changes: extensions.answerChanges, metrics, log })
      : undefined;
  if (!responseCache && config.responseCache.maxAgeMs > 0) log.info('response cache off: this router is told of no data changes (no hub database)');

  const liveStreams = useLiveStreams({ sessions, timeouts: config.sessionTimeouts, ...config.liveStreams, metrics, log });

  const gateway: GatewayRuntime = createGatewayRuntime({
    supergraph: async () => {
      const current = await supergraph.refresh();
      if (!current) throw new Error('no supergraph loaded');
      return current.sdl;
    },
    pollingInterval: config.supergraphPollMs,
    gracefulSchemaReload: { drainTimeout: 30_000 },
    unifiedGraphHandler: planner.handler,
    transportEntries: {
      // The HTTP executor merges identical in-flight subgraph queries, keyed on URL and body only:
      // our signed viewer context is added later (onFetch), so two people asking the same query at
      // the same moment would share one answer (a pupil seeing another's data). Never merge.
      // Subscriptions too are POSTs (the executor's default is GET, the operation in the URL):
      // the subgraph binds the signed viewer context to the body, and URLs land in logs.
      '*': { options: { deduplicateInflightRequests: false, method: 'POST' } },
      ...Object.fromEntries(Object.entries(config.subgraphUrls).map(([name, location]) => [name, { location }])),
    },
    logging: hiveLog,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/health',
    // The runtime's own readiness only checks the supergraph; ours (useReadiness) also asks every subgraph.
    readinessCheckEndpoint: '/runtime-readiness',
    landingPage: false,
    graphiql: graphiql ? { title: 'ENT federation hub' } : false,
    renderGraphiQL: graphiql?.render,
    disableIntrospection: config.production ? { disableIf: () => true } : undefined,
    // Requests that a browser could send cross-site without a preflight (GET, form posts) must carry
    // this header; JSON POSTs always preflight. This is what protects cookie-authenticated sessions.
    csrfPrevention: { requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight'] },
    batching: { limit: config.limits.maxBatch },
    // Ours (useRequestId, first plugin) bounds and checks what a client sends; the runtime's echoes anything.
    requestId: false,
    cors: corsPolicy(() => corsOrigins),
    // Subgraph timeouts: useSubgraphTimeouts below, not the runtime's `upstreamTimeout` (see the plugin for why).
    subgraphErrors: { errorCode: 'DOWNSTREAM_SERVICE_ERROR', subgraphNameProp: 'serviceName' },
    maskedErrors: config.production,
    persistedDocuments: trusted
      ? {
          getPersistedOperation: (id: string) => trusted.get(id) ?? null,
          allowArbitraryDocuments: config.trustedDocuments?.allowArbitrary ?? false,
        }
      : undefined,
    // Each plugin written for operations applies to subscriptions too (also-for-subscriptions.ts).
    plugins: () =>
      [
        useRequestId(),
        // Only when this process exports traces (HUB_TRACING, lib/tracing.ts): no cost otherwise.
        ...(tracingActive() ? useTracing(hiveLog) : []),
        useVaryOrigin(),
        useAccessLog(log, { logPath: passThroughLogPath(config.passThroughRoutes ?? []) }),
        // Wired with login, the router is only ready once its identity providers answer (people must be able to log in).
        useReadiness({
          subgraphs: subgraphEndpoints,
          identityProviders: extensions.login && (() => extensions.login!.providers()),
          planner: planner.status,
          checks: extensions.readinessChecks,
        }),
        rateLimit.byAddress,
        ...useMetrics({ registry: metrics, log: hiveLog, labels: metricLabels, token: config.metrics.token }),
        useRequestBodyLimit(config.limits.maxBodyBytes),
        ...(graphiql ? [graphiql.plugin] : []),
        // Before login and authentication: these routes carry their own credential, and no session is read.
        usePassThroughRoutes({
          routes: config.passThroughRoutes ?? [],
          subgraphUrl: (name) => subgraphEndpoints()?.find((s) => s.name === name)?.url,
          timeoutMs: (name) => config.subgraphTimeoutsMs[name] || config.subgraphTimeoutMs,
          log,
        }),
        useSubgraphErrorHygiene({ production: config.production }),
        // A subscription's stream is meant to stay open: not timed (use-live-streams.ts bounds its life).
        useSubgraphTimeouts((name) => config.subgraphTimeoutsMs[name] || config.subgraphTimeoutMs),
        ...(config.production ? [useNoSuggestions()] : []),
        ...useOperationLimits(config.limits, { supergraph: () => supergraph.current?.document }),
        useReservedNames(),
        ...(extensions.login
          ? [
              useLogin({
                ...extensions.login,
                sessions,
                timeouts: config.sessionTimeouts,
                publicUrl: () => publicUrl,
                loginCookieKey: loginCookieKey(config.loginSecret ?? config.viewerContextKey),
                log,
                onLogin,
              }),
            ]
          : []),
        useAuthentication({
          sessions,
          timeouts: config.sessionTimeouts,
          scopeMapping: config.scopeMapping,
          trustedIssuers,
          sessionFacts: extensions.login?.relink && { maxAgeMs: config.sessionFactsMaxAgeMs, relink: extensions.login.relink, log },
        }),
        rateLimit.byViewer,
        useAuthorization({
          supergraph: () => supergraph.current?.document,
          policies: config.policies,
          mode: config.authorizationMode,
          metrics,
          operationLabel: (name) => metricLabels.operationName(name),
          log,
          idPolicy: { maxLength: config.limits.maxIdLength ?? DEFAULT_ID_POLICY.maxLength },
          onDenied: (decision) => {
            if (decision.refused) journal.push([refusalEvent(decision, decision.requestId)]);
          },
        }),
        useAudit({ queue: journal, subjectTypes: config.audit.subjectTypes, supergraph: () => supergraph.current?.document }),
        // After authentication and authorization: a stream lives only as long as its session.
        liveStreams,
        ...(extensions.plugins?.({ metrics, log }) ?? []),
        // Last around execution: on a hit, everything above (the journal included) runs as on a miss.
        ...(responseCache ? [responseCache] : []),
        useViewerContext(config.viewerContextKey, subgraphOfUrl),
        // Last: whatever no plugin above answered reaches the GraphQL server only at its exact path.
        ...(config.staticSiteDir
          ? [
              useStaticSite({
                dir: config.staticSiteDir,
                // The pages' embedded first answers go through this whole pipeline, as the page's own request would.
                dispatch: async (request, serverContext) => gateway.fetch(request, serverContext),
                log,
                isReserved: (path) =>
                  isGraphQLPath(path) ||
                  isAuthPath(path) ||
                  RESERVED_PATHS.has(path) ||
                  (config.passThroughRoutes ?? []).some((r) => path.startsWith(r.prefix)),
              }),
            ]
          : []),
        useOnlyKnownRoutes(),
      ].map(alsoForSubscriptions),
  });

  // Known once listening (port 0 picks one): the login plugin reads it lazily.
  let publicUrl = config.publicUrl ?? '';
  let server: RunningServer;
  let metricsServer: RunningServer;
  try {
    // The gateway handles its own errors (a 500, or a log line once the response has started); its
    // promise only says when the response is sent.
    server = await listen((req, res) => void gateway(req, res), { port: config.port, host: config.host });
    try {
      metricsServer = await serveMetrics(metrics, config.metrics);
    } catch (error) {
      await server.close(0);
      throw error;
    }
  } catch (error) {
    await gateway.dispose();
    journal.close();
    await audit.close();
    throw error;
  }
  publicUrl ||= `http://localhost:${server.port}`;
  corsOrigins = new Set(config.corsOrigins ?? [new URL(publicUrl).origin]);
  log.info({ url: `${server.url}/graphql`, metrics: `${metricsServer.url}/metrics`, ...planner.status, supergraph: config.supergraphPath }, 'router listening');
  return {
    url: server.url,
    publicUrl,
    supergraphPath: config.supergraphPath,
    graphqlUrl: `${server.url}/graphql`,
    planner: planner.status.planner,
    metrics,
    metricsUrl: `${metricsServer.url}/metrics`,
    sessions,
    audit,
    auditStore,
    async stop() {
      // Open streams never end by themselves: end them, so that closing does not wait for the grace period.
      liveStreams.close();
      responseCache?.close();
      await server.close(config.shutdownGraceMs);
      await metricsServer.close(0);
      await gateway.dispose();
      journal.close();
      await audit.close();
    },
  };
}
