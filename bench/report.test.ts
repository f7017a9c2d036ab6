import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.ts';
import { markdown, summarize, type BenchReport, type RouterId } from './report.ts';

const result = (rate: number, cpuMsPerRequest: number, guardianP99: number, extra: Partial<LoadResult> = {}): LoadResult => ({
  rate,
  seconds: 20,
  scheduled: rate * 20,
  completedInWindow: rate * 20,
  throughput: rate,
  errors: 0,
  dropped: 0,
  late: 0,
  all: { p50: 55, p95: 70, p99: guardianP99 },
  operations: { guardian: { count: rate * 12, errors: 0, p50: 55, p95: 70, p99: guardianP99 } },
  router: { cpuMsPerRequest, cpuPercent: (cpuMsPerRequest * rate) / 10, rssMb: 300, peakRssMb: 320 },
  ...extra,
});

/** Three repetitions where (a) costs `a` ms of CPU per request, (b) 4 and (c) 12. */
function report(a: number[], heldA: (number | undefined)[]): BenchReport {
  const cpu: Record<RouterId, number[]> = { a, b: [4, 4, 4], c: [12, 12, 12] };
  return {
    date: '2026-11-24T03:00:00.000Z',
    quick: false,
    machine: { cores: 2, node: 'v20', loadAverageAtStart: [0.5, 0.4, 0.3] },
    upstreamLatencyMs: 50,
    repetitions: 3,
    routerStartToReadyMs: 2000,
    fixedRate: {
      rate: 60,
      warmupSeconds: 5,
      windowSeconds: 20,
      runs: [1, 2, 3].flatMap((repetition) =>
        (['a', 'b', 'c'] as const).map((router) => ({ repetition, router, result: result(60, cpu[router][repetition - 1]!, 80) })),
      ),
    },
    saturation: {
      pinning: { routerCpus: [1], otherCpus: [0] },
      rates: [100, 200, 400, 500],
      warmupSeconds: 1,
      stepSeconds: 5,
      runs: heldA.map((held, i) => ({
        repetition: i + 1,
        router: 'a' as const,
        steps: [result(100, 4, held === undefined ? 400 : 90)],
        heldRate: held,
        ceilingReached: false,
        stopReason: 'guardian p99 400 ms ≥ 150 ms',
      })),
    },
    upstreamCallsPerOperation: [{ guardian: 0.3 }, { guardian: 0.32 }, { guardian: 0.34 }],
  };
}

describe('bench summary and targets', () => {
  it('pairs the CPU ratios by repetition and marks each target with its figure', () => {
    const summary = summarize(report([4.4, 4.8, 4.2], [400, 500, 400]));
    expect(summary.ratios.aOverB).toEqual({ median: 1.1, min: 1.05, max: 1.2, n: 3 });
    const [ab, ac, pinned] = summary.targets;
    expect(ab).toMatchObject({ required: true, status: 'met' });
    expect(ab!.figure).toContain('a/b = 1.1 (1.05–1.2)');
    expect(ac).toMatchObject({ status: 'not met' }); // 4.4 / 12 > 1/3
    expect(pinned).toMatchObject({ status: 'met', figure: '400 req/s (400 req/s–500 req/s)' });
  });

  it('says not met when (a) costs too much, and counts a ramp that failed at once as holding nothing', () => {
    const summary = summarize(report([6, 6, 6], [undefined, 150, 200]));
    expect(summary.targets[0]).toMatchObject({ status: 'not met' });
    expect(summary.routers.a.heldRate).toEqual({ median: 150, min: 0, max: 200, n: 3 });
    expect(summary.targets[2]).toMatchObject({ status: 'not met' });
    const none = summarize(report([6, 6, 6], [undefined, undefined, undefined]));
    expect(none.targets[2]).toMatchObject({ status: 'not met', figure: 'none (< 100 req/s)' });
  });

  it('says not measured when the router could not be pinned', () => {
    const r = report([4, 4, 4], [500]);
    r.saturation!.pinning = { skipped: 'taskset (util-linux) not found' };
    expect(summarize(r).targets[2]).toMatchObject({ status: 'not measured' });
  });

  it('writes the targets, the CPU table, the chart and a warning when a router did not keep up', () => {
    const r = report([4.4, 4.8, 4.2], [400, 500, 400]);
    r.fixedRate.runs[2]!.result = result(60, 12, 900, { dropped: 12, throughput: 40 });
    const md = markdown(r, summarize(r));
    expect(md).toContain('| CPU per request: (a) ≤ 1.15 × (b) (required) | a/b = 1.1 (1.05–1.2)');
    expect(md).toContain('| (a) hub router (auth, authz, audit) | 4.4 (4.2–4.8) |');
    expect(md).toContain('![Latency (p50, p99 of the whole mix) against offered rate, per router](latest.svg)');
    expect(md).toMatch(/Warning.*\(c\) did not keep up/);
    expect(md).not.toContain('Quick run');
    expect(md).not.toContain('is above what');
  });

  it('warns when the fixed rate is above what a router held on one core', () => {
    const r = report([4, 4, 4], [50, 50, 50]);
    expect(markdown(r, summarize(r))).toContain('**Warning**: 60 req/s is above what (a) held on one core');
  });

  describe('CPU per request on one core, at each rate held', () => {
    /** Ramps of the three routers: (a) held 100 and 200 (failing at 400), (b) and (c) held 100 only (failing at 200). */
    const withRamps = () => {
      const r = report([4, 4, 4], [200, 200, 200]);
      const failed = (rate: number) => result(rate, 9, 900);
      const ramp = (repetition: number, router: RouterId, held: [rate: number, cpu: number][], failedAt: number) => ({
        repetition,
        router,
        steps: [...held.map(([rate, cpu]) => result(rate, cpu, 90)), failed(failedAt)],
        heldRate: held.at(-1)![0],
        ceilingReached: false,
        stopReason: 'guardian p99 900 ms ≥ 150 ms',
      });
      r.saturation!.runs = [1, 2].flatMap((n) => [
        ramp(
          n,
          'a',
          [
            [100, 2 * n],
            [200, 1.5],
          ],
          400,
        ),
        ramp(n, 'b', [[100, 5]], 200),
        ramp(n, 'c', [[100, 6 + n]], 200),
      ]);
      return r;
    };

    it('gives each router’s cost at the rates it held, never at the step that failed, and pairs the ratios', () => {
      const pinned = summarize(withRamps()).pinned!;
      expect(pinned.cpuMsPerRequest.a).toEqual({ 100: { median: 3, min: 2, max: 4, n: 2 }, 200: { median: 1.5, min: 1.5, max: 1.5, n: 2 } });
      // (b) failed at 200 req/s with 9 ms: not a cost of holding that rate.
      expect(pinned.cpuMsPerRequest.b).toEqual({ 100: { median: 5, min: 5, max: 5, n: 2 } });
      // At 100 req/s: a/c = 2/7 and 4/8, paired by repetition; at 200 only (a) held: no ratio.
      expect(pinned.ratios).toEqual([
        {
          rate: 100,
          aOverB: { median: expect.closeTo(0.6), min: 0.4, max: 0.8, n: 2 },
          aOverC: { median: expect.closeTo((2 / 7 + 0.5) / 2), min: 2 / 7, max: 0.5, n: 2 },
        },
      ]);
    });

    it('writes the table and the ratios under the saturation figures', () => {
      const r = withRamps();
      const md = markdown(r, summarize(r));
      expect(md).toContain('| router | 100 req/s | 200 req/s |');
      expect(md).toContain('| (a) hub router (auth, authz, audit) | 3 (2–4) | 1.5 |');
      expect(md).toContain('| (b) gateway runtime, bare | 5 | – |');
      expect(md).toContain('Ratios at the rates both routers held, paired by repetition: at 100 req/s: a/b 0.6 (0.4–0.8), a/c 0.39 (0.29–0.5).');
    });

    it('is absent without pinning', () => {
      const r = withRamps();
      r.saturation!.pinning = { skipped: 'only 1 CPU available to the benchmark' };
      expect(summarize(r).pinned).toBeUndefined();
      expect(markdown(r, summarize(r))).not.toContain('at each rate held on one core');
    });

    it('says what the same work costs this machine at two rates, when the check ran', () => {
      const r = withRamps();
      expect(markdown(r, summarize(r))).not.toContain('machine-check');
      r.machine.rateDependence = {
        cpu: 1,
        workingSetMb: 64,
        steps: [
          { rate: 60, cpuMsPerOp: 2.4 },
          { rate: 400, cpuMsPerOp: 1.2 },
        ],
      };
      expect(markdown(r, summarize(r))).toContain('cost 2.4 ms of CPU at 60 per second and 1.2 ms at 400 per second (×2)');
    });
  });

  describe('(a) with its response cache off', () => {
    /** (a)'s runs without its cache at `cpu` ms per request, guardian p50 and p95 as given. */
    const withUncached = (cpu: number, p50 = 55, p95 = 70) => {
      const r = report([1.2, 1.3, 1.25], [400, 400, 400]);
      const guardian = { count: 720, errors: 0, p50, p95, p99: p95 + 20 };
      r.uncached = { runs: [1, 2, 3].map(() => result(60, cpu, 90, { operations: { guardian } })) };
      return r;
    };
    const plugins = (r: BenchReport) => summarize(r).targets.find((t) => t.target.includes('response cache off'))!;

    it('marks the plugins’ own cost against (b), and shows both (a)s side by side', () => {
      expect(plugins(withUncached(4.4))).toMatchObject({ required: false, status: 'met', figure: expect.stringContaining('a/b = 1.10, a/c = 0.37') });
      expect(plugins(withUncached(5))).toMatchObject({ status: 'not met' });
      // (a) at another rate than (b): its fixed work per second is shared differently, no verdict.
      const slower = withUncached(4.4);
      slower.uncached!.runs = slower.uncached!.runs.map((run) => ({ ...run, rate: 40 }));
      expect(plugins(slower)).toMatchObject({ status: 'not measured', figure: expect.stringContaining('(a) at 40 req/s, (b) and (c) at 60: not comparable') });
      const r = withUncached(4.4);
      const md = markdown(r, summarize(r));
      expect(md).toContain('## (a) with its response cache off');
      expect(md).toContain('| response cache off | 4.4 | 55 / 70 / 90 | 0 |');
      expect(md).toContain('| with its response cache (above) | 1.25 (1.2–1.3) |');
    });

    it('is the large académie’s baseline: the académie phase runs without the cache too', () => {
      const r = withUncached(4.4, 40, 50);
      r.academie = {
        demoPeople: 2260,
        people: 101766,
        runs: [1, 2, 3].map(() => result(60, 4.5, 90, { operations: { guardian: { count: 720, errors: 0, p50: 41, p95: 52, p99: 70 } } })),
      };
      // Compared with the uncached demo's 40 / 50 ms, not with the cached (a)'s 55 / 70.
      const verdict = summarize(r).targets.find((t) => t.target.includes('académie'))!;
      expect(verdict).toMatchObject({ status: 'met', figure: expect.stringContaining('40 / 50 / 70 ms with the demo') });
      expect(markdown(r, summarize(r))).toContain('| demo, 2,260 people | 4.4 | 40 / 50 / 70 | 0 |');
    });

    it('shows what a request costs each of the hub’s processes, and the hub in all without the stand-ins', () => {
      const r = withUncached(4.4);
      const processes = (directory: number) => ({ directory, 'vie-scolaire': 5, postgres: 3, 'stand-ins': 0.5 });
      r.uncached!.runs = [3, 2, 4].map((directory) => ({ ...r.uncached!.runs[0]!, processes: processes(directory) }));
      const md = markdown(r, summarize(r));
      expect(md).toContain('| | router (a) | directory subgraph | vie-scolaire subgraph | PostgreSQL | **the hub in all** | stand-ins |');
      // 4.4 + 3 + 5 + 3 = 15.4 with the median run; the stand-ins' 0.5 left out.
      expect(md).toContain('| response cache off | 4.4 | 3 (2–4) | 5 | 3 | **15.4 (14.4–16.4)** | 0.5 |');
      // Without the processes measured (subgraphs in the backends' process), no table.
      expect(markdown(withUncached(4.4), summarize(withUncached(4.4)))).not.toContain('the hub in all');
    });

    it('is absent when the run skipped it', () => {
      const r = report([4, 4, 4], [400]);
      expect(summarize(r).targets.some((t) => t.target.includes('response cache off'))).toBe(false);
      expect(markdown(r, summarize(r))).not.toContain('with its response cache off');
    });
  });

  describe('the large académie: latency does not grow with its size', () => {
    /** (a)'s runs with the large académie: guardian p50 and p95 as given (the demo's are 55 and 70 ms). */
    const withAcademie = (p50: number, p95: number, extra: Partial<LoadResult> = {}) => {
      const r = report([4, 4, 4], [400, 400, 400]);
      const guardian = { count: 720, errors: 0, p50, p95, p99: p95 + 20 };
      r.academie = { demoPeople: 2260, people: 101766, runs: [1, 2, 3].map(() => result(60, 4.2, 90, { operations: { guardian }, ...extra })) };
      return r;
    };
    const verdict = (r: BenchReport) => summarize(r).targets.find((t) => t.target.includes('académie'))!;

    it('is met when guardian p50 and p95 stay within 20 % (or 3 ms) of the demo académie’s', () => {
      expect(verdict(withAcademie(57, 80))).toMatchObject({ status: 'met' });
      const md = markdown(withAcademie(57, 80), summarize(withAcademie(57, 80)));
      expect(md).toContain('## (a) with an académie of 101,766 people');
      expect(md).toContain('| generated, 101,766 people | 4.2 | 57 / 80 / 100 | 0 |');
    });

    it('is not met when the latency grows, or when requests failed', () => {
      expect(verdict(withAcademie(70, 80))).toMatchObject({ status: 'not met' }); // p50 55 → 70 ms
      expect(verdict(withAcademie(55, 90))).toMatchObject({ status: 'not met' }); // p95 70 → 90 ms
      expect(verdict(withAcademie(55, 70, { errors: 3 }))).toMatchObject({ status: 'not met' });
      expect(verdict(withAcademie(55, 70, { throughput: 40 }))).toMatchObject({ status: 'not met' }); // fell behind
    });

    it('compares nothing when (a) did not keep up with the demo académie', () => {
      const r = withAcademie(55, 70);
      r.fixedRate.runs.find((run) => run.router === 'a')!.result.throughput = 40;
      expect(verdict(r)).toMatchObject({ status: 'not measured' });
      expect(verdict(r).figure).toContain('no comparison');
    });

    it('says not measured when the run skipped it', () => {
      expect(verdict(report([4, 4, 4], [400]))).toMatchObject({ status: 'not measured' });
      const r = report([4, 4, 4], [400]);
      expect(markdown(r, summarize(r))).not.toContain('with an académie of');
    });
  });
});
