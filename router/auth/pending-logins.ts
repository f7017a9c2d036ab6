import { isIP } from 'node:net';

/**
 * Logins in progress (between `/auth/login` and `/auth/callback`), bounded so that nobody can push
 * out someone else's: each client (address, or IPv6 /64) may hold at most `perClient`, everyone
 * together at most `max`, and past either bound a *new* login is refused (the caller answers 429 or
 * 503 with Retry-After). Nothing is ever evicted early: a pending login only leaves when its callback
 * takes it or it expires. An LRU would let a flood from one address evict a person typing her
 * password elsewhere; refusing the newcomer instead makes the flood cost only the flooder.
 */
export interface PendingLoginLimits {
  perClient: number;
  max: number;
  ttlMs: number;
}

export type Admission<T> =
  | { admitted: true; add(state: string, value: T): void; cancel(): void }
  | { admitted: false; reason: 'client-limit' | 'global-limit'; retryAfterSeconds: number };

interface Entry<T> {
  value: T;
  client: string;
  expiresAt: number;
}

export class PendingLogins<T> {
  /** By state; insertion order is expiry order (one TTL), which makes the sweep cheap. */
  readonly #entries = new Map<string, Entry<T>>();
  /** Per client, the expiry times of its pending logins and reservations (at most `perClient`). */
  readonly #clients = new Map<string, number[]>();
  #count = 0;

  constructor(
    private readonly limits: PendingLoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#count;
  }

  /**
   * Reserves a place for a new login of this client before any work is done for it (so concurrent
   * requests cannot overshoot the bounds), or says why not and when to retry.
   */
  admit(address: string): Admission<T> {
    const now = this.now();
    this.#sweep(now);
    const client = clientKey(address);
    const held = this.#clients.get(client) ?? [];
    if (held.length >= this.limits.perClient) {
      return { admitted: false, reason: 'client-limit', retryAfterSeconds: secondsUntil(Math.min(...held), now) };
    }
    if (this.#count >= this.limits.max) {
      const oldest = this.#entries.values().next().value as Entry<T> | undefined;
      return { admitted: false, reason: 'global-limit', retryAfterSeconds: secondsUntil(oldest?.expiresAt ?? now + this.limits.ttlMs, now) };
    }
    const expiresAt = now + this.limits.ttlMs;
    held.push(expiresAt);
    this.#clients.set(client, held);
    this.#count++;
    let settled = false;
    return {
      admitted: true,
      add: (state, value) => {
        if (settled) return;
        settled = true;
        this.#entries.set(state, { value, client, expiresAt });
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        this.#release(client, expiresAt);
      },
    };
  }

  /** The pending login of this state, without taking it (a callback first checks it belongs to the browser). */
  peek(state: string): T | undefined {
    const entry = this.#entries.get(state);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#remove(state, entry);
      return undefined;
    }
    return entry.value;
  }

  /** Takes it: single use, a replayed callback finds nothing. */
  take(state: string): T | undefined {
    const value = this.peek(state);
    const entry = this.#entries.get(state);
    if (entry) this.#remove(state, entry);
    return value;
  }

  #sweep(now: number): void {
    for (const [state, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#remove(state, entry);
    }
  }

  #remove(state: string, entry: Entry<T>): void {
    this.#entries.delete(state);
    this.#release(entry.client, entry.expiresAt);
  }

  #release(client: string, expiresAt: number): void {
    const held = this.#clients.get(client);
    if (!held) return;
    const i = held.indexOf(expiresAt);
    if (i >= 0) held.splice(i, 1);
    if (held.length === 0) this.#clients.delete(client);
    this.#count--;
  }
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/**
 * The unit a limit counts: an IPv4 address, or an IPv6 /64 (one subscriber gets a whole /64, so
 * counting single IPv6 addresses would let anyone take 2^64 places).
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::', 2) as [string, string?];
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups; only the first four matter here.
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
