import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadEmbeddedAcademie, type EmbeddedAcademie } from '../tooling/academie/embedded.ts';
import type { Env } from '../lib/config/env.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { routerConfigFromEnv, type RouterConfig } from '../router/config.ts';
import { startRouter, type HubRouter } from '../router/router.ts';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import type { StartedSubgraph } from '../subgraphs/kit/subgraph-server.ts';
import { startDirectorySubgraph } from '../subgraphs/directory/server.ts';
import { startIdentitySubgraph } from '../subgraphs/identity/server.ts';
import { startDataExports } from '../subgraphs/identity/data-exports.ts';
import { DATA_EXPORT_ROUTE_PREFIX } from '../subgraphs/identity/data-export-route.ts';
import { dataExportConfigFromEnv } from '../store/privacy/config.ts';
import { startResourcesSubgraph } from '../subgraphs/resources/server.ts';
import { startEmbeddedGar, type EmbeddedGar } from './embedded-gar.ts';
import { VieScolaireClient } from '../connectors/vie-scolaire/client.ts';
import { Outbox } from '../store/outbox/outbox.ts';
import { moveFileOutbox } from '../store/outbox/file-import.ts';
import { moveFileFeeds } from '../subgraphs/vie-scolaire/calendar/feed-store.ts';
import { DEFAULT_UPSTREAM_OPTIONS, UpstreamPool, type UpstreamOptions } from '../connectors/vie-scolaire/upstream.ts';
import { startVieScolaireStandin, type RunningVieScolaire } from '../standins/vie-scolaire/server.ts';
import { parisToday, startVieScolaireSubgraph } from '../subgraphs/vie-scolaire/server.ts';
import { createVieScolaireMetrics, metricsListenerFromEnv } from '../subgraphs/vie-scolaire/metrics.ts';
import { submissionCheck } from '../subgraphs/vie-scolaire/ownership.ts';
import type { VieScolaireQuotas } from '../subgraphs/vie-scolaire/quotas.ts';
import type { PerimeterOptions } from '../subgraphs/perimeter/perimeter.ts';
import type { VieScolaireCache } from '../subgraphs/vie-scolaire/data-source.ts';
import { openEmbeddedStore, type EmbeddedStore } from '../store/embedded-store.ts';
import { linkLogin, relinkPerson } from '../connectors/sso/linking.ts';
import type { IdentityProviderConfig } from '../connectors/sso/provider-config.ts';
import { demoAccounts, type DemoLogin } from '../standins/identity-provider/demo-accounts.ts';
import { startIdentityProvider, type IdpAccount } from '../standins/identity-provider/identity-provider.ts';

export interface EmbeddedHubOptions {
  dataDir: string;
  /** The router's port; `ROUTER_PORT` (4000) by default; 0 picks a free port (tests). */
  routerPort?: number;
  /**
   * Where the router's variables (`ROUTER_*`, `HUB_*`, `NODE_ENV`) are read: the real environment by
   * default. They are checked whole before anything starts.
   */
  env?: Env;
  /** Port per subgraph name; 0 picks a free port (tests). Defaults to the registry's ports. */
  subgraphPorts?: Partial<Record<string, number>>;
  /**
   * The PostgreSQL database of the hub's state (sessions, journal): this one, else `DATABASE_URL`,
   * else a PostgreSQL server embedded from npm packages, its data in `dataDir/postgres`.
   */
  databaseUrl?: string;
  /** The embedded PostgreSQL server's port (`HUB_POSTGRES_PORT`, 4300); 0 picks a free port (tests). */
  postgresPort?: number;
  routerOverrides?: Partial<RouterConfig>;
  /** Ports of the embedded identity providers; 0 picks free ports. */
  idpPorts?: { educonnect: number; agents: number };
  /** Port of the GAR stand-in; 0 picks a free port. */
  garPort?: number;
  /** First port of the vie scolaire stand-ins (one per school, consecutive); 0 picks free ports. */
  vieScolaireBasePort?: number;
  /** Resilience settings of the vie scolaire connector (timeouts, retries, breaker). */
  vieScolaireUpstream?: Partial<UpstreamOptions>;
  /** Europe/Paris "today" for the vie scolaire subgraph's default date ranges (tests pin it). */
  today?: () => string;
  /** Per-person quotas of the vie scolaire subgraph (calendar feeds, submissions); its defaults otherwise. */
  vieScolaireQuotas?: Partial<VieScolaireQuotas>;
  /** Other routers' base URLs the embedded providers accept as redirect targets (the benchmark's). */
  extraRouterUrls?: string[];
  /** Seed of the demo passwords (printed by `npm start`, recomputed by the benchmark). */
  demoPasswordSeed?: string;
  /** Accounts added to the embedded providers beside the académie's (e.g. people the directory lacks). */
  extraAccounts?: Partial<Record<'educonnect' | 'agents', IdpAccount[]>>;
  log?: Logger;
}

export const DEFAULT_IDP_PORTS = { educonnect: 4100, agents: 4101 };
export const DEFAULT_GAR_PORT = 4102;
export const DEFAULT_VIE_SCOLAIRE_BASE_PORT = 4200;
export const DEFAULT_DEMO_PASSWORD_SEED = 'ent-hub-demo';

export interface ServiceInfo {
  name: string;
  url: string;
  role: string;
}

export interface EmbeddedHub {
  router: HubRouter;
  /** The hub's state in PostgreSQL: the stores the router and the identity subgraph share, and the database's URL. */
  store: EmbeddedStore;
  gar: EmbeddedGar;
  vieScolaire: { standins: RunningVieScolaire[]; upstreams: UpstreamPool; cache: VieScolaireCache; outbox: Outbox; metricsUrl?: string };
  /** Subgraph name → GraphQL URL. */
  subgraphUrls: Record<string, string>;
  academie: EmbeddedAcademie;
  /** Every person's demo login, with the provider to log in at. */
  logins: DemoLogin[];
  /** The embedded identity providers, as the router's relying party knows them. */
  providers: IdentityProviderConfig[];
  services: ServiceInfo[];
  stop(): Promise<void>;
}

/**
 * The whole hub in one process, with embedded defaults and no configuration: the generated
 * académie, every subgraph on its own port, and the router. It is what `npm start` runs, and what
 * end-to-end tests and the benchmark start. In production each piece starts alone instead.
 */
export async function startEmbeddedHub(options: EmbeddedHubOptions): Promise<EmbeddedHub> {
  const log = options.log ?? createLogger('hub');
  const env = options.env ?? process.env;
  // One secret for this run: every piece lives in this process, so nothing needs to be configured.
  const secret = env.HUB_VIEWER_CONTEXT_SECRET || randomBytes(32).toString('base64url');
  const key = viewerContextKey(secret);
  // The router's configuration from the real environment, checked before anything starts.
  const routerConfig = routerConfigFromEnv({
    ROUTER_AUDIT_DIR: join(options.dataDir, 'audit'),
    ...env,
    // A router on a free port (tests, the benchmark's backends) gets a free metrics port too.
    ...(options.routerPort === 0 ? { ROUTER_METRICS_PORT: '0' } : {}),
    HUB_VIEWER_CONTEXT_SECRET: secret,
  });
  const portOf = (name: string) => options.subgraphPorts?.[name] ?? SUBGRAPHS.find((s) => s.name === name)!.port;
  const started: { close(graceMs?: number): Promise<void> }[] = [];
  let router: HubRouter | undefined;

  try {
    const store = await openEmbeddedStore({
      dataDir: options.dataDir,
      env,
      databaseUrl: options.databaseUrl,
      postgresPort: options.postgresPort,
      sessionTimeouts: routerConfig.sessionTimeouts,
      log,
    });
    started.push(store);
    // The generated académie, imported into the hub's database the first time (the directory reads it there).
    const academie = await loadEmbeddedAcademie(options.dataDir, store.store.database, { log: log.child({ component: 'directory-import' }) });
    // One perimeter for every subgraph that serves data about people, over the same directory.
    const perimeter: PerimeterOptions = { personInChargeSeesChild: false };
    const directory: StartedSubgraph = await startDirectorySubgraph({
      directory: academie.directory,
      perimeter,
      viewerContextKey: key,
      log: log.child({ component: 'directory' }),
      port: portOf('directory'),
    });
    started.push(directory);
    const { sessions, journal: auditStore } = store.store;
    // The right of access: requests in the database, produced by a worker of this process.
    const dataExports = startDataExports({
      database: store.store.database,
      directory: academie.directory,
      journal: auditStore,
      config: dataExportConfigFromEnv(env),
      log: log.child({ component: 'data-exports' }),
    });
    started.push({ close: () => dataExports.stop() });
    const identity = await startIdentitySubgraph({
      sessions,
      audit: auditStore,
      dataExports,
      directory: academie.directory,
      perimeter,
      viewerContextKey: key,
      log: log.child({ component: 'identity' }),
      port: portOf('identity'),
    });
    started.push(identity);

    const gar = await startEmbeddedGar({
      dataDir: options.dataDir,
      directory: academie.directory,
      port: options.garPort ?? DEFAULT_GAR_PORT,
      log: log.child({ component: 'gar-standin' }),
    });
    started.push(gar);
    const resources = await startResourcesSubgraph({
      gar: gar.client,
      directory: academie.directory,
      perimeter,
      pseudonymSecret: gar.pseudonymSecret,
      viewerContextKey: key,
      log: log.child({ component: 'resources' }),
      port: portOf('resources'),
    });
    started.push(resources);

    // One vie scolaire system per school, as with Pronote: the connector gets the UAI → URL map.
    const vieScolaireStandins: RunningVieScolaire[] = [];
    const basePort = options.vieScolaireBasePort ?? DEFAULT_VIE_SCOLAIRE_BASE_PORT;
    for (const [i, school] of (await academie.directory.allSchools()).entries()) {
      const standin = await startVieScolaireStandin(academie.store, school, basePort ? basePort + i : 0);
      vieScolaireStandins.push(standin);
      started.push(standin);
    }
    const vieScolaireMetrics = createVieScolaireMetrics();
    const upstreams = new UpstreamPool(
      Object.fromEntries(vieScolaireStandins.map((s) => [s.uai, s.url])),
      { ...DEFAULT_UPSTREAM_OPTIONS, ...options.vieScolaireUpstream },
      { log: log.child({ component: 'vie-scolaire-upstream' }), metrics: vieScolaireMetrics },
    );
    started.push({ close: () => upstreams.close() });
    const vieScolaireClient = new VieScolaireClient(upstreams, { metrics: vieScolaireMetrics });
    // Submissions survive restarts: they live in the hub's database until the school has them, shared
    // by every instance. A demo's school comes back within seconds: retries stay a few seconds apart.
    const outbox = new Outbox(store.store.database, vieScolaireClient, log.child({ component: 'outbox' }), {
      verify: submissionCheck(vieScolaireClient, options.today ?? parisToday),
      retryBaseMs: 500,
      maxBackoffMs: 5_000,
      tickMs: 500,
    });
    // What the file outbox of an earlier version kept in the data folder moves into the database once.
    const movedSubmissions = await moveFileOutbox(join(options.dataDir, 'outbox'), outbox);
    if (movedSubmissions) log.info({ submissions: movedSubmissions }, 'vie scolaire outbox moved from the data folder into the database');
    outbox.start();
    started.push({ close: () => outbox.stop() });
    // Feeds an earlier version kept in a file of the data folder move into the database once.
    const movedFeeds = await moveFileFeeds(join(options.dataDir, 'calendar-feeds.json'), store.store.feeds);
    if (movedFeeds) log.info({ feeds: movedFeeds }, 'calendar feeds moved from the data folder into the database');
    const vieScolaire = await startVieScolaireSubgraph({
      client: vieScolaireClient,
      outbox,
      // In the hub's database, like sessions and the journal: they survive restarts, shared by every instance.
      feeds: store.store.feeds,
      directory: academie.directory,
      perimeter,
      quotas: options.vieScolaireQuotas,
      viewerContextKey: key,
      // A subgraph on a free port (tests, the benchmark's backends) gets a free metrics port too.
      metrics: { registry: vieScolaireMetrics, ...metricsListenerFromEnv(process.env), ...(portOf('vie-scolaire') === 0 ? { port: 0 } : {}) },
      log: log.child({ component: 'vie-scolaire' }),
      port: portOf('vie-scolaire'),
      today: options.today,
    });
    started.push(vieScolaire);

    // The providers are known once started, which needs the router's URL: the router reads them lazily.
    const providers: IdentityProviderConfig[] = [];
    const subgraphUrls: Record<string, string> = {
      directory: directory.graphqlUrl,
      identity: identity.graphqlUrl,
      resources: resources.graphqlUrl,
      'vie-scolaire': vieScolaire.graphqlUrl,
    };
    router = await startRouter(
      {
        ...routerConfig,
        supergraphPath: SUPERGRAPH_PATH,
        port: options.routerPort ?? routerConfig.port,
        subgraphUrls,
        // The one-time download links of data exports, on the hub's origin (unless configured otherwise).
        passThroughRoutes: routerConfig.passThroughRoutes ?? [{ prefix: DATA_EXPORT_ROUTE_PREFIX, subgraph: 'identity' }],
        ...options.routerOverrides,
      },
      log.child({ component: 'router' }),
      {
        sessions,
        auditStore,
        readinessChecks: { database: store.store.readiness },
        login: {
          providers: () => providers,
          link: (claims, provider) => linkLogin(claims, provider, academie.directory),
          relink: (personId) => relinkPerson(personId, academie.directory),
        },
      },
    );

    const clientSecret = randomBytes(24).toString('base64url');
    const idpPorts = options.idpPorts ?? DEFAULT_IDP_PORTS;
    const { accounts, logins } = demoAccounts(academie.store, academie.demo, {
      seed: options.demoPasswordSeed ?? DEFAULT_DEMO_PASSWORD_SEED,
      issuerSecrets: { educonnect: randomBytes(16).toString('hex'), agents: randomBytes(16).toString('hex') },
    });
    const idps = [
      { id: 'educonnect', label: 'EduConnect (embedded stand-in)', linking: 'educonnect', fallbackLinking: true },
      { id: 'agents', label: 'Agents de l’académie (embedded stand-in)', linking: 'agent', fallbackLinking: false },
    ] as const;
    for (const idp of idps) {
      const idpServer = await startIdentityProvider({
        label: idp.label,
        port: idpPorts[idp.id],
        accounts: [...accounts[idp.id], ...(options.extraAccounts?.[idp.id] ?? [])],
        clients: [
          {
            clientId: 'ent-hub',
            clientSecret,
            redirectUris: [router.publicUrl, ...(options.extraRouterUrls ?? [])].map((u) => `${u}/auth/callback`),
            postLogoutRedirectUris: [router.publicUrl, ...(options.extraRouterUrls ?? [])].map((u) => `${u}/auth/logged-out`),
            backchannelLogoutUri: `${router.publicUrl}/auth/backchannel-logout/${idp.id}`,
          },
        ],
        log: log.child({ component: `idp-${idp.id}` }),
      });
      started.push(idpServer);
      providers.push({
        ...idp,
        issuer: idpServer.issuer,
        clientId: 'ent-hub',
        clientSecret,
        // No offline_access: the hub keeps no provider refresh token (it never used one).
        scopes: ['openid', 'profile', 'email'],
      });
    }
    const running = router;
    // The daily retention purge's counts, beside the router's metrics.
    store.store.retention.registerMetrics(running.metrics);
    return {
      router: running,
      store,
      gar,
      vieScolaire: { standins: vieScolaireStandins, upstreams, cache: vieScolaire.cache, outbox, metricsUrl: vieScolaire.metricsUrl },
      subgraphUrls,
      academie,
      logins,
      providers,
      services: [
        { name: 'router', url: `${running.publicUrl}/graphql`, role: 'the one graph (GraphiQL in a browser); login at /auth/login' },
        { name: 'metrics', url: running.metricsUrl, role: 'Prometheus metrics (a loopback listener of its own; ROUTER_METRICS_PORT)' },
        { name: 'directory', url: directory.graphqlUrl, role: 'subgraph: schools, classes, people (AAF)' },
        { name: 'identity', url: identity.graphqlUrl, role: 'subgraph: the viewer, sessions, login history' },
        { name: 'resources', url: resources.graphqlUrl, role: 'subgraph: GAR digital resources' },
        { name: 'vie-scolaire', url: vieScolaire.graphqlUrl, role: 'subgraph: grades, absences, homework, timetable' },
        ...(vieScolaire.metricsUrl
          ? [
              {
                name: 'vie-scolaire metrics',
                url: vieScolaire.metricsUrl,
                role: 'Prometheus metrics of the vie scolaire subgraph: breakers per school (VIE_SCOLAIRE_METRICS_PORT)',
              },
            ]
          : []),
        { name: 'gar', url: gar.standin.url, role: 'stand-in GAR (mutual TLS; learns people from the export)' },
        ...vieScolaireStandins.map((s) => ({ name: `pronote ${s.uai}`, url: s.url, role: 'stand-in vie scolaire system of one school' })),
        ...providers.map((p) => ({ name: `idp ${p.id}`, url: p.issuer, role: `stand-in identity provider: ${p.label}` })),
      ],
      async stop() {
        // The router first (it drains in-flight requests), then what it depends on. The outbox's pass
        // ends before the database closes: a claim it holds would otherwise wait out its lease.
        await running.stop();
        await outbox.stop();
        await Promise.all(started.map((s) => s.close(2000)));
      },
    };
  } catch (error) {
    await router?.stop();
    await Promise.all(started.map((s) => s.close(0)));
    throw error;
  }
}
