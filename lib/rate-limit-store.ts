import type { LRUCache } from 'lru-cache';
import { boundedCache } from './bounded-cache.ts';

/**
 * Fixed-window request counters, shared by every rate limit of the hub (the router's per address and
 * per viewer, the calendar feeds' per token).
 */
export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch milliseconds). */
  resetAt: number;
}

/**
 * Where the counters live. In memory by default (one process); a shared store (PostgreSQL, say) lets
 * several instances count together: `hit` must then be atomic (an upsert that increments).
 */
export interface RateLimitStore {
  /** Counts one request for `key` in its current fixed window of `windowMs`. */
  hit(key: string, windowMs: number): RateLimitHit | Promise<RateLimitHit>;
}

/** Fixed windows in a bounded LRU: an attacker cycling keys evicts old counters, never grows memory. */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows: LRUCache<string, RateLimitHit>;
  constructor(maxKeys: number) {
    this.#windows = boundedCache({ maxEntries: Math.max(1, maxKeys) });
  }
  hit(key: string, windowMs: number): RateLimitHit {
    const now = Date.now();
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetAt: window.resetAt };
  }
}

/** Seconds until a window ends, as `Retry-After` says it (at least 1). */
export const retryAfterSeconds = (hit: RateLimitHit, now = Date.now()): number => Math.max(1, Math.ceil((hit.resetAt - now) / 1000));
