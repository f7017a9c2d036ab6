/** Small statistics of the benchmark: percentiles of latencies, median and spread of repetitions. */

/** The p-th percentile (nearest rank) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Rounded to `digits` decimals (figures are printed, not computed with). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The median and the range of repetitions of one figure. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many repetitions gave a figure. */
  n: number;
}

/** Median (the mean of the two middle values for an even count) and min–max; undefined for none. */
export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const mid = Math.floor(finite.length / 2);
  const median = finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
  return { median, min: finite[0]!, max: finite.at(-1)!, n: finite.length };
}

/** "4.2 (3.9–4.6)": a median with its range, or just the value for one repetition. */
export function formatSpread(s: Spread | undefined, digits = 1, unit = ''): string {
  if (!s) return '–';
  const f = (v: number) => `${round(v, digits)}${unit}`;
  return s.n === 1 || s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
