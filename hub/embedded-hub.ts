import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { join } from 'node:path';
import type { AcademieOptions } from '../tooling/academie/academie.ts';
import { loadEmbeddedAcademie, type EmbeddedAcademie } from '../tooling/academie/embedded.ts';
import { readEnv, type Env } from '../lib/config/env.ts';
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
import { startCommunicationSubgraph } from '../subgraphs/communication/server.ts';
import { messagingConfigFromEnv } from '../subgraphs/communication/config.ts';
import { openMessageStore } from '../subgraphs/communication/attachment-objects.ts';
import { ATTACHMENT_ROUTE_PREFIX } from '../subgraphs/communication/attachment-route.ts';
import { PostgresAgendaStore } from '../store/agenda/postgres-store.ts';
import { LiveUpdates } from '../store/live-updates.ts';
import { AnswerChanges, announceChangeAbout } from '../store/answer-changes.ts';
import { CachedDirectory } from '../store/directory/cached-directory.ts';
import { DIRECTORY_CACHE_ENV, directoryCacheOptionsOf } from '../subgraphs/directory/backend.ts';
import { seedDemoMessages } from './demo-messages.ts';
import { PostgresNotificationStore } from '../store/notifications/postgres-store.ts';
import { startSmtpStandin, type RunningSmtpStandin } from '../standins/smtp/server.ts';
import { startSmsGatewayStandin, type RunningSmsGatewayStandin } from '../standins/sms-gateway/server.ts';
import { notificationsConfigFromEnv, type NotificationsConfig } from '../workers/notifications/config.ts';
import { startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from '../workers/notifications/worker.ts';
import { startEmbeddedGar, type EmbeddedGar } from './embedded-gar.ts';
import { VieScolaireClient, type FreshAnswer } from '../connectors/vie-scolaire/client.ts';
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
import type { IdentityProviderConfig } from '../connectors/sso/provider-config.ts';
import { directoryLogin } from '../connectors/sso/directory-login.ts';
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
  /** The generated académie's size and seed (the benchmark's académie of 100,000 people); the demo's otherwise. */
  academie?: AcademieOptions;
  /** Per-person quotas of the vie scolaire subgraph (calendar feeds, submissions); its defaults otherwise. */
  vieScolaireQuotas?: Partial<VieScolaireQuotas>;
  /** Other routers' base URLs the embedded providers accept as redirect targets (the benchmark's). */
  extraRouterUrls?: string[];
  /** Seed of the demo passwords (printed by `npm start`, recomputed by the benchmark). */
  demoPasswordSeed?: string;
  /** Accounts added to the embedded providers beside the académie's (e.g. people the directory lacks). */
  extraAccounts?: Partial<Record<'educonnect' | 'agents', IdpAccount[]>>;
  /** Ports of the mail relay and the SMS gateway stand-ins (4103, 4104); 0 picks free ports. */
  smtpPort?: number;
  smsGatewayPort?: number;
  /**
   * The notifications' worker: settings beyond the environment's (`NOTIFICATIONS_*`), its clock, and
   * its schedule: by default the passes run every 5 s and the detector does not poll on its own
   * (`npm start` asks for `detect: true`; tests drive both with `{ tickMs: 0, detect: false }`).
   */
  notifications?: { config?: Partial<NotificationsConfig>; clock?: () => Date; schedule?: NotificationWorkerOptions['schedule']; jobPollingSeconds?: number };
  log?: Logger;
}

export const DEFAULT_IDP_PORTS = { educonnect: 4100, agents: 4101 };
export const DEFAULT_GAR_PORT = 4102;
export const DEFAULT_SMTP_PORT = 4103;
export const DEFAULT_SMS_GATEWAY_PORT = 4104;
export const DEFAULT_VIE_SCOLAIRE_BASE_PORT = 4200;
export const DEFAULT_DEMO_PASSWORD_SEED = 'ent-hub-demo';

export interface ServiceInfo {
  name: string;
  url: string;
  role: string;
}

export interface EmbeddedHub {
  router: HubRouter;
  /** The database's word on what changed, as this hub's router and subgraphs hear it (store/answer-changes.ts). */
  answerChanges: AnswerChanges;
  /** The hub's state in PostgreSQL: the stores the router and the identity subgraph share, and the database's URL. */
  store: EmbeddedStore;
  gar: EmbeddedGar;
  vieScolaire: { standins: RunningVieScolaire[]; upstreams: UpstreamPool; cache: VieScolaireCache; outbox: Outbox; metricsUrl?: string };
  /** The notifications' worker, and the stand-ins it delivers to (mail relay, SMS gateway). */
  notifications: {
    worker: NotificationWorker;
    smtp: RunningSmtpStandin;
    smsGateway: RunningSmsGatewayStandin;
    mailFolder: string;
    /** The vie scolaire connector the worker polls with, and the worker's settings (a test starts a second instance with them). */
    client: VieScolaireClient;
    config: NotificationsConfig;
    perimeter: PerimeterOptions;
  };
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

/** What a step started, closed in reverse order of need by `stop` (or at once when a later step fails). */
type Closeable = { close(graceMs?: number): Promise<void> };

/** What every step is given: the options, the log, the viewer-context key, and where to put what it starts. */
interface StepContext {
  options: EmbeddedHubOptions;
  log: Logger;
  env: Env;
  key: Uint8Array;
  started: Closeable[];
  portOf: (subgraph: string) => number;
  /** One perimeter for every subgraph that serves data about people, over the same directory. */
  perimeter: PerimeterOptions;
}

/**
 * The whole hub in one process, with embedded defaults and no configuration: the generated
 * académie, every subgraph on its own port, and the router. It is what `npm start` runs, and what
 * end-to-end tests and the benchmark start. In production each piece starts alone instead.
 *
 * In steps, each a function below: the hub's state (PostgreSQL, the académie imported into it),
 * the directory and identity subgraphs, the GAR and the resources subgraph, the schools' vie
 * scolaire systems and their subgraph, the router, then the identity providers (which need the
 * router's URL). Whatever started is stopped if a later step fails.
 */
export async function startEmbeddedHub(options: EmbeddedHubOptions): Promise<EmbeddedHub> {
  const log = options.log ?? createLogger('hub');
  const env = options.env ?? process.env;
  // One secret for this run: every piece lives in this process, so nothing needs to be configured.
  const secret = env.HUB_VIEWER_CONTEXT_SECRET || randomBytes(32).toString('base64url');
  // The router's configuration from the real environment, checked before anything starts.
  const routerConfig = routerConfigFromEnv({
    ROUTER_AUDIT_DIR: join(options.dataDir, 'audit'),
    ...env,
    // A router on a free port (tests, the benchmark's backends) gets a free metrics port too.
    ...(options.routerPort === 0 ? { ROUTER_METRICS_PORT: '0' } : {}),
    HUB_VIEWER_CONTEXT_SECRET: secret,
  });
  const step: StepContext = {
    options,
    log,
    env,
    key: viewerContextKey(secret),
    started: [],
    portOf: (name) => options.subgraphPorts?.[name] ?? SUBGRAPHS.find((s) => s.name === name)!.port,
    perimeter: { personInChargeSeesChild: false },
  };
  let router: HubRouter | undefined;
  try {
    const { store, academie, forSubgraphs, answerChanges } = await openState(step, routerConfig);
    const people = await startPeopleSubgraphs(step, store, forSubgraphs);
    const resources = await startResources(step, forSubgraphs);
    const vieScolaire = await startVieScolaire(step, store, forSubgraphs);
    const communication = await startCommunication(step, store, forSubgraphs);
    const subgraphUrls: Record<string, string> = {
      directory: people.directory.graphqlUrl,
      identity: people.identity.graphqlUrl,
      resources: resources.subgraph.graphqlUrl,
      'vie-scolaire': vieScolaire.subgraph.graphqlUrl,
      communication: communication.graphqlUrl,
    };
    // The providers are known once started, which needs the router's URL: the router reads them lazily.
    const providers: IdentityProviderConfig[] = [];
    router = await startHubRouter(step, routerConfig, store, academie, answerChanges, subgraphUrls, providers);
    const logins = await startIdentityProviders(step, academie, router, providers);
    const running = router;
    const notifications = await startNotifications(step, store, academie, vieScolaire, running.publicUrl);
    // The daily retention purge's counts, beside the router's metrics.
    store.store.retention.registerMetrics(running.metrics);
    return {
      router: running,
      answerChanges,
      store,
      gar: resources.gar,
      vieScolaire: {
        standins: vieScolaire.standins,
        upstreams: vieScolaire.upstreams,
        cache: vieScolaire.subgraph.cache,
        outbox: vieScolaire.outbox,
        metricsUrl: vieScolaire.subgraph.metricsUrl,
      },
      notifications,
      subgraphUrls,
      academie,
      logins,
      providers,
      services: describeServices(running, subgraphUrls, resources.gar, vieScolaire, providers, notifications),
      async stop() {
        // The router first (it drains in-flight requests), then what it depends on. The outbox's pass
        // ends before the database closes: a claim it holds would otherwise wait out its lease.
        await running.stop();
        await vieScolaire.outbox.stop();
        await notifications.worker.close();
        await Promise.all(step.started.map((s) => s.close(2000)));
      },
    };
  } catch (error) {
    await router?.stop();
    await Promise.all(step.started.map((s) => s.close(0)));
    throw error;
  }
}

/** The hub's state in PostgreSQL, and the generated académie imported into it the first time (the directory reads it there). */
async function openState(step: StepContext, routerConfig: RouterConfig) {
  const store = await openEmbeddedStore({
    dataDir: step.options.dataDir,
    env: step.env,
    databaseUrl: step.options.databaseUrl,
    postgresPort: step.options.postgresPort,
    sessionTimeouts: routerConfig.sessionTimeouts,
    log: step.log,
  });
  step.started.push(store);
  const academie = await loadEmbeddedAcademie(step.options.dataDir, store.store.database, {
    academie: step.options.academie,
    log: step.log.child({ component: 'directory-import' }),
  });
  // The database's word on what changed: for the router's response cache, and the directory's cache,
  // which the subgraphs read through, as each does when deployed alone (subgraphs/directory/backend.ts).
  // The router's login, the notifications' worker and the tests read the directory itself, as deployed.
  const answerChanges = await AnswerChanges.start(store.store.database, step.log.child({ component: 'answer-changes' }));
  step.started.push(answerChanges);
  const cacheOptions = directoryCacheOptionsOf(readEnv(DIRECTORY_CACHE_ENV, step.env));
  const forSubgraphs: EmbeddedAcademie = cacheOptions
    ? { ...academie, directory: new CachedDirectory(academie.directory, answerChanges, cacheOptions) }
    : academie;
  return { store, academie, forSubgraphs, answerChanges };
}

/** The directory subgraph, and the identity subgraph with the right of access's worker (requests in the database). */
async function startPeopleSubgraphs(step: StepContext, store: EmbeddedStore, academie: EmbeddedAcademie) {
  const directory: StartedSubgraph = await startDirectorySubgraph({
    directory: academie.directory,
    perimeter: step.perimeter,
    viewerContextKey: step.key,
    log: step.log.child({ component: 'directory' }),
    port: step.portOf('directory'),
  });
  step.started.push(directory);
  const dataExports = startDataExports({
    database: store.store.database,
    directory: academie.directory,
    journal: store.store.journal,
    config: dataExportConfigFromEnv(step.env),
    log: step.log.child({ component: 'data-exports' }),
  });
  step.started.push({ close: () => dataExports.stop() });
  const identity = await startIdentitySubgraph({
    sessions: store.store.sessions,
    audit: store.store.journal,
    dataExports,
    directory: academie.directory,
    perimeter: step.perimeter,
    viewerContextKey: step.key,
    log: step.log.child({ component: 'identity' }),
    port: step.portOf('identity'),
  });
  step.started.push(identity);
  return { directory, identity };
}

/** The communication subgraph: the hub's messaging, in the hub's database. */
async function startCommunication(step: StepContext, store: EmbeddedStore, academie: EmbeddedAcademie): Promise<StartedSubgraph> {
  const config = messagingConfigFromEnv(step.env);
  const opened = openMessageStore(store.store.database, config, step.log.child({ component: 'attachments' }));
  step.started.push(opened);
  const messages = opened.messages;
  await seedDemoMessages({
    database: store.store.database,
    messages,
    directory: academie.directory,
    perimeter: step.perimeter,
    config,
    demo: academie.demo,
    log: step.log.child({ component: 'communication' }),
  });
  const live = await LiveUpdates.start(store.store.database, step.log.child({ component: 'live-updates' }), config.live);
  step.started.push(live);
  const communication = await startCommunicationSubgraph({
    messages,
    live,
    notifications: new PostgresNotificationStore(store.store.database),
    agenda: new PostgresAgendaStore(store.store.database),
    directory: academie.directory,
    perimeter: step.perimeter,
    config,
    viewerContextKey: step.key,
    log: step.log.child({ component: 'communication' }),
    port: step.portOf('communication'),
  });
  step.started.push(communication);
  return communication;
}

/** The GAR stand-in (learning people from the export) and the resources subgraph that asks it. */
async function startResources(step: StepContext, academie: EmbeddedAcademie) {
  const gar = await startEmbeddedGar({
    dataDir: step.options.dataDir,
    directory: academie.directory,
    port: step.options.garPort ?? DEFAULT_GAR_PORT,
    log: step.log.child({ component: 'gar-standin' }),
  });
  step.started.push(gar);
  const subgraph = await startResourcesSubgraph({
    gar: gar.client,
    directory: academie.directory,
    perimeter: step.perimeter,
    pseudonymSecret: gar.pseudonymSecret,
    viewerContextKey: step.key,
    log: step.log.child({ component: 'resources' }),
    port: step.portOf('resources'),
  });
  step.started.push(subgraph);
  return { gar, subgraph };
}

/**
 * One vie scolaire system per school (stand-ins speaking the Pronote-style dialect), the connector
 * over them, the outbox of submissions in the database, and the vie scolaire subgraph.
 */
async function startVieScolaire(step: StepContext, store: EmbeddedStore, academie: EmbeddedAcademie) {
  const { options, log } = step;
  const standins: RunningVieScolaire[] = [];
  const basePort = options.vieScolaireBasePort ?? DEFAULT_VIE_SCOLAIRE_BASE_PORT;
  for (const [i, school] of (await academie.directory.allSchools()).entries()) {
    const standin = await startVieScolaireStandin(academie.store, school, basePort ? basePort + i : 0);
    standins.push(standin);
    step.started.push(standin);
  }
  const metrics = createVieScolaireMetrics();
  const upstreams = new UpstreamPool(
    Object.fromEntries(standins.map((s) => [s.uai, s.url])),
    { ...DEFAULT_UPSTREAM_OPTIONS, ...options.vieScolaireUpstream },
    { log: log.child({ component: 'vie-scolaire-upstream' }), metrics },
  );
  step.started.push({ close: () => upstreams.close() });
  // People's fresh reads, told to whoever listens: the notifications' early poll, once its worker runs (startNotifications).
  let freshReadObserver: ((answer: FreshAnswer) => void) | undefined;
  const client = new VieScolaireClient(upstreams, { metrics, onFresh: (answer) => freshReadObserver?.(answer) });
  const observeFreshReads = (observer: (answer: FreshAnswer) => void) => {
    freshReadObserver = observer;
  };
  // Submissions survive restarts: they live in the hub's database until the school has them, shared
  // by every instance. A demo's school comes back within seconds: retries stay a few seconds apart.
  const outbox = new Outbox(store.store.database, client, log.child({ component: 'outbox' }), {
    verify: submissionCheck(client, options.today ?? parisToday),
    retryBaseMs: 500,
    maxBackoffMs: 5_000,
    tickMs: 500,
    metrics,
  });
  // What the file outbox of an earlier version kept in the data folder moves into the database once.
  const movedSubmissions = await moveFileOutbox(join(options.dataDir, 'outbox'), outbox);
  if (movedSubmissions) log.info({ submissions: movedSubmissions }, 'vie scolaire outbox moved from the data folder into the database');
  outbox.start();
  step.started.push({ close: () => outbox.stop() });
  // Feeds an earlier version kept in a file of the data folder move into the database once.
  const movedFeeds = await moveFileFeeds(join(options.dataDir, 'calendar-feeds.json'), store.store.feeds);
  if (movedFeeds) log.info({ feeds: movedFeeds }, 'calendar feeds moved from the data folder into the database');
  const subgraph = await startVieScolaireSubgraph({
    client,
    outbox,
    // In the hub's database, like sessions and the journal: they survive restarts, shared by every instance.
    feeds: store.store.feeds,
    agenda: new PostgresAgendaStore(store.store.database),
    directory: academie.directory,
    perimeter: step.perimeter,
    quotas: options.vieScolaireQuotas,
    // A homework ticked done upstream: every router forgets the pupil's and their guardians' cached answers.
    answersChanged: (pupilId) => announceChangeAbout(store.store.database, pupilId),
    viewerContextKey: step.key,
    // A subgraph on a free port (tests, the benchmark's backends) gets a free metrics port too.
    metrics: { registry: metrics, ...metricsListenerFromEnv(process.env), ...(step.portOf('vie-scolaire') === 0 ? { port: 0 } : {}) },
    log: log.child({ component: 'vie-scolaire' }),
    port: step.portOf('vie-scolaire'),
    today: options.today,
  });
  step.started.push(subgraph);
  return { standins, upstreams, outbox, subgraph, client, metrics, observeFreshReads };
}

/**
 * The notifications: a mail relay and an SMS gateway of our own (nothing leaves the machine; each
 * mail is also written to `dataDir/mail` as an `.eml` file), and the worker that polls the schools'
 * systems, decides who hears what, and delivers. Its metrics join the vie scolaire subgraph's.
 */
async function startNotifications(
  step: StepContext,
  store: EmbeddedStore,
  academie: EmbeddedAcademie,
  vieScolaire: { client: VieScolaireClient; metrics: Registry; observeFreshReads: (observer: (answer: FreshAnswer) => void) => void },
  portalUrl: string,
) {
  const { options, log } = step;
  const mailFolder = join(options.dataDir, 'mail');
  const smtp = await startSmtpStandin({ port: options.smtpPort ?? DEFAULT_SMTP_PORT, folder: mailFolder });
  step.started.push(smtp);
  const smsKey = randomBytes(24).toString('base64url');
  const smsGateway = await startSmsGatewayStandin({ port: options.smsGatewayPort ?? DEFAULT_SMS_GATEWAY_PORT, apiKey: smsKey });
  step.started.push(smsGateway);
  const config: NotificationsConfig = {
    ...notificationsConfigFromEnv(step.env),
    mail: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'ENT <ne-pas-repondre@ent.localhost>' },
    sms: { endpoint: smsGateway.url, apiKey: smsKey, sender: 'ENT' },
    ...options.notifications?.config,
  };
  const worker = await startNotificationWorker({
    database: store.store.database,
    client: vieScolaire.client,
    directory: academie.directory,
    perimeter: step.perimeter,
    config,
    portalUrl,
    metrics: vieScolaire.metrics,
    log: log.child({ component: 'notifications' }),
    ...(options.notifications?.clock ? { clock: options.notifications.clock } : {}),
    // The detector polls the stand-ins on its own only where asked (`npm start`): a test or the
    // benchmark counting upstream calls, or breaking a school's system on purpose, sees only its own.
    schedule: options.notifications?.schedule ?? { tickMs: 5_000, detect: false },
    ...(options.notifications?.jobPollingSeconds ? { jobPollingSeconds: options.notifications.jobPollingSeconds } : {}),
  });
  step.started.push({ close: () => worker.close() });
  // The subgraph's reads and the detector share one client: a guardian's fresh read asks for an early poll.
  if (worker.noteFreshRead) vieScolaire.observeFreshReads(worker.noteFreshRead);
  return { worker, smtp, smsGateway, mailFolder, client: vieScolaire.client, config, perimeter: step.perimeter };
}

/** The router over the subgraphs, with the hub's stores, login through the embedded providers, and linking to the directory. */
async function startHubRouter(
  step: StepContext,
  routerConfig: RouterConfig,
  store: EmbeddedStore,
  academie: EmbeddedAcademie,
  answerChanges: AnswerChanges,
  subgraphUrls: Record<string, string>,
  providers: IdentityProviderConfig[],
): Promise<HubRouter> {
  return startRouter(
    {
      ...routerConfig,
      supergraphPath: SUPERGRAPH_PATH,
      port: step.options.routerPort ?? routerConfig.port,
      subgraphUrls,
      // The one-time download links of data exports, on the hub's origin (unless configured otherwise).
      passThroughRoutes: routerConfig.passThroughRoutes ?? [
        { prefix: DATA_EXPORT_ROUTE_PREFIX, subgraph: 'identity' },
        { prefix: ATTACHMENT_ROUTE_PREFIX, subgraph: 'communication' },
      ],
      ...step.options.routerOverrides,
    },
    step.log.child({ component: 'router' }),
    {
      sessions: store.store.sessions,
      auditStore: store.store.journal,
      readinessChecks: { database: store.store.readiness },
      login: directoryLogin(() => providers, academie.directory),
      answerChanges,
    },
  );
}

/**
 * The two embedded OpenID providers (EduConnect for pupils and guardians, the académie's agents for
 * staff), with an account for every person; fills `providers`, which the router reads lazily.
 * Returns every person's demo login.
 */
async function startIdentityProviders(
  step: StepContext,
  academie: EmbeddedAcademie,
  router: HubRouter,
  providers: IdentityProviderConfig[],
): Promise<DemoLogin[]> {
  const { options } = step;
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
  const routerUrls = [router.publicUrl, ...(options.extraRouterUrls ?? [])];
  for (const idp of idps) {
    const idpServer = await startIdentityProvider({
      label: idp.label,
      port: idpPorts[idp.id],
      accounts: [...accounts[idp.id], ...(options.extraAccounts?.[idp.id] ?? [])],
      clients: [
        {
          clientId: 'ent-hub',
          clientSecret,
          redirectUris: routerUrls.map((u) => `${u}/auth/callback`),
          postLogoutRedirectUris: routerUrls.map((u) => `${u}/auth/logged-out`),
          backchannelLogoutUri: `${router.publicUrl}/auth/backchannel-logout/${idp.id}`,
        },
      ],
      log: step.log.child({ component: `idp-${idp.id}` }),
    });
    step.started.push(idpServer);
    providers.push({
      ...idp,
      issuer: idpServer.issuer,
      clientId: 'ent-hub',
      clientSecret,
      // No offline_access: the hub keeps no provider refresh token (it never used one).
      scopes: ['openid', 'profile', 'email'],
    });
  }
  return logins;
}

/** What runs where, as `npm start` prints it. */
function describeServices(
  router: HubRouter,
  subgraphUrls: Record<string, string>,
  gar: EmbeddedGar,
  vieScolaire: { standins: RunningVieScolaire[]; subgraph: { metricsUrl?: string } },
  providers: IdentityProviderConfig[],
  notifications: { smtp: RunningSmtpStandin; smsGateway: RunningSmsGatewayStandin; mailFolder: string },
): ServiceInfo[] {
  return [
    { name: 'router', url: `${router.publicUrl}/graphql`, role: 'the one graph (GraphiQL in a browser); login at /auth/login' },
    { name: 'metrics', url: router.metricsUrl, role: 'Prometheus metrics (a loopback listener of its own; ROUTER_METRICS_PORT)' },
    { name: 'directory', url: subgraphUrls.directory!, role: 'subgraph: schools, classes, people (AAF)' },
    { name: 'identity', url: subgraphUrls.identity!, role: 'subgraph: the viewer, sessions, login history' },
    { name: 'resources', url: subgraphUrls.resources!, role: 'subgraph: GAR digital resources' },
    { name: 'vie-scolaire', url: subgraphUrls['vie-scolaire']!, role: 'subgraph: grades, absences, homework, timetable' },
    { name: 'communication', url: subgraphUrls.communication!, role: 'subgraph: messages, read receipts, the cahier de liaison' },
    ...(vieScolaire.subgraph.metricsUrl
      ? [
          {
            name: 'vie-scolaire metrics',
            url: vieScolaire.subgraph.metricsUrl,
            role: 'Prometheus metrics of the vie scolaire subgraph: breakers per school (VIE_SCOLAIRE_METRICS_PORT)',
          },
        ]
      : []),
    { name: 'gar', url: gar.standin.url, role: 'stand-in GAR (mutual TLS; learns people from the export)' },
    ...vieScolaire.standins.map((s) => ({ name: `pronote ${s.uai}`, url: s.url, role: 'stand-in vie scolaire system of one school' })),
    {
      name: 'smtp',
      url: notifications.smtp.url,
      role: `stand-in mail relay: each mail the notifications send is written to ${notifications.mailFolder} as .eml`,
    },
    { name: 'sms gateway', url: notifications.smsGateway.url, role: 'stand-in SMS gateway: open it in a browser to see the SMS sent' },
    ...providers.map((p) => ({ name: `idp ${p.id}`, url: p.issuer, role: `stand-in identity provider: ${p.label}` })),
  ];
}
