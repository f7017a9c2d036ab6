import { describe, expect, it } from 'vitest';
import { clientKey, PendingLogins } from './pending-logins.ts';

describe('pending logins', () => {
  const make = (perClient = 2, max = 4) => {
    let now = 1_000_000;
    const store = new PendingLogins<string>({ perClient, max, ttlMs: 60_000 }, () => now);
    return { store, advance: (ms: number) => (now += ms) };
  };
  const start = (store: PendingLogins<string>, client: string, state: string) => {
    const admission = store.admit(client);
    if (admission.admitted) admission.add(state, `login ${state}`);
    return admission;
  };

  it('refuses a client over its cap instead of evicting anyone, and says when to retry', () => {
    const { store, advance } = make();
    expect(start(store, '192.0.2.1', 'a').admitted).toBe(true);
    advance(10_000);
    expect(start(store, '192.0.2.1', 'b').admitted).toBe(true);
    expect(start(store, '192.0.2.1', 'c')).toEqual({ admitted: false, reason: 'client-limit', retryAfterSeconds: 50 });
    expect(start(store, '192.0.2.2', 'd').admitted).toBe(true);
    expect(store.peek('a')).toBe('login a');
  });

  it('refuses everyone past the global bound; a taken login frees its place', () => {
    const { store } = make(2, 3);
    start(store, '192.0.2.1', 'a');
    start(store, '192.0.2.2', 'b');
    start(store, '192.0.2.3', 'c');
    expect(start(store, '192.0.2.4', 'd')).toMatchObject({ admitted: false, reason: 'global-limit' });
    expect(store.take('b')).toBe('login b');
    expect(store.take('b')).toBeUndefined();
    expect(start(store, '192.0.2.4', 'd').admitted).toBe(true);
    expect(store.size).toBe(3);
  });

  it('forgets expired logins, and a cancelled reservation gives its place back', () => {
    const { store, advance } = make(1, 10);
    start(store, '192.0.2.1', 'a');
    advance(60_001);
    expect(store.peek('a')).toBeUndefined();
    const reservation = store.admit('192.0.2.1');
    expect(reservation.admitted).toBe(true);
    if (reservation.admitted) reservation.cancel();
    expect(store.size).toBe(0);
    expect(start(store, '192.0.2.1', 'b').admitted).toBe(true);
  });

  it('counts IPv6 clients by /64', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
