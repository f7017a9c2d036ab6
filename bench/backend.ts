/**
 * The benchmark's backends, in their own process: the embedded hub's subgraphs, stand-ins and
 * identity providers (its own router is unused under load). Upstream latency from BENCH_LATENCY_MS.
 * Serves its counters as JSON on BENCH_STATS_PORT, so the orchestrator can read upstream calls and
 * cache hits per phase.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '../lib/logger.ts';
import { exitOnSignal } from '../lib/shutdown.ts';
import { startEmbeddedHub } from '../hub/embedded-hub.ts';
import type { AcademieOptions } from '../tooling/academie/academie.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { startDeployedSubgraphs } from './deployed-subgraphs.ts';

const log = createLogger('bench-backend', 'warn');
// Owns the process's signals before anything starts, as every entry point does: the subgraphs'
// Apollo servers register their own SIGTERM handler, which stopped them and killed the process
// before the hub's PostgreSQL was stopped (it outlived every bench run).
const shutdown = exitOnSignal(log, 60_000);
const latency = Number(process.env.BENCH_LATENCY_MS ?? 50);
const hub = await startEmbeddedHub({
  dataDir: process.env.HUB_DATA_DIR!,
  ...FREE_PORTS,
  today: () => process.env.BENCH_TODAY!,
  // BENCH_ACADEMIE: the options of a generated académie (its size) instead of the demo's.
  academie: process.env.BENCH_ACADEMIE ? (JSON.parse(process.env.BENCH_ACADEMIE) as AcademieOptions) : undefined,
  extraRouterUrls: (process.env.BENCH_ROUTER_URLS ?? '').split(',').filter(Boolean),
  log,
});
for (const standin of hub.vieScolaire.standins) standin.faults.latencyMs = latency;
hub.gar.standin.faults.latencyMs = latency;
// BENCH_DEPLOYED_SUBGRAPHS=1: the subgraphs the mix reaches run in their own processes, as deployed
// (bench/deployed-subgraphs.ts says why); the router is given their URLs.
const deployed =
  process.env.BENCH_DEPLOYED_SUBGRAPHS === '1'
    ? await startDeployedSubgraphs(hub, { dataDir: process.env.HUB_DATA_DIR!, databaseUrl: hub.store.databaseUrl })
    : undefined;

// How long the backends' event loop was held (a garbage collection, a long synchronous task): the
// largest delay since the last read, so a window's stalls can be told from the router's.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const eventLoopMaxMsSinceLastRead = () => {
  const maxMs = Math.round(loopDelay.max / 1e6);
  loopDelay.reset();
  return maxMs;
};
const stats = () => ({
  subgraphUrls: deployed?.subgraphUrls ?? hub.subgraphUrls,
  // The routers of the benchmark link logins with the directory in this hub's database (loopback only).
  databaseUrl: hub.store.databaseUrl,
  providers: hub.providers,
  upstream: {
    vieScolaireRequests: hub.vieScolaire.standins.reduce((sum, s) => sum + [...s.requests.values()].reduce((a, b) => a + b, 0), 0),
    garRequests: hub.gar.standin.requests,
  },
  eventLoopMaxMs: eventLoopMaxMsSinceLastRead(),
  cache: { vieScolaireHits: hub.vieScolaire.cache.hits, vieScolaireMisses: hub.vieScolaire.cache.misses, garCalls: hub.gar.client.calls },
});
// POST /settle: a full garbage collection (the backends start with --expose-gc), as the stand-ins'
// process would have collected the import's garbage by the morning after a night's import.
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/settle') collectGarbage?.();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(stats()));
});
server.listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
shutdown.stopWith(async () => {
  server.close();
  await deployed?.stop();
  await hub.stop();
});
