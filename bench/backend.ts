/**
 * The benchmark's backends, in their own process: the embedded hub's subgraphs, stand-ins and
 * identity providers (its own router is unused under load). Upstream latency from BENCH_LATENCY_MS.
 * Serves its counters as JSON on BENCH_STATS_PORT, so the orchestrator can read upstream calls and
 * cache hits per phase.
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { constants, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '../lib/logger.ts';
import { exitOnSignal } from '../lib/shutdown.ts';
import { startEmbeddedHub } from '../hub/embedded-hub.ts';
import type { AcademieOptions } from '../tooling/academie/academie.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { startDeployedSubgraphs } from './deployed-subgraphs.ts';
import { benchPeople } from './people.ts';

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
    ? await startDeployedSubgraphs(hub, {
        dataDir: process.env.HUB_DATA_DIR!,
        databaseUrl: hub.store.databaseUrl,
        label: process.env.BENCH_ACADEMIE ? 'academie' : 'demo',
      })
    : undefined;
// With the subgraphs deployed apart, this process is left playing other machines (the schools'
// systems, the GAR, the identity providers) beside the embedded hub's parts the mix does not reach.
// The stand-ins keep the académie in memory, and each major garbage collection of that heap (V8's
// helper threads marking 1 to 1.5 GB: a core for a second or two) took the 2-core machine's CPU from
// the hub under test: every subgraph's answers waited at once. At the lowest priority they run on
// what the hub leaves. Only this process's own threads: PostgreSQL and the deployed subgraphs,
// started before, keep theirs; threads started later inherit it.
if (deployed) lowerOwnPriority();

function lowerOwnPriority() {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    // Not Linux: the whole process, as other systems apply it.
    setPriority(constants.priority.PRIORITY_LOW);
    return;
  }
  // On Linux a priority is a thread's: each one's, the collector's helpers included.
  for (const tid of threads) setPriority(Number(tid), constants.priority.PRIORITY_LOW);
}

// How long the backends' event loop was held (a garbage collection, a long synchronous task): the
// largest delay since the last read, so a window's stalls can be told from the router's. At the
// lowest priority (deployed subgraphs), it also counts the time this process waited for a CPU the
// hub was using.
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
  // GET /people: whom the mix logs in, demo passwords included (bench/people.ts; this server listens
  // on loopback only, and those passwords are derived from the demo's public seed); anything else: the counters.
  res.end(JSON.stringify(req.url === '/people' ? benchPeople(hub.academie) : stats()));
});
server.listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
shutdown.stopWith(async () => {
  server.close();
  await deployed?.stop();
  await hub.stop();
});
