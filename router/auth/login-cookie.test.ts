import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PendingLogin } from '../../connectors/sso/relying-party.ts';
import { loginCookieKey, LoginCookies } from './login-cookie.ts';

const secret = randomBytes(32).toString('base64url');
const pending = (state: string): PendingLogin => ({
  idp: 'educonnect',
  state,
  nonce: 'n'.repeat(43),
  codeVerifier: 'v'.repeat(43),
  redirectUri: 'https://hub.example/auth/callback',
  createdAt: Date.now(),
  returnTo: '/notes',
  transport: 'cookie',
});

describe('logins in progress sealed in the browser’s cookie', () => {
  afterEach(() => vi.useRealTimers());

  it('opens once, for its own state only; the nonce and verifier are not readable in the cookie', async () => {
    const cookies = new LoginCookies(loginCookieKey(secret));
    const login = pending('s1');
    const sealed = await cookies.seal(login);
    expect(sealed).not.toContain('nnnn');
    expect(Buffer.from(sealed.split('.')[3] ?? '', 'base64url').toString()).not.toContain('educonnect');
    expect(await cookies.open(sealed, 's2')).toEqual({ ok: false, reason: 'browser-mismatch' });
    expect(await cookies.open(sealed, 's1')).toEqual({ ok: true, login });
    expect(await cookies.open(sealed, 's1')).toEqual({ ok: false, reason: 'expired-or-used' });
  });

  it('refuses a cookie sealed with another key, altered, absent or oversized', async () => {
    const ours = new LoginCookies(loginCookieKey(secret));
    const theirs = new LoginCookies(loginCookieKey(randomBytes(32).toString('base64url')));
    const sealed = await theirs.seal(pending('s'));
    const own = await ours.seal(pending('s'));
    const altered = `${own.slice(0, -30)}${own.at(-30) === 'A' ? 'B' : 'A'}${own.slice(-29)}`;
    for (const cookie of [sealed, altered, undefined, '', 'a.b.c.d.e', 'x'.repeat(10_000)]) {
      expect(await ours.open(cookie, 's'), String(cookie).slice(0, 20)).toEqual({ ok: false, reason: 'browser-mismatch' });
    }
    expect((await ours.open(own, 's')).ok).toBe(true);
  });

  it('refuses a cookie past its sealed expiry, whatever the browser kept', async () => {
    vi.useFakeTimers({ now: 1_000_000_000_000 });
    const cookies = new LoginCookies(loginCookieKey(secret), 600);
    const sealed = await cookies.seal(pending('late'));
    vi.setSystemTime(1_000_000_000_000 + 601_000);
    expect(await cookies.open(sealed, 'late')).toEqual({ ok: false, reason: 'expired-or-used' });
  });

  it('derives a key of its own: the same secret gives another key than the secret itself', () => {
    const key = loginCookieKey(secret);
    expect(key).toHaveLength(32);
    expect(Buffer.from(key).equals(Buffer.from(secret).subarray(0, 32))).toBe(false);
    expect(Buffer.from(loginCookieKey(new TextEncoder().encode(secret))).equals(Buffer.from(key))).toBe(true);
  });
});
