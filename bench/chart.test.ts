import { describe, expect, it } from 'vitest';
import { CHART_TITLES, chartPoints, renderLatencyChart, type RampStepLatency } from './chart.ts';

const steps: RampStepLatency[] = [
  { router: '(a) hub router', rate: 50, p50: 52, p99: 70 },
  { router: '(a) hub router', rate: 50, p50: 54, p99: 90 },
  { router: '(a) hub router', rate: 50, p50: 53, p99: 80 },
  { router: '(a) hub router', rate: 100, p50: 60, p99: 400 },
  { router: '(b) gateway runtime, bare', rate: 50, p50: 51, p99: 66 },
  { router: '(b) gateway runtime, bare', rate: 100, p50: 55, p99: 120 },
  { router: '(c) @apollo/gateway', rate: 50, p50: 53, p99: 75 },
  { router: '(c) @apollo/gateway', rate: 100, p50: 0, p99: 0 },
];

describe('latency chart', () => {
  it('takes the median of the repetitions per router, rate and percentile', () => {
    const points = chartPoints(steps);
    expect(points.find((p) => p.router === '(a) hub router' && p.rate === 50 && p.percentile === 'p99')?.latencyMs).toBe(80);
    expect(points.filter((p) => p.router === '(a) hub router')).toHaveLength(4);
    expect(points.find((p) => p.router === '(c) @apollo/gateway' && p.rate === 100)?.latencyMs).toBe(0.1);
  });

  it('renders an SVG with each router in the legend and both axis titles', async () => {
    const svg = await renderLatencyChart(steps, 150, 'Latency against offered rate');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['(a) hub router', '(b) gateway runtime, bare', '(c) @apollo/gateway', CHART_TITLES.x, CHART_TITLES.y, 'p50', 'p99'])
      expect(svg).toContain(`>${text}</text>`);
  });
});
