/**
 * The load generator, in its own process: closed-loop workers (each sends its next request when
 * the previous one answers) over keep-alive connections, for a fixed duration, on loopback only.
 * `node --import tsx bench/load.ts SPEC.json` prints one JSON result.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { OPERATIONS, type BenchUser, type OperationKind } from './workload.ts';

export interface LoadSpec {
  url: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  users: BenchUser[];
  /** Only this operation (a per-operation phase), or the weighted mix. */
  only?: OperationKind;
}

export interface OperationResult {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface LoadResult {
  concurrency: number;
  seconds: number;
  requests: number;
  rps: number;
  errors: number;
  firstError?: string;
  operations: Partial<Record<OperationKind, OperationResult>>;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const round = (n: number) => Math.round(n * 10) / 10;

async function run(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error('the benchmark sends traffic to loopback only');
  const pool = new Pool(target.origin, { connections: spec.concurrency, pipelining: 1 });
  const byKind = new Map<OperationKind, BenchUser[]>();
  for (const user of spec.users) byKind.set(user.kind, [...(byKind.get(user.kind) ?? []), user]);
  const kinds = (Object.keys(OPERATIONS) as OperationKind[]).filter((k) => byKind.has(k) && (!spec.only || k === spec.only));
  const totalWeight = kinds.reduce((s, k) => s + OPERATIONS[k].weight, 0);
  const pick = (): OperationKind => {
    let r = Math.random() * totalWeight;
    for (const k of kinds) if ((r -= OPERATIONS[k].weight) <= 0) return k;
    return kinds[0]!;
  };
  const latencies = new Map<OperationKind, number[]>(kinds.map((k) => [k, []]));
  const errors = new Map<OperationKind, number>(kinds.map((k) => [k, 0]));
  let firstError: string | undefined;
  const started = performance.now();
  const measureFrom = started + spec.warmupMs;
  const end = measureFrom + spec.durationMs;

  const worker = async () => {
    while (performance.now() < end) {
      const kind = pick();
      const users = byKind.get(kind)!;
      const user = users[Math.floor(Math.random() * users.length)]!;
      const t0 = performance.now();
      let ok = false;
      try {
        const response = await pool.request({
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...user.headers },
          body: JSON.stringify({ query: OPERATIONS[kind].query, variables: user.variables ?? {} }),
        });
        const text = await response.body.text();
        ok = response.statusCode === 200 && !text.includes('"errors"');
        if (!ok) firstError ??= `${kind}: HTTP ${response.statusCode} ${text.slice(0, 300)}`;
      } catch (error) {
        firstError ??= `${kind}: ${(error as Error).message}`;
      }
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= end) {
        latencies.get(kind)!.push(t1 - t0);
        if (!ok) errors.set(kind, errors.get(kind)! + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  await pool.close();
  const seconds = spec.durationMs / 1000;
  const operations: LoadResult['operations'] = {};
  let requests = 0;
  let errorCount = 0;
  for (const kind of kinds) {
    const sorted = latencies.get(kind)!.sort((a, b) => a - b);
    requests += sorted.length;
    errorCount += errors.get(kind)!;
    operations[kind] = {
      count: sorted.length,
      errors: errors.get(kind)!,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
    };
  }
  return { concurrency: spec.concurrency, seconds, requests, rps: round(requests / seconds), errors: errorCount, firstError, operations };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
process.stdout.write(`${JSON.stringify(await run(spec))}\n`);
