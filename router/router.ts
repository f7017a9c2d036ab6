import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Registry } from 'prom-client';
import { listen, type RunningServer } from '../lib/http-server.ts';
import type { Logger } from '../lib/logger.ts';
import { MemorySessionStore } from '../connectors/sessions/memory-store.ts';
import type { SessionStore } from '../connectors/sessions/session.ts';
import { TrustedIssuers } from './auth/trusted-issuers.ts';
import { AuditQueue } from '../connectors/audit/audit-queue.ts';
import type { AuditStore } from '../connectors/audit/event.ts';
import { FileAuditStore } from '../connectors/audit/file-store.ts';
import { refusalEvent, useAudit } from './plugins/use-audit.ts';
import type { RouterConfig } from './config.ts';
import { generateRequestId } from './request-id.ts';
import { useAuthentication } from './plugins/use-authentication.ts';
import { useAuthorization } from './plugins/use-authorization.ts';
import { DEFAULT_POLICIES } from './authz/evaluate.ts';
import { useLogin, type LoginOptions } from './plugins/use-login.ts';
import { hiveLoggerFor } from './plugins/hive-log-writer.ts';
import { useAccessLog } from './plugins/use-access-log.ts';
import { createMetricsRegistry, useMetrics } from './plugins/use-metrics.ts';
import { useOperationLimits } from './plugins/use-operation-limits.ts';
import { useReadiness } from './plugins/use-readiness.ts';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.ts';
import { useSubgraphErrorHygiene } from './plugins/use-subgraph-error-hygiene.ts';
import { useViewerContext } from './plugins/use-viewer-context.ts';
import { loadTrustedDocuments } from './plugins/trusted-documents.ts';
import { SupergraphFile, type SubgraphEndpoint } from './supergraph/supergraph-file.ts';

export interface HubRouter {
  readonly url: string;
  /** The base URL people reach the router at (OIDC redirects point here). */
  readonly publicUrl: string;
  readonly supergraphPath: string;
  readonly graphqlUrl: string;
  readonly planner: 'native' | 'javascript';
  readonly metrics: Registry;
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
  login?: Omit<LoginOptions, 'sessions' | 'timeouts' | 'log' | 'publicUrl'>;
  /** Where the access journal is written; rotated files in `config.audit.dir` by default. */
  auditStore?: AuditStore;
  /** Plugins of later router concerns, in order, after authorization and audit. */
  plugins?: (context: { metrics: Registry; log: Logger }) => GatewayPlugin[];
}

/** Loads the native (Rust) query planner, or says why not so the caller can fall back. */
async function loadNativePlanner(log: Logger) {
  try {
    const { unifiedGraphHandler } = await import('@graphql-hive/router-runtime');
    return unifiedGraphHandler;
  } catch (error) {
    log.warn({ err: error }, 'native query planner unavailable, falling back to the JavaScript planner');
    return undefined;
  }
}

export async function startRouter(config: RouterConfig, log: Logger, extensions: RouterExtensions = {}): Promise<HubRouter> {
  const supergraph = new SupergraphFile(config.supergraphPath, log);
  await supergraph.load();
  const metrics = createMetricsRegistry();
  const hiveLog = hiveLoggerFor(log);
  const nativePlanner = config.planner === 'javascript' ? undefined : await loadNativePlanner(log);
  const sessions = extensions.sessions ?? new MemorySessionStore(config.sessionTimeouts);
  const trustedIssuers = new TrustedIssuers(config.trustedIssuers);
  const auditStore = extensions.auditStore ?? new FileAuditStore(config.audit.dir);
  const audit = new AuditQueue({ store: auditStore, strict: config.audit.strict, maxBuffered: config.audit.maxBuffered, metrics, log });
  const trusted = config.trustedDocuments ? loadTrustedDocuments(config.trustedDocuments.manifestPath) : undefined;

  const subgraphEndpoints = (): SubgraphEndpoint[] | undefined =>
    supergraph.current?.subgraphs.map((s) => ({ name: s.name, url: config.subgraphUrls[s.name] ?? s.url }));

  const gateway: GatewayRuntime = createGatewayRuntime({
    supergraph: async () => {
      const current = await supergraph.refresh();
      if (!current) throw new Error('no supergraph loaded');
      return current.sdl;
    },
    pollingInterval: config.supergraphPollMs,
    gracefulSchemaReload: { drainTimeout: 30_000 },
    unifiedGraphHandler: nativePlanner,
    transportEntries: {
      // The HTTP executor merges identical in-flight subgraph queries, keyed on URL and body only:
      // our signed viewer context is added later (onFetch), so two people asking the same query at
      // the same moment would share one answer (a pupil seeing another's data). Never merge.
      '*': { options: { deduplicateInflightRequests: false } },
      ...Object.fromEntries(Object.entries(config.subgraphUrls).map(([name, location]) => [name, { location }])),
    },
    logging: hiveLog,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    // The runtime's own readiness only checks the supergraph; ours (useReadiness) also asks every subgraph.
    readinessCheckEndpoint: '/runtime-readiness',
    landingPage: false,
    graphiql: config.production ? false : { title: 'ENT federation hub' },
    disableIntrospection: config.production ? { disableIf: () => true } : undefined,
    // Requests that a browser could send cross-site without a preflight (GET, form posts) must carry
    // this header; JSON POSTs always preflight. This is what protects cookie-authenticated sessions.
    csrfPrevention: { requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight'] },
    batching: { limit: config.limits.maxBatch },
    requestId: { headerName: 'x-request-id', generateRequestId },
    upstreamTimeout: ({ subgraphName }) =>
      (subgraphName && config.subgraphTimeoutsMs[subgraphName]) || config.subgraphTimeoutMs,
    subgraphErrors: { errorCode: 'DOWNSTREAM_SERVICE_ERROR', subgraphNameProp: 'serviceName' },
    maskedErrors: config.production,
    persistedDocuments: trusted
      ? {
          getPersistedOperation: (id: string) => trusted.get(id) ?? null,
          allowArbitraryDocuments: config.trustedDocuments?.allowArbitrary ?? false,
        }
      : undefined,
    plugins: () => [
      useAccessLog(log),
      useReadiness({ subgraphs: subgraphEndpoints }),
      useMetrics({ registry: metrics, log: hiveLog }),
      useRequestBodyLimit(config.limits.maxBodyBytes),
      useSubgraphErrorHygiene(),
      ...useOperationLimits(config.limits),
      ...(extensions.login
        ? [useLogin({ ...extensions.login, sessions, timeouts: config.sessionTimeouts, publicUrl: () => publicUrl, log })]
        : []),
      useAuthentication({ sessions, timeouts: config.sessionTimeouts, scopeMapping: config.scopeMapping, trustedIssuers }),
      useAuthorization({
        supergraph: () => supergraph.current?.document,
        policies: DEFAULT_POLICIES,
        mode: config.authorizationMode,
        metrics,
        log,
        onDenied: (decision) => {
          if (decision.refused) audit.push([refusalEvent(decision, decision.requestId)]);
        },
      }),
      useAudit({ queue: audit, subjectTypes: config.audit.subjectTypes, supergraph: () => supergraph.current?.document }),
      ...(extensions.plugins?.({ metrics, log }) ?? []),
      useViewerContext(config.viewerContextKey),
    ],
  });

  // Known once listening (port 0 picks one): the login plugin reads it lazily.
  let publicUrl = config.publicUrl ?? '';
  let server: RunningServer;
  try {
    server = await listen(gateway, { port: config.port, host: config.host });
  } catch (error) {
    await gateway.dispose();
    await audit.close();
    throw error;
  }
  publicUrl ||= `http://localhost:${server.port}`;
  log.info(
    { url: `${server.url}/graphql`, planner: nativePlanner ? 'native' : 'javascript', supergraph: config.supergraphPath },
    'router listening',
  );
  return {
    url: server.url,
    publicUrl,
    supergraphPath: config.supergraphPath,
    graphqlUrl: `${server.url}/graphql`,
    planner: nativePlanner ? 'native' : 'javascript',
    metrics,
    sessions,
    audit,
    auditStore,
    async stop() {
      await server.close(config.shutdownGraceMs);
      await gateway.dispose();
      await audit.close();
    },
  };
}
