import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { boundedCache } from './bounded-cache.ts';

/** Heap used by what `make` returns and keeps alive, after collection (vitest runs with --expose-gc below). */
function heapCostOf(make: () => unknown): number {
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  collect();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  collect();
  const after = process.memoryUsage().heapUsed;
  expect(kept).toBeDefined();
  return after - before;
}

describe('boundedCache', () => {
  it('evicts the least recently used entry past its bound, like lru-cache with max', () => {
    const cache = boundedCache<string, number>({ maxEntries: 3 });
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i);
    cache.get('a'); // a is now the most recently used: b goes first
    cache.set('d', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    cache.set('e', 4);
    expect(cache.size).toBe(3);
    expect(cache.has('c')).toBe(false);
  });

  it('keeps entries for their ttl only', async () => {
    const cache = boundedCache<string, true>({ maxEntries: 10, ttl: 30 });
    cache.set('state', true);
    expect(cache.get('state')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.get('state')).toBeUndefined();
  });

  it('costs nothing for a bound it does not use (lru-cache with max allocates it up front)', () => {
    // The router's largest table: sessions for 200,000 people.
    const preallocated = heapCostOf(() => new LRUCache<string, object>({ max: 200_000, ttl: 60_000 }));
    const bounded = heapCostOf(() => boundedCache<string, object>({ maxEntries: 200_000, ttl: 60_000 }));
    expect(preallocated).toBeGreaterThan(2_000_000);
    expect(bounded).toBeLessThan(200_000);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => boundedCache({ maxEntries })).toThrow(/maxEntries must be a positive integer/);
    }
  });
});
