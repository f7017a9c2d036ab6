/**
 * `npm run bench`: what the router costs under the Monday-morning mix, on this machine, loopback only.
 *
 * Processes: the backends (subgraphs, stand-ins with BENCH_LATENCY_MS of upstream latency, identity
 * providers), three routers — (a) the hub's, (b) the same runtime bare, (c) @apollo/gateway — and,
 * for each measurement, an open-loop load generator (bench/load.ts). Phases, per repetition:
 *   1. upstream calls per operation on (a);
 *   2. each router at the same fixed arrival rate (BENCH_RATE), below saturation: router CPU per
 *      request, latencies, memory — the primary figure;
 *   3. saturation: the router under test pinned to one core, everything else to the other(s), an
 *      arrival-rate ramp until a step fails.
 * Writes bench/results/latest.{json,md,svg} and prints the markdown. docs/performance.md explains it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import type { AcademieOptions } from '../tooling/academie/academie.ts';
import { academieOfSize } from '../tooling/academie/write-academie.ts';
import { databaseConfigFromEnv, openDatabase } from '../store/database.ts';
import { PostgresDirectory } from '../store/directory/postgres-directory.ts';
import { createLogger } from '../lib/logger.ts';
import { linkLogin } from '../connectors/sso/linking.ts';
import type { IdentityProviderConfig } from '../connectors/sso/provider-config.ts';
import { loginFlow } from '../hub/login-flow.ts';
import { signViewerContext, viewerContextKey } from '../lib/viewer-context.ts';
import { DEFAULT_AUTHORIZATION_PATH, loadAuthorizationConfig } from '../router/authz/authorization-config.ts';
import { viewerOfSession } from '../router/plugins/use-authentication.ts';
import { PROJECT_ROOT, startTsProcess, type ChildHandle } from '../test/helpers/child-process.ts';
import { AS_DEPLOYED } from './deployed-subgraphs.ts';
import { benchAafImport } from './aaf-import.ts';
import type { BenchPeople } from './people.ts';
import { arrivalsIn, highestRateHeld, parseRates, whyNotHeld } from './arrival.ts';
import { renderLatencyChart } from './chart.ts';
import type { LoadResult, LoadSpec } from './load.ts';
import { measureRateDependence } from './machine-check.ts';
import { allowedCpus, findProcess, pinProcesses, processTree, readCommandLine } from './proc.ts';
import {
  markdown,
  ROUTER_IDS,
  ROUTERS,
  STAND_INS,
  summarize,
  TARGETS,
  type BenchReport,
  type FixedRateRun,
  type Pinning,
  type RampRun,
  type RouterId,
} from './report.ts';
import { round } from './stats.ts';
import { BENCH_TODAY, type BenchUser, type OperationKind } from './workload.ts';

/** A number from the environment, or its default; anything else is a mistake said at once. */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`bench: ${name} must be a positive number, got "${raw}"`);
  return value;
}

// BENCH_QUICK=1: one repetition and short windows, to check the harness end to end (noisy figures).
const QUICK = process.env.BENCH_QUICK === '1';
const RATE = envNumber('BENCH_RATE', 60);
const CONFIG = {
  latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 50),
  repetitions: envNumber('BENCH_REPETITIONS', QUICK ? 1 : 3),
  rate: RATE,
  warmupMs: envNumber('BENCH_WARMUP_MS', QUICK ? 2000 : 5000),
  windowMs: envNumber('BENCH_WINDOW_MS', QUICK ? 5000 : 20_000),
  ramp: parseRates(process.env.BENCH_RAMP ?? (QUICK ? '50,100,200,300,400,600' : '50,100,150,200,250,300,350,400,500,600,800')),
  rampWarmupMs: envNumber('BENCH_RAMP_WARMUP_MS', 1000),
  rampStepMs: envNumber('BENCH_RAMP_STEP_MS', QUICK ? 3000 : 5000),
  maxInFlight: envNumber('BENCH_MAX_IN_FLIGHT', 256),
  lateAfterMs: envNumber('BENCH_LATE_MS', 25),
  requestTimeoutMs: envNumber('BENCH_REQUEST_TIMEOUT_MS', 10_000),
  skipRamp: process.env.BENCH_SKIP_RAMP === '1',
  skipAaf: QUICK || process.env.BENCH_SKIP_AAF === '1',
  skipUncached: process.env.BENCH_SKIP_UNCACHED === '1',
  /**
   * The rate of phases 4 and 5, (a) with its response cache off; the routers' rate by default, so
   * that (a) without its cache compares with (b) and (c). Every request then reaches the subgraphs,
   * and the whole hub (its processes' CPU per request is measured there) shares the machine's cores
   * with the load generator and the stand-ins: on 2 cores, 60 req/s keeps the machine near
   * saturation, and a lower rate measures latency away from it (docs/performance.md).
   */
  aloneRate: envNumber('BENCH_ALONE_RATE', RATE),
  /** People of the large académie (a) is measured with again; 0 skips it (quick mode's default). */
  academiePeople: process.env.BENCH_ACADEMIE_PEOPLE === '0' || (QUICK && !process.env.BENCH_ACADEMIE_PEOPLE) ? 0 : envNumber('BENCH_ACADEMIE_PEOPLE', 100_000),
};
/** A port the OS says is free now: fixed ports would collide with another benchmark on the machine. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
// Router (a)'s address must be known before the backends start (the identity providers register
// its callback), so its port is chosen up front, with the stats port. (b) and (c) take any free port
// when they start, and say which: a port chosen here could be taken by the backends meanwhile (it was).
const PORTS = { a: await freePort(), stats: await freePort() };
const execFileAsync = promisify(execFile);

const secret = randomBytes(32).toString('base64url');
const dataDir = join(PROJECT_ROOT, '.hub-data', 'bench-run');
const env = {
  HUB_VIEWER_CONTEXT_SECRET: secret,
  HUB_DATA_DIR: dataDir,
  HUB_LOG_LEVEL: 'warn',
  BENCH_STATS_URL: `http://127.0.0.1:${PORTS.stats}`,
  BENCH_TODAY,
};
const processes: ChildHandle[] = [];
const stop = () => processes.forEach((p) => p.child.kill('SIGTERM'));
process.once('exit', stop);

const ready = async (entry: string, extra: Record<string, string>) => {
  const proc = startTsProcess(entry, [], { ...env, ...extra });
  processes.push(proc);
  const line = await proc.waitFor((l) => l.ready === true, 120_000);
  return { proc, url: line.url as string | undefined, metricsUrl: line.metricsUrl as string | undefined };
};
const backendStats = async () =>
  (await (await fetch(env.BENCH_STATS_URL)).json()) as {
    providers: IdentityProviderConfig[];
    databaseUrl: string;
    upstream: { vieScolaireRequests: number; garRequests: number };
    /** The backends' longest event-loop delay since the previous read (ms). */
    eventLoopMaxMs: number;
    cache: { vieScolaireHits: number; vieScolaireMisses: number; garCalls: number };
  };

function load(spec: LoadSpec): Promise<LoadResult> {
  const file = join(tmpdir(), `bench-spec-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return execFileAsync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/load.ts'), file], { cwd: PROJECT_ROOT, maxBuffer: 1 << 24 })
    .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult)
    .finally(() => rmSync(file, { force: true }));
}

type LoadOptions = Omit<LoadSpec, 'url' | 'users' | 'maxInFlight' | 'lateAfterMs' | 'requestTimeoutMs'>;

/** The backends and routers of one measurement, with the people logged in on (a). */
interface BenchSetup {
  withUsers(id: RouterId, spec: LoadOptions): Promise<LoadResult>;
  routerPid(id: RouterId): number;
  /** Router (a)'s response cache lookups so far, by result (its /metrics). */
  responseCacheLookups(): Promise<{ hit: number; miss: number; bypass: number }>;
  /** The people logged in on (a) whose operations make the load. */
  loggedIn: number;
  /** Router (a)'s time from start to ready (ms). */
  startToReadyMs: number;
  /** People in the académie the backends serve. */
  people: number;
  /** With the subgraphs deployed apart: the hub's other processes by name (`deployedProcesses`). */
  processes?: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * The processes of a setup whose subgraphs run apart, by name: each subgraph (`subgraphs/NAME/main.ts`,
 * children of the backends' process), PostgreSQL (its server, found by its port: it runs as its own
 * user, outside that process's tree; its workers are its descendants) and the stand-ins (the
 * backends' own process).
 */
function deployedProcesses(backendPid: number, databaseUrl: string): Record<string, number> {
  const named: Record<string, number> = { [STAND_INS]: backendPid };
  for (const pid of processTree(backendPid).slice(1)) {
    const subgraph = /subgraphs\/([\w-]+)\/main\.ts/.exec(readCommandLine(pid))?.[1];
    if (subgraph) named[subgraph] = pid;
  }
  const port = new URL(databaseUrl).port || '5432';
  const server = findProcess((commandLine) => /(^|\/)postgres /.test(commandLine) && commandLine.includes(` -p ${port} `));
  if (server) named.postgres = server;
  return named;
}

/**
 * Starts the backends on `academie` (the demo's when undefined) in `dataDir`, then the routers named
 * (a first, b, c one after the other), and logs the benchmark's people in on (a): guardians with
 * children, pupils, teachers; as (a) would see them, signed viewer contexts for (b) and (c).
 */
async function startSetup(options: {
  dataDir: string;
  academie?: AcademieOptions;
  routerIds: readonly RouterId[];
  /** Router (a)'s own variables (its response cache off). */
  routerAEnv?: Record<string, string>;
  /** The subgraphs the mix reaches in processes of their own, as deployed (bench/deployed-subgraphs.ts). */
  deployedSubgraphs?: boolean;
}): Promise<BenchSetup> {
  const own: ChildHandle[] = [];
  const extraEnv = { HUB_DATA_DIR: options.dataDir };
  const start = async (entry: string, extra: Record<string, string>) => {
    const started = await ready(entry, { ...extraEnv, ...(entry.startsWith('bench/router-') ? AS_DEPLOYED : {}), ...extra });
    own.push(started.proc);
    return started;
  };
  rmSync(options.dataDir, { recursive: true, force: true });
  console.error(`bench: backends (upstream latency ${CONFIG.latencyMs} ms${options.academie ? `, académie of ${CONFIG.academiePeople} people` : ''})…`);
  const backend = await start('bench/backend.ts', {
    BENCH_LATENCY_MS: String(CONFIG.latencyMs),
    BENCH_STATS_PORT: String(PORTS.stats),
    BENCH_ROUTER_URLS: `http://localhost:${PORTS.a}`,
    // With the académie, the settle step's full garbage collection (POST /settle) needs --expose-gc.
    ...(options.academie
      ? { BENCH_ACADEMIE: JSON.stringify(options.academie), NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' ') }
      : {}),
    ...(options.deployedSubgraphs ? { BENCH_DEPLOYED_SUBGRAPHS: '1' } : {}),
  });

  console.error('bench: routers…');
  const startedAt = performance.now();
  const a = await start('bench/router-a.ts', { BENCH_PORT: String(PORTS.a), ...options.routerAEnv });
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${PORTS.a}/ready`).catch(() => undefined);
    if (r?.ok) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const startToReadyMs = Math.round(performance.now() - startedAt);
  const routers: Partial<Record<RouterId, { proc: ChildHandle; url: string }>> = { a: { proc: a.proc, url: a.url! } };
  // One after the other, in the order given.
  for (const id of options.routerIds.filter((r) => r !== 'a')) {
    const started = await start(`bench/router-${id}.ts`, { BENCH_PORT: '0' });
    routers[id] = { proc: started.proc, url: started.url!.endsWith('/graphql') ? started.url! : `${started.url!.replace(/\/$/, '')}/graphql` };
  }

  const { providers, databaseUrl } = await backendStats();
  const database = await openDatabase(databaseConfigFromEnv(process.env, databaseUrl), createLogger('bench-store', 'warn'));
  const directory = new PostgresDirectory(database.db);
  if (options.academie) {
    // As in the morning after a night's import: the bulk load's tables vacuumed and its pages written,
    // not vacuumed and checkpointed under the peak's load (in one run, the first windows after the
    // import had a guardian p95 of 130 and 64 ms, the third 18 ms like the demo's); the import's
    // garbage collected in the stand-ins' process, not left to a major collection of its 1 GB heap
    // under the peak's load (an effect on the remaining stalls is not shown).
    console.error('bench: settling the database and the stand-ins after the import (VACUUM ANALYZE, CHECKPOINT, a full garbage collection)…');
    for (const statement of ['VACUUM (ANALYZE) directory_entries, directory_links', 'CHECKPOINT']) {
      await database.pool.query(statement).catch((error: Error) => console.error(`bench: ${statement} refused (${error.message}); measuring anyway`));
    }
    await fetch(`${env.BENCH_STATS_URL}/settle`, { method: 'POST' });
  }
  const { people, peopleInAcademie } = (await (await fetch(`${env.BENCH_STATS_URL}/people`)).json()) as BenchPeople;
  console.error(`bench: logging ${people.length} people in…`);
  const key = viewerContextKey(secret);
  const prepared = await Promise.all(
    people.map(async ({ login: l, kind, email, variables }) => {
      const result = await loginFlow({ routerUrl: `http://localhost:${PORTS.a}`, idp: l.idp, login: l.login, password: l.password, transport: 'bearer' });
      if (result.kind !== 'bearer')
        throw new Error(
          `bench login ${l.login} refused${result.kind === 'refused' ? `: HTTP ${result.status} ${result.body.slice(0, 300)}` : ` (${result.kind})`}`,
        );
      const provider = providers.find((p) => p.id === l.idp)!;
      const claims =
        l.idp === 'educonnect'
          ? { FrEduCtRefId: [`{AAF}PAR||${l.personId}`], FrEduCtPersonAffiliation: [kind === 'pupil' ? 'eleve2d' : 'resp2d'] }
          : { email, email_verified: true };
      const linked = await linkLogin(claims, provider, directory);
      return {
        kind,
        token: result.token,
        viewer: viewerOfSession(
          { id: 'bench', ...linked, idp: l.idp, idpSubject: 'x', createdAt: 0, lastSeenAt: 0, transport: 'bearer' },
          loadAuthorizationConfig(DEFAULT_AUTHORIZATION_PATH).scopes,
        ),
        variables,
      };
    }),
  );
  await database.close();
  const usersFor = async (id: RouterId): Promise<BenchUser[]> =>
    // (a) authenticates a session token; (b) and (c) forward the viewer context they are given.
    Promise.all(
      prepared.map(async (p): Promise<BenchUser> => ({
        kind: p.kind,
        variables: p.variables,
        headers: id === 'a' ? { authorization: `Bearer ${p.token}` } : { 'x-hub-viewer': await signViewerContext(p.viewer, key, `bench-${p.kind}`) },
      })),
    );
  const routerOf = (id: RouterId) => {
    const router = routers[id];
    if (!router) throw new Error(`bench: router (${id}) was not started in this setup`);
    return router;
  };
  return {
    withUsers: async (id, spec) =>
      load({
        url: routerOf(id).url,
        users: await usersFor(id), // fresh viewer contexts for each run (they live 60 s)
        maxInFlight: CONFIG.maxInFlight,
        lateAfterMs: CONFIG.lateAfterMs,
        requestTimeoutMs: CONFIG.requestTimeoutMs,
        ...spec,
      }),
    routerPid: (id) => routerOf(id).proc.child.pid!,
    loggedIn: prepared.length,
    responseCacheLookups: async () => responseCacheLookupsIn(await (await fetch(a.metricsUrl!)).text()),
    startToReadyMs,
    people: peopleInAcademie,
    ...(options.deployedSubgraphs ? { processes: deployedProcesses(backend.proc.child.pid!, databaseUrl) } : {}),
    stop: async () => {
      for (const proc of own) proc.child.kill('SIGTERM');
      await Promise.all(own.map((proc) => proc.exited));
    },
  };
}

/** `hub_router_response_cache_lookups_total` by result, from a Prometheus text page. */
function responseCacheLookupsIn(page: string): { hit: number; miss: number; bypass: number } {
  const count = (result: string) => Number(new RegExp(`^hub_router_response_cache_lookups_total\\{result="${result}"\\} (\\d+)`, 'm').exec(page)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

async function main() {
  // Other work on the machine shows here first (the CPU figure does not depend on it; the ramp does).
  const loadAverageAtStart = loadavg();
  // Before anything else runs: what the same work costs this machine at the fixed rate and at the ramp's top.
  const routerCore = allowedCpus()?.at(-1);
  const rateDependence = await measureRateDependence([CONFIG.rate, Math.max(CONFIG.rate, ...CONFIG.ramp.filter((r) => r <= 400))], routerCore).catch(
    (error: unknown) => {
      console.error(`bench: machine check failed (${error instanceof Error ? error.message : String(error)}); going on without it`);
      return undefined;
    },
  );
  if (rateDependence) console.error(`bench: the same work costs ${rateDependence.steps.map((s) => `${s.cpuMsPerOp} ms at ${s.rate}/s`).join(', ')}`);
  const setup = await startSetup({ dataDir, routerIds: ROUTER_IDS });
  const { withUsers, routerPid } = setup;

  // Each repetition visits the routers in another order, so a drift of the machine does not always
  // land on the same one.
  const orderOf = (repetition: number) => ROUTER_IDS.map((_, i) => ROUTER_IDS[(i + repetition - 1) % ROUTER_IDS.length]!);

  const upstreamCallsPerOperation: BenchReport['upstreamCallsPerOperation'] = [];
  const fixedRuns: FixedRateRun[] = [];
  for (let repetition = 1; repetition <= CONFIG.repetitions; repetition++) {
    // Upstream calls per operation, on (a): each operation alone.
    const calls: Partial<Record<OperationKind, number>> = {};
    for (const only of ['guardian', 'pupil', 'teacher'] as const) {
      const phase = { rate: 20, warmupMs: 500, durationMs: QUICK ? 2000 : 3000 };
      // A first pass fills the caches (the vie scolaire cache among them) for these people; the
      // second is counted: what an operation costs the upstreams in the steady state.
      await withUsers('a', { ...phase, only });
      const before = await backendStats();
      const result = await withUsers('a', { ...phase, only });
      const after = await backendStats();
      const upstream = after.upstream.vieScolaireRequests - before.upstream.vieScolaireRequests + after.upstream.garRequests - before.upstream.garRequests;
      // Warm-up requests reached the upstreams too: divide by every request sent.
      const sent = arrivalsIn(phase.warmupMs + phase.durationMs, phase.rate) - result.dropped;
      calls[only] = round(upstream / sent, 2);
    }
    upstreamCallsPerOperation.push(calls);

    for (const id of orderOf(repetition)) {
      console.error(`bench: #${repetition} ${ROUTERS[id]} at ${CONFIG.rate} req/s…`);
      const before = await backendStats();
      const lookupsBefore = id === 'a' ? await setup.responseCacheLookups() : undefined;
      const result = await withUsers(id, { rate: CONFIG.rate, warmupMs: CONFIG.warmupMs, durationMs: CONFIG.windowMs, routerPid: routerPid(id) });
      const after = await backendStats();
      const hits = after.cache.vieScolaireHits - before.cache.vieScolaireHits;
      const misses = after.cache.vieScolaireMisses - before.cache.vieScolaireMisses;
      const lookups = lookupsBefore && (await setup.responseCacheLookups());
      // Over the warm-up and the window: every lookup of (a) in this run.
      const answered =
        lookups && lookupsBefore
          ? {
              hit: lookups.hit - lookupsBefore.hit,
              all: lookups.hit + lookups.miss + lookups.bypass - lookupsBefore.hit - lookupsBefore.miss - lookupsBefore.bypass,
            }
          : undefined;
      fixedRuns.push({
        repetition,
        router: id,
        result,
        ...(id === 'a' ? { cacheHitRatePercent: round((hits / Math.max(1, hits + misses)) * 100) } : {}),
        ...(answered ? { responseCacheHitRatePercent: round((answered.hit / Math.max(1, answered.all)) * 100) } : {}),
      });
      console.error(
        `  ${result.router?.cpuMsPerRequest} ms CPU/request, ${result.throughput} req/s answered, guardian p99 ${result.operations.guardian?.p99} ms, errors ${result.errors}, dropped ${result.dropped}${result.firstError ? ` (${result.firstError.slice(0, 160)})` : ''}`,
      );
      if (result.errors || result.dropped || result.throughput < 0.95 * CONFIG.rate)
        console.error(`  warning: (${id}) did not keep up with ${CONFIG.rate} req/s: BENCH_RATE is not below its saturation here`);
    }
  }

  let saturation: BenchReport['saturation'];
  if (!CONFIG.skipRamp) {
    const allowed = allowedCpus();
    const pinning: Pinning = !allowed
      ? { skipped: 'taskset (util-linux) not found' }
      : allowed.length < 2
        ? { skipped: `only ${allowed.length} CPU available to the benchmark` }
        : { routerCpus: [allowed.at(-1)!], otherCpus: allowed.slice(0, -1) };
    if ('skipped' in pinning) console.error(`bench: saturation without pinning: ${pinning.skipped}`);
    const rampRuns: RampRun[] = [];
    for (let repetition = 1; repetition <= CONFIG.repetitions; repetition++) {
      for (const id of orderOf(repetition)) {
        if (!('skipped' in pinning)) {
          // Everything of the benchmark (this process, so the load generators it starts, the backends
          // and their PostgreSQL, the idle routers) on the other core(s); the router under test alone.
          pinProcesses(processTree(process.pid), pinning.otherCpus);
          pinProcesses(processTree(routerPid(id)), pinning.routerCpus);
        }
        console.error(`bench: #${repetition} ${ROUTERS[id]}, ramp${'skipped' in pinning ? ' (not pinned)' : ` on CPU ${pinning.routerCpus.join(',')}`}…`);
        const steps: LoadResult[] = [];
        let stopReason: string | undefined;
        for (const rate of CONFIG.ramp) {
          const step = await withUsers(id, { rate, warmupMs: CONFIG.rampWarmupMs, durationMs: CONFIG.rampStepMs, routerPid: routerPid(id) });
          steps.push(step);
          stopReason = whyNotHeld(outcome(step), TARGETS.p99LimitMs);
          console.error(
            `  ${rate} req/s: guardian p99 ${step.operations.guardian?.p99} ms, p50 ${step.all.p50} ms, errors ${step.errors}, dropped ${step.dropped}, late ${step.late}${stopReason ? ` → stop: ${stopReason}` : ''}`,
          );
          if (stopReason) break;
        }
        rampRuns.push({
          repetition,
          router: id,
          steps,
          heldRate: highestRateHeld(steps.map(outcome), TARGETS.p99LimitMs),
          ceilingReached: stopReason === undefined,
          ...(stopReason ? { stopReason } : {}),
        });
      }
    }
    // Back to every allowed CPU for what follows (the large académie, the AAF import).
    if (allowed && !('skipped' in pinning)) pinProcesses(processTree(process.pid), allowed);
    saturation = { pinning, rates: CONFIG.ramp, warmupSeconds: CONFIG.rampWarmupMs / 1000, stepSeconds: CONFIG.rampStepMs / 1000, runs: rampRuns };
  }
  await setup.stop();

  // Without its response cache, every request of (a) reaches the subgraphs: what the plugins cost
  // then, and what the académie phase compares with (it runs without the cache too).
  const withoutCache = { ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS: '0' };
  /** (a) alone on a setup of its own: warmed for two windows as (a) was above, then `repetitions` windows. */
  const aloneRuns = async (alone: BenchSetup, label: string, rate: number): Promise<LoadResult[]> => {
    // Warm as the demo's (a) was when measured (the upstream-calls phase and the other routers' runs
    // came first): the same mix, unmeasured, for twice a window. Without it the first windows pay
    // for a backend just started (cold database pages, caches, code): a p95 of 350 ms, then 106, then 18.
    console.error(`bench: warming the backends for ${label}…`);
    await alone.withUsers('a', { rate, warmupMs: 0, durationMs: 2 * CONFIG.windowMs });
    const runs: LoadResult[] = [];
    for (let repetition = 1; repetition <= CONFIG.repetitions; repetition++) {
      console.error(`bench: #${repetition} ${label} at ${rate} req/s…`);
      await backendStats(); // from here: the window's own stalls
      const result = await alone.withUsers('a', {
        rate,
        warmupMs: CONFIG.warmupMs,
        durationMs: CONFIG.windowMs,
        routerPid: alone.routerPid('a'),
        processes: alone.processes,
      });
      const { eventLoopMaxMs } = await backendStats();
      console.error(
        `  ${result.router?.cpuMsPerRequest} ms CPU/request, guardian p50 ${result.operations.guardian?.p50} ms, p99 ${result.operations.guardian?.p99} ms, errors ${result.errors}, the backends' event loop held up to ${eventLoopMaxMs} ms`,
      );
      if (result.processes)
        console.error(
          `  CPU ms/request of the other processes: ${Object.entries(result.processes)
            .map(([name, ms]) => `${name} ${ms}`)
            .join(', ')}`,
        );
      runs.push(result);
    }
    return runs;
  };
  let uncached: BenchReport['uncached'];
  if (!CONFIG.skipUncached) {
    const alone = await startSetup({ dataDir: `${dataDir}-uncached`, routerIds: ['a'], routerAEnv: withoutCache, deployedSubgraphs: true });
    uncached = { runs: await aloneRuns(alone, `${ROUTERS.a}, response cache off`, CONFIG.aloneRate) };
    await alone.stop();
  }

  // (a) again with a large académie in the directory: does latency grow with the académie's size?
  let academie: BenchReport['academie'];
  if (CONFIG.academiePeople) {
    const large = await startSetup({
      dataDir: `${dataDir}-academie`,
      academie: academieOfSize(CONFIG.academiePeople),
      routerIds: ['a'],
      deployedSubgraphs: true,
      ...(CONFIG.skipUncached ? {} : { routerAEnv: withoutCache }),
    });
    // Compared with phase 4's runs at its rate, or, without phase 4, with (a)'s at the routers' rate.
    const runs = await aloneRuns(
      large,
      `${ROUTERS.a} with ${large.people} people${CONFIG.skipUncached ? '' : ', response cache off'}`,
      CONFIG.skipUncached ? CONFIG.rate : CONFIG.aloneRate,
    );
    academie = { demoPeople: setup.people, people: large.people, runs };
    await large.stop();
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine: { cores: cpus().length, node: process.version, loadAverageAtStart, ...(rateDependence ? { rateDependence } : {}) },
    upstreamLatencyMs: CONFIG.latencyMs,
    repetitions: CONFIG.repetitions,
    routerStartToReadyMs: setup.startToReadyMs,
    loggedInPeople: setup.loggedIn,
    fixedRate: { rate: CONFIG.rate, warmupSeconds: CONFIG.warmupMs / 1000, windowSeconds: CONFIG.windowMs / 1000, runs: fixedRuns },
    saturation,
    upstreamCallsPerOperation,
    aafImport: CONFIG.skipAaf ? undefined : await benchAafImport(100_000),
    academie,
    uncached,
  };
  const summary = summarize(report);
  const md = markdown(report, summary);
  const svg = await renderLatencyChart(
    (saturation?.runs ?? []).flatMap((run) =>
      run.steps.map((step) => ({ router: ROUTERS[run.router], rate: step.rate, p50: step.all.p50, p99: step.all.p99 })),
    ),
    TARGETS.p99LimitMs,
    `Latency of the Monday mix against offered rate${saturation && !('skipped' in saturation.pinning) ? ', router on one core' : ''}`,
  );
  const results = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'latest.json'), `${JSON.stringify({ ...report, summary }, null, 2)}\n`);
  writeFileSync(join(results, 'latest.md'), md);
  writeFileSync(join(results, 'latest.svg'), svg);
  process.stdout.write(md);
}

/** What the ramp's stop rule looks at in a step: the guardian dashboard's p99 is the target's. */
const outcome = (step: LoadResult) => ({
  rate: step.rate,
  errors: step.errors,
  dropped: step.dropped,
  p99Ms: step.operations.guardian?.p99 ?? Number.POSITIVE_INFINITY,
});

main()
  .then(() => {
    stop();
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    stop();
    process.exit(1);
  });
