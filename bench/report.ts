/**
 * What `npm run bench` found, as data (bench/results/latest.json) and as the page the README quotes
 * (bench/results/latest.md): medians and ranges over the repetitions, and issue 17's targets, each
 * met or not with its figure. Pure: the orchestrator (bench/run.ts) measures, this only summarizes.
 */
import type { AafImportFigures } from './aaf-import.ts';
import type { LoadResult } from './load.ts';
import type { RateDependence } from './machine-check.ts';
import { formatSpread, round, spread, type Spread } from './stats.ts';
import type { OperationKind } from './workload.ts';

export const ROUTERS = { a: '(a) hub router (auth, authz, audit)', b: '(b) gateway runtime, bare', c: '(c) @apollo/gateway' } as const;
export type RouterId = keyof typeof ROUTERS;
export const ROUTER_IDS = Object.keys(ROUTERS) as RouterId[];
const KINDS: OperationKind[] = ['guardian', 'pupil', 'teacher'];

/** Issue 17's targets. */
export const TARGETS = {
  cpuAOverBMax: 1.15,
  cpuAOverCMax: 1 / 3,
  pinnedRateMin: 400,
  p99LimitMs: 150,
  /**
   * "Latency does not grow with the académie's size": (a)'s guardian p50 and p95 with the large
   * académie loaded stay within this factor of the demo's, or within `academieSlackMs` (a few ms
   * are the noise of a loaded 2-core machine, not growth).
   */
  academieLatencyMaxFactor: 1.2,
  academieSlackMs: 3,
} as const;

export interface FixedRateRun {
  repetition: number;
  router: RouterId;
  result: LoadResult;
  /** Vie scolaire cache hits over hits and misses during the run (percent), on (a). */
  cacheHitRatePercent?: number;
  /** Queries (a) answered from its response cache over all its cache lookups in the run (percent). */
  responseCacheHitRatePercent?: number;
}

export interface RampRun {
  repetition: number;
  router: RouterId;
  steps: LoadResult[];
  /** The highest rate held before the first step that was not; undefined when the first failed. */
  heldRate?: number;
  /** Every step held: the router may hold more than the ramp offered. */
  ceilingReached: boolean;
  stopReason?: string;
}

export type Pinning = { routerCpus: number[]; otherCpus: number[] } | { skipped: string };

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: {
    cores: number;
    node: string;
    loadAverageAtStart: number[];
    /** The same work's CPU at the fixed rate and at the ramp's top rate, on the routers' core (bench/machine-check.ts). */
    rateDependence?: RateDependence;
  };
  upstreamLatencyMs: number;
  repetitions: number;
  routerStartToReadyMs: number;
  /** The people logged in whose operations make the load (each asks about once a second at 60 req/s). */
  loggedInPeople?: number;
  fixedRate: { rate: number; warmupSeconds: number; windowSeconds: number; runs: FixedRateRun[] };
  saturation?: { pinning: Pinning; rates: number[]; warmupSeconds: number; stepSeconds: number; runs: RampRun[] };
  /** Upstream calls per operation on (a), one record per repetition. */
  upstreamCallsPerOperation: Partial<Record<OperationKind, number>>[];
  aafImport?: AafImportFigures;
  /**
   * (a) again at the same fixed rate, with a large académie in the directory (BENCH_ACADEMIE_PEOPLE):
   * the same people's operations, against the demo académie's runs above.
   */
  academie?: { demoPeople: number; people: number; runs: LoadResult[] };
  /**
   * (a) with its response cache off (`ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS=0`), on backends
   * restarted with the demo académie, at the same fixed rate: what the hub's plugins cost when every
   * request reaches the subgraphs, and the académie phase's baseline (it runs without the cache too,
   * so that the subgraphs answer every request and the académie's size would show).
   */
  uncached?: { runs: LoadResult[] };
}

export interface RouterSummary {
  cpuMsPerRequest?: Spread;
  cpuPercent?: Spread;
  throughput?: Spread;
  operations: Partial<Record<OperationKind, { p50?: Spread; p95?: Spread; p99?: Spread }>>;
  errors: number;
  dropped: number;
  late: number;
  rssMb?: Spread;
  peakRssMb?: number;
  /** Every fixed-rate run answered at the offered rate (≥ 95 %) without errors or drops. */
  keptUp: boolean;
  heldRate?: Spread;
  ceilingReached: boolean;
}

export type TargetStatus = 'met' | 'not met' | 'not measured';
export interface TargetVerdict {
  target: string;
  required: boolean;
  figure: string;
  status: TargetStatus;
}

/** One router's runs of a phase of its own: CPU per request and guardian latencies. */
export interface AloneSummary {
  cpuMsPerRequest?: Spread;
  /** CPU per request of the hub's other processes (subgraphs deployed apart), by name. */
  processes?: Record<string, Spread>;
  /** The router's and those processes' together, the stand-ins (other machines in production) left out. */
  hubCpuMsPerRequest?: Spread;
  guardian: { p50?: Spread; p95?: Spread; p99?: Spread };
  errors: number;
  keptUp: boolean;
}

export interface Summary {
  routers: Record<RouterId, RouterSummary>;
  /** CPU per request of (a) over (b) and over (c), paired within each repetition. */
  ratios: { aOverB?: Spread; aOverC?: Spread };
  /**
   * On one core (the ramp): each router's CPU per request at each rate it held, and a/b, a/c at
   * each rate both routers held, paired by repetition.
   */
  pinned?: { cpuMsPerRequest: Record<RouterId, Record<number, Spread>>; ratios: { rate: number; aOverB?: Spread; aOverC?: Spread }[] };
  cacheHitRatePercent?: Spread;
  responseCacheHitRatePercent?: Spread;
  upstreamCallsPerOperation: Partial<Record<OperationKind, Spread>>;
  /** (a) with the large académie: CPU per request and guardian latencies. */
  academie?: AloneSummary;
  /** (a) with its response cache off, on the demo académie. */
  uncached?: AloneSummary;
  targets: TargetVerdict[];
}

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

export function summarize(report: BenchReport): Summary {
  const fixed = report.fixedRate.runs;
  const summaryOf = (id: RouterId): RouterSummary => {
    const runs = fixed.filter((r) => r.router === id).map((r) => r.result);
    const ramps = report.saturation?.runs.filter((r) => r.router === id) ?? [];
    const usage = defined(runs.map((r) => r.router));
    const operations: RouterSummary['operations'] = {};
    for (const kind of KINDS) {
      const ops = defined(runs.map((r) => r.operations[kind]));
      if (ops.length) operations[kind] = { p50: spread(ops.map((o) => o.p50)), p95: spread(ops.map((o) => o.p95)), p99: spread(ops.map((o) => o.p99)) };
    }
    return {
      cpuMsPerRequest: spread(usage.map((u) => u.cpuMsPerRequest)),
      cpuPercent: spread(usage.map((u) => u.cpuPercent)),
      throughput: spread(runs.map((r) => r.throughput)),
      operations,
      errors: runs.reduce((s, r) => s + r.errors, 0),
      dropped: runs.reduce((s, r) => s + r.dropped, 0),
      late: runs.reduce((s, r) => s + r.late, 0),
      rssMb: spread(usage.map((u) => u.rssMb)),
      peakRssMb: usage.length ? Math.max(...usage.map((u) => u.peakRssMb)) : undefined,
      keptUp: runs.length > 0 && runs.every((r) => r.errors === 0 && r.dropped === 0 && r.throughput >= 0.95 * r.rate),
      // A ramp whose first step already failed held nothing: 0, not a missing figure.
      heldRate: spread(ramps.map((r) => r.heldRate ?? 0)),
      ceilingReached: ramps.some((r) => r.ceilingReached),
    };
  };
  const routers = { a: summaryOf('a'), b: summaryOf('b'), c: summaryOf('c') };

  const cpuOf = (repetition: number, id: RouterId) =>
    fixed.find((r) => r.repetition === repetition && r.router === id)?.result.router?.cpuMsPerRequest ?? Number.NaN;
  const repetitions = [...new Set(fixed.map((r) => r.repetition))];
  const ratios = {
    aOverB: spread(repetitions.map((n) => cpuOf(n, 'a') / cpuOf(n, 'b'))),
    aOverC: spread(repetitions.map((n) => cpuOf(n, 'a') / cpuOf(n, 'c'))),
  };
  const upstreamCallsPerOperation: Summary['upstreamCallsPerOperation'] = {};
  for (const kind of KINDS) {
    const s = spread(defined(report.upstreamCallsPerOperation.map((u) => u[kind])));
    if (s) upstreamCallsPerOperation[kind] = s;
  }

  const verdict = (ok: boolean | undefined): TargetStatus => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');
  const cpuFigure = (r?: Spread) => formatSpread(r, 3, ' ms');
  const held = routers.a.heldRate;
  const pinning = report.saturation?.pinning;
  const targets: TargetVerdict[] = [
    {
      target: `CPU per request: (a) ≤ ${TARGETS.cpuAOverBMax} × (b)`,
      required: true,
      figure: `a/b = ${formatSpread(ratios.aOverB, 2)} (a ${cpuFigure(routers.a.cpuMsPerRequest)}, b ${cpuFigure(routers.b.cpuMsPerRequest)})`,
      status: verdict(ratios.aOverB && ratios.aOverB.median <= TARGETS.cpuAOverBMax),
    },
    {
      target: 'CPU per request: (a) ≤ 1/3 of (c)',
      required: false,
      figure: `a/c = ${formatSpread(ratios.aOverC, 2)} (c ${cpuFigure(routers.c.cpuMsPerRequest)})`,
      status: verdict(ratios.aOverC && ratios.aOverC.median <= TARGETS.cpuAOverCMax),
    },
    {
      target: `(a) pinned to one core holds ≥ ${TARGETS.pinnedRateMin} req/s, guardian p99 < ${TARGETS.p99LimitMs} ms, zero errors`,
      required: false,
      figure:
        !pinning || 'skipped' in pinning
          ? `not measured${pinning && 'skipped' in pinning ? ` (${pinning.skipped})` : ''}`
          : heldFigure(routers.a, report.saturation!.rates[0]!),
      status: !pinning || 'skipped' in pinning ? 'not measured' : verdict(held && held.median >= TARGETS.pinnedRateMin),
    },
  ];
  const uncached = report.uncached && aloneSummary(report.uncached.runs);
  if (uncached) {
    // Not paired by repetition (another setup): the medians' ratio.
    const over = (id: RouterId) =>
      uncached.cpuMsPerRequest && routers[id].cpuMsPerRequest && uncached.cpuMsPerRequest.median / routers[id].cpuMsPerRequest.median;
    const overB = over('b');
    // At another rate, (a)'s fixed work per second is shared by other numbers of requests: no verdict.
    const rate = rateOf(report.uncached!.runs, report);
    const sameRate = rate === report.fixedRate.rate;
    targets.splice(1, 0, {
      target: `CPU per request with (a)'s response cache off: ≤ ${TARGETS.cpuAOverBMax} × (b) (the hub's plugins' own cost, every request reaching the subgraphs)`,
      required: false,
      figure:
        `a/b = ${overB?.toFixed(2) ?? '–'}, a/c = ${over('c')?.toFixed(2) ?? '–'} (a without its cache ${cpuFigure(uncached.cpuMsPerRequest)}; medians of separate runs)` +
        (sameRate ? '' : `; (a) at ${rate} req/s, (b) and (c) at ${report.fixedRate.rate}: not comparable`),
      status: sameRate ? verdict(overB === undefined ? undefined : overB <= TARGETS.cpuAOverBMax) : 'not measured',
    });
  }
  const academie = report.academie && aloneSummary(report.academie.runs);
  // The académie phase runs without the cache: against (a) without it, when measured.
  targets.push(academieVerdict(report, uncached ?? aloneOf(routers.a), academie));
  return {
    routers,
    ratios,
    ...(report.saturation && !('skipped' in report.saturation.pinning) ? { pinned: pinnedFigures(report.saturation.runs) } : {}),
    cacheHitRatePercent: spread(defined(fixed.map((r) => r.cacheHitRatePercent))),
    responseCacheHitRatePercent: spread(defined(fixed.map((r) => r.responseCacheHitRatePercent))),
    upstreamCallsPerOperation,
    academie,
    uncached,
    targets,
  };
}

/** The steps of a ramp that held: all but the last when the ramp stopped on it. */
const heldSteps = (run: RampRun) => (run.ceilingReached ? run.steps : run.steps.slice(0, -1));

function pinnedFigures(runs: RampRun[]): NonNullable<Summary['pinned']> {
  const cpuAt = (repetition: number, id: RouterId, rate: number) =>
    runs
      .filter((r) => r.repetition === repetition && r.router === id)
      .flatMap(heldSteps)
      .find((step) => step.rate === rate)?.router?.cpuMsPerRequest;
  const rates = [...new Set(runs.flatMap((r) => heldSteps(r).map((step) => step.rate)))].sort((x, y) => x - y);
  const repetitions = [...new Set(runs.map((r) => r.repetition))];
  const cpuMsPerRequest = Object.fromEntries(
    ROUTER_IDS.map((id) => [
      id,
      Object.fromEntries(
        rates.flatMap((rate) => {
          const figure = spread(defined(repetitions.map((n) => cpuAt(n, id, rate))));
          return figure ? [[rate, figure]] : [];
        }),
      ),
    ]),
  ) as Record<RouterId, Record<number, Spread>>;
  const ratioAt = (rate: number, over: RouterId) =>
    spread(
      defined(
        repetitions.map((n) => {
          const a = cpuAt(n, 'a', rate);
          const other = cpuAt(n, over, rate);
          return a !== undefined && other !== undefined ? a / other : undefined;
        }),
      ),
    );
  const ratios = rates.flatMap((rate) => {
    const aOverB = ratioAt(rate, 'b');
    const aOverC = ratioAt(rate, 'c');
    return aOverB || aOverC ? [{ rate, aOverB, aOverC }] : [];
  });
  return { cpuMsPerRequest, ratios };
}

function aloneOf(r: RouterSummary): AloneSummary {
  return { cpuMsPerRequest: r.cpuMsPerRequest, guardian: r.operations.guardian ?? {}, errors: r.errors + r.dropped, keptUp: r.keptUp };
}

/** The process of the stand-ins, which play other machines: not the hub's cost. */
export const STAND_INS = 'stand-ins';

function aloneSummary(runs: LoadResult[]): AloneSummary {
  const guardian = defined(runs.map((r) => r.operations.guardian));
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.processes ?? {})))];
  const hubOf = (r: LoadResult) =>
    r.router && r.processes
      ? Object.entries(r.processes).reduce((sum, [name, ms]) => (name === STAND_INS ? sum : sum + ms), r.router.cpuMsPerRequest)
      : undefined;
  return {
    cpuMsPerRequest: spread(defined(runs.map((r) => r.router?.cpuMsPerRequest))),
    ...(names.length
      ? {
          processes: Object.fromEntries(names.map((name) => [name, spread(defined(runs.map((r) => r.processes?.[name])))!])),
          hubCpuMsPerRequest: spread(defined(runs.map(hubOf))),
        }
      : {}),
    guardian: { p50: spread(guardian.map((o) => o.p50)), p95: spread(guardian.map((o) => o.p95)), p99: spread(guardian.map((o) => o.p99)) },
    errors: runs.reduce((sum, r) => sum + r.errors + r.dropped, 0),
    keptUp: runs.length > 0 && runs.every((r) => r.errors === 0 && r.dropped === 0 && r.throughput >= 0.95 * r.rate),
  };
}

/** Whether (a)'s guardian latency stayed the same with the large académie loaded (p50 and p95; p99 is shown, too noisy to judge on). */
function academieVerdict(report: BenchReport, demo: AloneSummary, large: Summary['academie']): TargetVerdict {
  const target = "The same with the académie at 100,000 people loaded: (a)'s latency does not grow with the académie's size";
  if (!report.academie || !large) return { target, required: false, figure: 'not measured (`BENCH_ACADEMIE_PEOPLE=0`)', status: 'not measured' };
  const ms = (s?: Spread) => formatSpread(s, 0);
  const latencies = (o: { p50?: Spread; p95?: Spread; p99?: Spread } | undefined) => `${ms(o?.p50)} / ${ms(o?.p95)} / ${ms(o?.p99)} ms`;
  const within = (big?: Spread, small?: Spread) =>
    big !== undefined && small !== undefined && big.median <= Math.max(small.median * TARGETS.academieLatencyMaxFactor, small.median + TARGETS.academieSlackMs);
  const demoGuardian = demo.guardian;
  const met = large.keptUp && within(large.guardian.p50, demoGuardian?.p50) && within(large.guardian.p95, demoGuardian?.p95);
  const figure =
    `guardian p50 / p95 / p99 ${latencies(large.guardian)} with ${report.academie.people.toLocaleString('en')} people, ` +
    `${latencies(demoGuardian)} with the demo's ${report.academie.demoPeople.toLocaleString('en')}; ` +
    `CPU ${formatSpread(large.cpuMsPerRequest, 3, ' ms')} against ${formatSpread(demo.cpuMsPerRequest, 3, ' ms')} per request` +
    (large.hubCpuMsPerRequest && demo.hubCpuMsPerRequest
      ? ` (the hub in all: ${formatSpread(large.hubCpuMsPerRequest, 2, ' ms')} against ${formatSpread(demo.hubCpuMsPerRequest, 2, ' ms')})`
      : '') +
    (large.errors ? `; ${large.errors} errors or drops` : '') +
    (large.keptUp ? '' : '; (a) did not keep up with the large académie');
  // A saturated baseline compares nothing: its latencies are queueing, not the académie's cost.
  if (!demo.keptUp) return { target, required: false, figure: `${figure}; (a) did not keep up with the demo académie: no comparison`, status: 'not measured' };
  return { target, required: false, figure, status: met ? 'met' : 'not met' };
}

/** "≥ 800 req/s" when the ramp ran out, "none (< 50 req/s)" when its first step already failed. */
function heldFigure(r: RouterSummary, firstRate: number): string {
  if (!r.heldRate) return '–';
  if (r.heldRate.median === 0 && r.heldRate.max === 0) return `none (< ${firstRate} req/s)`;
  return `${r.ceilingReached ? '≥ ' : ''}${formatSpread(r.heldRate, 0, ' req/s')}`;
}

const MIX = '60 % guardian dashboard, 30 % pupil dashboard, 10 % teacher class view';

export function markdown(report: BenchReport, summary: Summary): string {
  const ms = (s?: Spread) => formatSpread(s, 0);
  const ops = (r: RouterSummary, kind: OperationKind) => {
    const o = r.operations[kind];
    return o ? `${ms(o.p50)} / ${ms(o.p95)} / ${ms(o.p99)}` : '–';
  };
  const status = (t: TargetVerdict) => (t.status === 'met' ? 'met' : `**${t.status}**`);
  const f = report.fixedRate;
  const lines = [
    '# `npm run bench`: what the router costs',
    '',
    ...(report.quick ? ['> **Quick run** (`BENCH_QUICK=1`): one repetition, short windows. Noisy; not the figures of record.', ''] : []),
    `Run ${report.date} on ${report.machine.cores} cores (load average at start ${report.machine.loadAverageAtStart.map((l) => round(l, 2)).join(', ')}), Node ${report.machine.node}; upstream latency ${report.upstreamLatencyMs} ms; mix ${MIX}; open loop (constant arrival rate). ${report.repetitions} repetition${report.repetitions > 1 ? 's' : ''}: medians, with the range (min–max) in parentheses. How to read this page: [docs/performance.md](../../docs/performance.md).`,
    '',
    '## Targets (issue 17)',
    '',
    '| target | figure | status |',
    '| --- | --- | --- |',
    ...summary.targets.map((t) => `| ${t.target}${t.required ? ' (required)' : ''} | ${t.figure} | ${status(t)} |`),
    '',
    `## Router CPU per request at ${f.rate} req/s (the primary figure)`,
    '',
    `Each router alone at the same offered rate: ${f.warmupSeconds} s of warm-up, then ${f.windowSeconds} s measured. CPU is the router process's user + system time (/proc) over the window, divided by the requests completed in it. Latencies (ms) run from when each request was due.`,
    '',
    '| router | CPU ms / request | CPU, % of a core | answered req/s | guardian p50 / p95 / p99 | pupil p50 / p95 / p99 | teacher p50 / p95 / p99 | errors / dropped / late | RSS (peak) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...(['a', 'b', 'c'] as const).map((id) => {
      const r = summary.routers[id];
      return `| ${ROUTERS[id]} | ${formatSpread(r.cpuMsPerRequest, 3)} | ${formatSpread(r.cpuPercent, 0)} | ${formatSpread(r.throughput, 1)} | ${ops(r, 'guardian')} | ${ops(r, 'pupil')} | ${ops(r, 'teacher')} | ${r.errors} / ${r.dropped} / ${r.late} | ${formatSpread(r.rssMb, 0, ' MB')} (${r.peakRssMb ?? '–'} MB) |`;
    }),
    '',
    ...(() => {
      const behind = ROUTER_IDS.filter((id) => !summary.routers[id].keptUp);
      return behind.length
        ? [
            `**Warning**: at ${f.rate} req/s, ${behind.map((id) => `(${id})`).join(', ')} did not keep up (errors, drops or fewer than 95 % answered in the window): the rate is not below every router's saturation, lower BENCH_RATE.`,
            '',
          ]
        : [`All three routers kept up with ${f.rate} req/s (no errors, no drops, ≥ 95 % answered in the window).`, ''];
    })(),
    ...(() => {
      // The rate must also be below what each router holds on one core, or (a)'s cost is measured
      // in a regime a deployment would not run in.
      const pinned = report.saturation && !('skipped' in report.saturation.pinning);
      const above = pinned ? ROUTER_IDS.filter((id) => (summary.routers[id].heldRate?.median ?? Infinity) < f.rate) : [];
      return above.length
        ? [`**Warning**: ${f.rate} req/s is above what ${above.map((id) => `(${id})`).join(', ')} held on one core (below): lower BENCH_RATE.`, '']
        : [];
    })(),
    `Ratios of CPU per request, paired by repetition: a/b = ${formatSpread(summary.ratios.aOverB, 2)}, a/c = ${formatSpread(summary.ratios.aOverC, 2)}.`,
    '',
    ...rateDependenceNote(report),
    ...saturationSection(report, summary),
    '## Upstream calls and cache',
    '',
    `Upstream calls per operation (on (a), each operation alone, cache warm): ${KINDS.map((k) => `${k} ${formatSpread(summary.upstreamCallsPerOperation[k], 2)}`).join(', ')}. Vie scolaire cache hit rate during (a)'s fixed-rate runs: ${formatSpread(summary.cacheHitRatePercent, 1, ' %')}. (a)'s response cache (answers served without the subgraphs) during those runs: ${formatSpread(summary.responseCacheHitRatePercent, 1, ' %')} of its queries, with the bench's ${report.loggedInPeople ?? ''} people each asking about once a second (a real Monday's people ask far less often: docs/performance.md). Router (a) start to ready: ${report.routerStartToReadyMs} ms.`,
    '',
    ...uncachedSection(report, summary),
    ...academieSection(report, summary),
    '## AAF import',
    '',
    report.aafImport
      ? `AAF import of ${report.aafImport.people} people (${report.aafImport.megabytes} MB, ${report.aafImport.files} files) into PostgreSQL: ${report.aafImport.seconds} s, peak RSS ${report.aafImport.peakRssMegabytes} MB (parse alone: ${report.aafImport.parseOnlySeconds} s, ${report.aafImport.parseOnlyPeakRssMegabytes} MB).`
      : 'Not measured in this run (`BENCH_SKIP_AAF=1` or quick mode): `npm run bench:aaf` measures it alone.',
    '',
    '## Portal',
    '',
    "The portal's time to usable under network throttling is measured apart: `npm run bench:portal` (see docs/performance.md).",
    '',
  ];
  return lines.join('\n');
}

/** The rate a phase of (a) alone ran at (the routers' rate in reports written before it could differ). */
const rateOf = (runs: LoadResult[], report: BenchReport) => runs[0]?.rate ?? report.fixedRate.rate;

function uncachedSection(report: BenchReport, summary: Summary): string[] {
  const off = summary.uncached;
  if (!report.uncached || !off) return [];
  const ms = (s?: Spread) => formatSpread(s, 0);
  const on = summary.routers.a;
  const row = (label: string, cpu: Spread | undefined, g: AloneSummary['guardian'] | undefined, errors: number) =>
    `| ${label} | ${formatSpread(cpu, 3)} | ${ms(g?.p50)} / ${ms(g?.p95)} / ${ms(g?.p99)} | ${errors} |`;
  return [
    '## (a) with its response cache off',
    '',
    `The backends restarted on the demo académie, the subgraphs the mix reaches each in a process of its own as deployed (bench/deployed-subgraphs.ts) and the stand-ins' process at the lowest CPU priority, then (a) with \`ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS=0\` alone at ${rateOf(report.uncached.runs, report)} req/s, the same mix and windows, ${report.uncached.runs.length} repetition${report.uncached.runs.length > 1 ? 's' : ''}: every request reaches the subgraphs, as with people who each ask less often than the answers' max-age. (a) above served ${formatSpread(summary.responseCacheHitRatePercent, 1, ' %')} of its queries from its cache.`,
    '',
    '| (a) | CPU ms / request | guardian p50 / p95 / p99 | errors and drops |',
    '| --- | --- | --- | --- |',
    row('with its response cache (above)', on.cpuMsPerRequest, on.operations.guardian, on.errors + on.dropped),
    row('response cache off', off.cpuMsPerRequest, off.guardian, off.errors),
    '',
    // With the académie measured, its section shows both rows.
    ...(report.academie ? [] : processesTable([['response cache off', off]])),
  ];
}

/** The subgraphs first in the order a reader expects, then PostgreSQL, then anything else measured. */
const PROCESS_ORDER = ['directory', 'identity', 'vie-scolaire', 'resources', 'postgres'];

/**
 * CPU per request in each of the hub's processes (subgraphs deployed apart), one row per phase: what
 * a request costs the whole hub, and where. Empty when no phase measured them.
 */
function processesTable(rows: [label: string, summary: AloneSummary | undefined][]): string[] {
  const measured = rows.filter((row): row is [string, AloneSummary & { processes: Record<string, Spread> }] => row[1]?.processes !== undefined);
  if (!measured.length) return [];
  const seen = [...new Set(measured.flatMap(([, s]) => Object.keys(s.processes)))].filter((name) => name !== STAND_INS);
  const names = [...PROCESS_ORDER.filter((name) => seen.includes(name)), ...seen.filter((name) => !PROCESS_ORDER.includes(name))];
  const label = (name: string) => (name === 'postgres' ? 'PostgreSQL' : `${name} subgraph`);
  return [
    'CPU ms per request in each of the hub’s processes over the same windows (user + system, `/proc`; PostgreSQL with its workers), and the hub in all: what one request of the mix costs the whole hub, the cores to buy. The stand-ins (the schools’ systems, the GAR, the identity providers: other machines in production) come apart.',
    '',
    `| | router (a) | ${names.map(label).join(' | ')} | **the hub in all** | stand-ins |`,
    `| --- | --- | ${names.map(() => '---').join(' | ')} | --- | --- |`,
    ...measured.map(
      ([rowLabel, s]) =>
        `| ${rowLabel} | ${formatSpread(s.cpuMsPerRequest, 2)} | ${names.map((name) => formatSpread(s.processes[name], 2)).join(' | ')} | **${formatSpread(s.hubCpuMsPerRequest, 2)}** | ${formatSpread(s.processes[STAND_INS], 2)} |`,
    ),
    '',
  ];
}

function academieSection(report: BenchReport, summary: Summary): string[] {
  const large = report.academie;
  if (!large || !summary.academie) return [];
  const ms = (s?: Spread) => formatSpread(s, 0);
  const a = summary.uncached ?? aloneOf(summary.routers.a);
  const g = a.guardian;
  return [
    `## (a) with an académie of ${large.people.toLocaleString('en')} people`,
    '',
    `The backends restarted with a generated académie of ${large.people.toLocaleString('en')} people imported into the directory (PostgreSQL) and the stand-ins, the subgraphs the mix reaches each in a process of its own as deployed and the stand-ins' process at the lowest CPU priority (the stand-ins keep the académie in memory, as the systems they play would; sharing their process, the subgraphs paused with its garbage collections, and at the same priority, those collections took the hub's CPU), then (a) alone at ${rateOf(large.runs, report)} req/s, the same mix and windows, ${large.runs.length} repetition${large.runs.length > 1 ? 's' : ''}${summary.uncached ? ", with its response cache off so that the subgraphs answer every request. Against (a)'s runs with its cache off on the demo académie" : ". Against (a)'s runs above, with the demo académie"} (${large.demoPeople.toLocaleString('en')} people).`,
    '',
    '| académie | CPU ms / request | guardian p50 / p95 / p99 | errors and drops |',
    '| --- | --- | --- | --- |',
    `| demo, ${large.demoPeople.toLocaleString('en')} people | ${formatSpread(a.cpuMsPerRequest, 3)} | ${ms(g?.p50)} / ${ms(g?.p95)} / ${ms(g?.p99)} | ${a.errors} |`,
    `| generated, ${large.people.toLocaleString('en')} people | ${formatSpread(summary.academie.cpuMsPerRequest, 3)} | ${ms(summary.academie.guardian.p50)} / ${ms(summary.academie.guardian.p95)} / ${ms(summary.academie.guardian.p99)} | ${summary.academie.errors} |`,
    '',
    ...processesTable([
      [`demo, ${large.demoPeople.toLocaleString('en')} people`, summary.uncached],
      [`generated, ${large.people.toLocaleString('en')} people`, summary.academie],
    ]),
  ];
}

function saturationSection(report: BenchReport, summary: Summary): string[] {
  const s = report.saturation;
  if (!s) return ['## Saturation', '', 'Not measured in this run (`BENCH_SKIP_RAMP=1`).', ''];
  const how =
    'skipped' in s.pinning
      ? `**Not pinned** (${s.pinning.skipped}): the router shared the cores with the backends and the load generator, so these rates are not one core's.`
      : `The router under test pinned to CPU ${s.pinning.routerCpus.join(',')} (\`taskset\`), the backends, the other routers and the load generator to CPU ${s.pinning.otherCpus.join(',')}.`;
  const held = (id: RouterId) => heldFigure(summary.routers[id], s.rates[0]!);
  const stops = (id: RouterId) =>
    s.runs
      .filter((r) => r.router === id)
      .map((r) => {
        const last = r.steps.at(-1);
        // Late starts mean the generator's core, not the router's, fell behind at that step.
        const late = last?.late ? ` (late starts: ${last.late})` : '';
        // How busy the router's own core was there: far from full, the other core gave out first.
        const busy = last?.router ? `, router's core ${Math.round(last.router.cpuPercent)} % busy` : '';
        return r.ceilingReached ? `#${r.repetition}: every step held` : `#${r.repetition}: at ${last?.rate} req/s, ${r.stopReason}${late}${busy}`;
      })
      .join('; ');
  return [
    '## Saturation, one core',
    '',
    `${how} Arrival-rate ramp ${s.rates.join(', ')} req/s, ${s.warmupSeconds} s of warm-up and ${s.stepSeconds} s measured per step, until a step has an error, a dropped request or guardian p99 ≥ ${TARGETS.p99LimitMs} ms. Held: the highest rate before that.`,
    '',
    'Where a router stopped with its own core far from full, it was not the router that gave out but the other core (the backends, the load generator), at every router alike: the figure is then the machine’s, not the router’s.',
    '',
    '| router | highest rate held | where each repetition stopped |',
    '| --- | --- | --- |',
    ...ROUTER_IDS.map((id) => `| ${ROUTERS[id]} | ${held(id)} | ${stops(id)} |`),
    '',
    ...pinnedCpuTable(s.rates, summary),
    '![Latency (p50, p99 of the whole mix) against offered rate, per router](latest.svg)',
    '',
  ];
}

/** What the same work cost this machine at the fixed rate and at the ramp's top (bench/machine-check.ts). */
function rateDependenceNote(report: BenchReport): string[] {
  const steps = report.machine.rateDependence?.steps;
  if (!steps || steps.length < 2) return [];
  const [low, high] = [steps[0]!, steps.at(-1)!];
  const where = report.machine.rateDependence!.cpu === undefined ? 'a core shared with the rest' : `CPU ${report.machine.rateDependence!.cpu}, alone`;
  return [
    `On this machine the same piece of work (reads over a ${report.machine.rateDependence!.workingSetMb} MB working set, bench/machine-check.ts, on ${where}) cost ${low.cpuMsPerOp} ms of CPU at ${low.rate} per second and ${high.cpuMsPerOp} ms at ${high.rate} per second (×${round(low.cpuMsPerOp / high.cpuMsPerOp, 1)}): a process idle between requests finds its caches cold at each one. Every router's CPU per request falls as its rate rises; the ratios compare routers at the same rate, and a deployment's cost at its own rate is in the pinned steps below.`,
    '',
  ];
}

/** Each router's CPU per request at each rate it held on one core, and the ratios where both held. */
function pinnedCpuTable(rates: number[], summary: Summary): string[] {
  const pinned = summary.pinned;
  if (!pinned) return [];
  const shown = rates.filter((rate) => ROUTER_IDS.some((id) => pinned.cpuMsPerRequest[id][rate]));
  if (!shown.length) return [];
  const ratio = (label: string, s?: Spread) => (s ? `${label} ${formatSpread(s, 2)}` : undefined);
  // pinnedFigures keeps only the rates with a ratio.
  const ratios = pinned.ratios.map((r) => `at ${r.rate} req/s: ${[ratio('a/b', r.aOverB), ratio('a/c', r.aOverC)].filter(Boolean).join(', ')}`);
  return [
    'Router CPU ms per request at each rate held on one core (median, with the range, of the repetitions that held it; – where none did): the cost at a given rate, on a core of its own.',
    '',
    `| router | ${shown.map((rate) => `${rate} req/s`).join(' | ')} |`,
    `| --- | ${shown.map(() => '---').join(' | ')} |`,
    ...ROUTER_IDS.map((id) => `| ${ROUTERS[id]} | ${shown.map((rate) => formatSpread(pinned.cpuMsPerRequest[id][rate], 2)).join(' | ')} |`),
    '',
    ...(ratios.length ? [`Ratios at the rates both routers held, paired by repetition: ${ratios.join('; ')}.`, ''] : []),
  ];
}
