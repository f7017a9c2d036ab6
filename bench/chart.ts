/**
 * The chart of `npm run bench`: latency percentiles (p50, p99 of every request of the mix) against
 * the offered rate of the saturation ramp, one line per router and percentile, rendered to SVG in
 * Node by vega-lite and vega (no browser).
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { spread } from './stats.ts';

/** One step of one router's ramp, as far as the chart cares. */
export interface RampStepLatency {
  router: string;
  rate: number;
  p50: number;
  p99: number;
}

export interface ChartPoint {
  router: string;
  rate: number;
  percentile: 'p50' | 'p99';
  latencyMs: number;
}

export const CHART_TITLES = { x: 'offered rate (requests/s)', y: 'latency (ms, log scale)' } as const;

/** Steps of several repetitions, merged: the median latency per router, rate and percentile. */
export function chartPoints(steps: readonly RampStepLatency[]): ChartPoint[] {
  const groups = new Map<string, { router: string; rate: number; p50: number[]; p99: number[] }>();
  for (const s of steps) {
    const key = `${s.router}\u0000${s.rate}`;
    const g = groups.get(key) ?? { router: s.router, rate: s.rate, p50: [], p99: [] };
    g.p50.push(s.p50);
    g.p99.push(s.p99);
    groups.set(key, g);
  }
  return [...groups.values()].flatMap((g) =>
    (['p50', 'p99'] as const).map((percentile) => ({
      router: g.router,
      rate: g.rate,
      percentile,
      // A latency of 0 (no answer counted) cannot sit on a log scale: 0.1 ms marks it.
      latencyMs: Math.max(0.1, spread(g[percentile])?.median ?? 0.1),
    })),
  );
}

export function latencyChartSpec(points: readonly ChartPoint[], limitMs: number, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 320,
    background: 'white',
    // Router names are long; vega would cut them at 160 px.
    config: { legend: { labelLimit: 400 } },
    layer: [
      {
        data: { values: [...points] },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'rate', type: 'quantitative', title: CHART_TITLES.x, axis: { format: 'd' } },
          y: { field: 'latencyMs', type: 'quantitative', title: CHART_TITLES.y, scale: { type: 'log' } },
          color: { field: 'router', type: 'nominal', title: 'router' },
          // Dashes on the lines, shapes on the points (and in the legend): p50 and p99 apart at a glance.
          strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile' },
          shape: { field: 'percentile', type: 'nominal', title: 'percentile' },
        },
      },
      {
        data: { values: [{ limit: limitMs }] },
        mark: { type: 'rule', color: 'gray', strokeDash: [2, 2] },
        encoding: { y: { field: 'limit', type: 'quantitative' } },
      },
    ],
  };
}

/** The chart as an SVG document. */
export async function renderLatencyChart(steps: readonly RampStepLatency[], limitMs: number, title: string): Promise<string> {
  const spec = compile(latencyChartSpec(chartPoints(steps), limitMs, title)).spec;
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
