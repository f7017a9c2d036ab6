/**
 * The load generator, in its own process: open loop at a constant arrival rate (like k6's
 * constant-arrival-rate executor), over keep-alive connections, loopback only.
 * `node --import tsx bench/load.ts SPEC.json` prints one JSON result.
 *
 * Requests fall due on schedule whatever the latency of earlier ones; at most `maxInFlight` are
 * outstanding, and one that falls due beyond that is dropped and counted. Latency runs from when a
 * request was due (not when it could start), so a generator or router that falls behind shows in
 * the percentiles instead of thinning the load (no coordinated omission). Only requests due in the
 * measured window count; the warm-up before it is sent but not measured. When `routerPid` is given,
 * the router's CPU time (/proc) is read at the window's two ends, here, so the window is exact.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { arrivalOffsetMs, arrivalsIn, startDecision } from './arrival.ts';
import { cpuMsPerRequest, readCpuTicks, readMemoryMb, readTreeCpuTicks, ticksPerSecond, type CpuTicks } from './proc.ts';
import { percentile, round } from './stats.ts';
import { OPERATIONS, type BenchUser, type OperationKind } from './workload.ts';

export interface LoadSpec {
  url: string;
  /** Arrival rate, requests per second. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** The most requests outstanding at once; beyond it a due request is dropped (and counted). */
  maxInFlight: number;
  /** A request that starts more than this behind its schedule is counted late. */
  lateAfterMs: number;
  /** A request without a complete answer after this long is an error. */
  requestTimeoutMs: number;
  users: BenchUser[];
  /** Only this operation (a per-operation phase), or the weighted mix. */
  only?: OperationKind;
  /** The router's process, to read its CPU time and memory over the measured window. */
  routerPid?: number;
  /**
   * The hub's other processes by name (a subgraph, PostgreSQL), each with its descendants but not
   * the others' subtrees: their CPU time over the window is divided by the requests too.
   */
  processes?: Record<string, number>;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface OperationResult extends Percentiles {
  count: number;
  errors: number;
}

export interface RouterUsage {
  /** Router CPU (user + system) over the window divided by the requests completed in it. */
  cpuMsPerRequest: number;
  /** Router CPU over the window, percent of one core. */
  cpuPercent: number;
  rssMb: number;
  peakRssMb: number;
}

export interface LoadResult {
  rate: number;
  seconds: number;
  /** Requests due in the measured window. */
  scheduled: number;
  /** Answers that arrived within the measured window (the CPU figure's denominator). */
  completedInWindow: number;
  /** completedInWindow per second: equals the rate when the router keeps up. */
  throughput: number;
  errors: number;
  dropped: number;
  late: number;
  firstError?: string;
  all: Percentiles;
  operations: Partial<Record<OperationKind, OperationResult>>;
  router?: RouterUsage;
  /** CPU ms per completed request of each of `processes`, over the same window. */
  processes?: Record<string, number>;
}

const percentilesOf = (sorted: number[]): Percentiles => ({
  p50: round(percentile(sorted, 50)),
  p95: round(percentile(sorted, 95)),
  p99: round(percentile(sorted, 99)),
});

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error('the benchmark sends traffic to loopback only');
  const pool = new Pool(target.origin, {
    connections: spec.maxInFlight,
    pipelining: 1,
    headersTimeout: spec.requestTimeoutMs,
    bodyTimeout: spec.requestTimeoutMs,
  });
  const byKind = new Map<OperationKind, BenchUser[]>();
  for (const user of spec.users) byKind.set(user.kind, [...(byKind.get(user.kind) ?? []), user]);
  const kinds = (Object.keys(OPERATIONS) as OperationKind[]).filter((k) => byKind.has(k) && (!spec.only || k === spec.only));
  if (kinds.length === 0) throw new Error('bench: no users for the requested operations');
  const totalWeight = kinds.reduce((s, k) => s + OPERATIONS[k].weight, 0);
  const pick = (): OperationKind => {
    let r = Math.random() * totalWeight;
    for (const k of kinds) if ((r -= OPERATIONS[k].weight) <= 0) return k;
    return kinds[0]!;
  };
  const bodies = new Map(kinds.map((k) => [k, OPERATIONS[k].query]));

  const latencies = new Map<OperationKind, number[]>(kinds.map((k) => [k, []]));
  const errors = new Map<OperationKind, number>(kinds.map((k) => [k, 0]));
  let firstError: string | undefined;
  let dropped = 0;
  let late = 0;
  let inFlight = 0;
  let completedInWindow = 0;
  const windowStart = spec.warmupMs;
  const windowEnd = spec.warmupMs + spec.durationMs;
  let window:
    | {
        startedAt: number;
        endedAt?: number;
        cpuBefore?: CpuTicks;
        cpuAfter?: CpuTicks;
        processesBefore: Map<string, CpuTicks>;
        processesAfter?: Map<string, CpuTicks>;
      }
    | undefined;
  const roots = Object.entries(spec.processes ?? {});
  // Each process's tree, less the others' (a subgraph started by the stand-ins' process is its own).
  const trees = roots.map(([name, pid]) => ({ name, pid, others: new Set(roots.filter(([other]) => other !== name).map(([, root]) => root)) }));
  const readProcesses = () => new Map(trees.map(({ name, pid, others }) => [name, readTreeCpuTicks(pid, others)]));
  const outstanding = new Set<Promise<void>>();
  const t0 = performance.now();
  const now = () => performance.now() - t0;

  const send = async (kind: OperationKind, dueAt: number, measured: boolean): Promise<void> => {
    const users = byKind.get(kind)!;
    const user = users[Math.floor(Math.random() * users.length)]!;
    let ok = false;
    try {
      const response = await pool.request({
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.headers },
        body: JSON.stringify({ query: bodies.get(kind), variables: user.variables ?? {} }),
      });
      const text = await response.body.text();
      ok = response.statusCode === 200 && !text.includes('"errors"');
      if (!ok && measured) {
        // The errors, not the data before them, say what failed.
        const from = Math.max(0, text.indexOf('"errors"'));
        firstError ??= `${kind}: HTTP ${response.statusCode} ${text.slice(from, from + 300)}`;
      }
    } catch (error) {
      if (measured) firstError ??= `${kind}: ${error instanceof Error ? error.message : String(error)}`;
    }
    const doneAt = now();
    if (window && window.endedAt === undefined) completedInWindow++;
    if (measured) {
      latencies.get(kind)!.push(doneAt - dueAt);
      if (!ok) errors.set(kind, errors.get(kind)! + 1);
    }
  };

  const launch = (dueAt: number) => {
    const measured = dueAt >= windowStart && dueAt < windowEnd;
    const decision = startDecision(dueAt, now(), inFlight, spec.maxInFlight, spec.lateAfterMs);
    if (decision === 'dropped') {
      if (measured) dropped++;
      return;
    }
    if (decision === 'late' && measured) late++;
    inFlight++;
    const request = send(pick(), dueAt, measured).finally(() => {
      inFlight--;
      outstanding.delete(request);
    });
    outstanding.add(request);
  };

  // The measured window's two ends, on their own timers (the router's CPU time is read there).
  const windowOpened = new Promise<void>((resolve) =>
    setTimeout(() => {
      window = { startedAt: now(), cpuBefore: spec.routerPid ? readCpuTicks(spec.routerPid) : undefined, processesBefore: readProcesses() };
      resolve();
    }, windowStart),
  );
  const windowClosed = windowOpened.then(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          window!.endedAt = now();
          if (spec.routerPid) window!.cpuAfter = readCpuTicks(spec.routerPid);
          window!.processesAfter = readProcesses();
          resolve();
        }, windowEnd - now()),
      ),
  );

  const total = arrivalsIn(windowEnd, spec.rate);
  await new Promise<void>((resolve) => {
    let index = 0;
    const tick = () => {
      const at = now();
      // Catch up on everything due (timers fire late by a millisecond or more at high rates).
      while (index < total && arrivalOffsetMs(index, spec.rate) <= at) launch(arrivalOffsetMs(index++, spec.rate));
      if (index >= total) resolve();
      else setTimeout(tick, Math.max(0, arrivalOffsetMs(index, spec.rate) - at));
    };
    tick();
  });
  await windowClosed;
  const memory = spec.routerPid ? readMemoryMb(spec.routerPid) : undefined;
  await Promise.all([...outstanding]);
  await pool.close();

  const w = window!;
  const windowSeconds = (w.endedAt! - w.startedAt) / 1000;
  const operations: LoadResult['operations'] = {};
  const every: number[] = [];
  let errorCount = 0;
  for (const kind of kinds) {
    const sorted = latencies.get(kind)!.sort((a, b) => a - b);
    every.push(...sorted);
    errorCount += errors.get(kind)!;
    operations[kind] = { count: sorted.length, errors: errors.get(kind)!, ...percentilesOf(sorted) };
  }
  every.sort((a, b) => a - b);
  let router: RouterUsage | undefined;
  if (w.cpuBefore && w.cpuAfter && memory) {
    const cpuMs = ((w.cpuAfter.user + w.cpuAfter.system - w.cpuBefore.user - w.cpuBefore.system) * 1000) / ticksPerSecond();
    router = {
      cpuMsPerRequest: round(cpuMsPerRequest(w.cpuBefore, w.cpuAfter, completedInWindow, ticksPerSecond()), 3),
      cpuPercent: round(cpuMs / 10 / windowSeconds),
      ...memory,
    };
  }
  return {
    rate: spec.rate,
    seconds: round(windowSeconds, 2),
    scheduled: every.length + dropped,
    completedInWindow,
    throughput: round(completedInWindow / windowSeconds),
    errors: errorCount,
    dropped,
    late,
    firstError,
    all: percentilesOf(every),
    operations,
    router,
    ...(roots.length
      ? {
          processes: Object.fromEntries(
            roots.map(([name]) => [
              name,
              round(cpuMsPerRequest(w.processesBefore.get(name)!, w.processesAfter!.get(name)!, completedInWindow, ticksPerSecond()), 3),
            ]),
          ),
        }
      : {}),
  };
}

if (process.argv[2]) {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  process.stdout.write(`${JSON.stringify(await runLoad(spec))}\n`);
}
