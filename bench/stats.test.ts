import { describe, expect, it } from 'vitest';
import { formatSpread, percentile, spread } from './stats.ts';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('takes the nearest rank', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 9], 50)).toBe(7);
    expect(percentile([7, 9], 99)).toBe(9);
  });
  it('says 0 for no samples', () => expect(percentile([], 99)).toBe(0));
});

describe('spread', () => {
  it('gives the median and the range of repetitions', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('ignores repetitions without a figure', () => {
    expect(spread([Number.NaN, 2, Infinity])).toEqual({ median: 2, min: 2, max: 2, n: 1 });
    expect(spread([])).toBeUndefined();
  });
  it('prints the median with its range', () => {
    expect(formatSpread(spread([4.16, 3.91, 4.64]), 1, ' ms')).toBe('4.2 ms (3.9 ms–4.6 ms)');
    expect(formatSpread(spread([2]))).toBe('2');
    expect(formatSpread(undefined)).toBe('–');
  });
});
