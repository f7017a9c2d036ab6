import { LRUCache } from 'lru-cache';

/** lru-cache's options, the bound given as a number of entries (`maxEntries`) instead of its own `max` or `maxSize`. */
export type BoundedCacheOptions<K extends NonNullable<unknown>, V extends NonNullable<unknown>, FC = unknown> = Omit<
  LRUCache.OptionsBase<K, V, FC>,
  'max' | 'maxSize' | 'maxEntrySize' | 'sizeCalculation'
> & {
  /** At most this many entries: setting one more evicts the least recently used. */
  maxEntries: number;
};

/**
 * An LRU cache of at most `maxEntries` entries whose memory grows with what it holds.
 *
 * lru-cache allocates its tables for `max` entries when it is created: the router's tables (sessions
 * sized for 200,000 people, rate-limit windows and login states for 100,000) held about 20 MB with
 * nobody logged in. Bounded by size instead, each entry counting 1, the same bound costs nothing
 * until it is used (docs/performance.md, the router's memory).
 */
export function boundedCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>, FC = unknown>(
  options: BoundedCacheOptions<K, V, FC>,
): LRUCache<K, V, FC> {
  const { maxEntries, ...rest } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
  return new LRUCache<K, V, FC>({ ...rest, maxSize: maxEntries, sizeCalculation: () => 1 });
}
