import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressKey, MemoryRateLimitStore } from './use-rate-limit.ts';

describe('rate-limit counters', () => {
  afterEach(() => vi.useRealTimers());

  it('count per key within a fixed window, and start again when it ends', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryRateLimitStore(10);
    expect(store.hit('a', 60_000)).toEqual({ count: 1, resetAt: 1_060_000 });
    expect(store.hit('a', 60_000).count).toBe(2);
    expect(store.hit('b', 60_000).count).toBe(1);
    vi.setSystemTime(1_060_000);
    expect(store.hit('a', 60_000)).toEqual({ count: 1, resetAt: 1_120_000 });
  });

  it('keep at most maxKeys counters (least recently used out): a flood of new keys cannot grow memory', () => {
    const store = new MemoryRateLimitStore(100);
    for (let i = 0; i < 10_000; i++) store.hit(`k${i}`, 60_000);
    // The oldest were dropped: k0 starts again; the most recent is still counted.
    expect(store.hit('k0', 60_000).count).toBe(1);
    expect(store.hit('k9999', 60_000).count).toBe(2);
  });

  it('count an IPv6 client by its /64 (a subscriber holds a whole /64), an IPv4 one by its address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
  });
});
