import { timingSafeEqual, createHash } from 'node:crypto';
import { openSealedToken, sealingKey, sealToken } from '../../lib/sealed-token.ts';
import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import { z } from 'zod';
import type { PendingLogin } from '../../connectors/sso/relying-party.ts';

/**
 * A login in progress (between `/auth/login` and `/auth/callback`) keeps no state in the router: it
 * travels in the browser's `__Host-hub_login` cookie, sealed (JWE, `dir` + A256GCM: encrypted, so
 * the nonce and PKCE verifier stay secret, and authenticated, so nobody can make or alter one).
 *
 * Why: a table of logins in progress needs a bound, and whatever the bound, a few hundred addresses
 * can fill it and lock everyone out (the second review did, with 250 addresses). A sealed cookie
 * costs the router nothing per login, so a flood costs only the flooder (and the per-address rate
 * limit on `/auth/*` refuses it early).
 *
 * What still holds:
 * - login CSRF: the callback's `state` (in the URL) must equal the sealed one, so a callback link
 *   made from someone else's login does not complete in this browser;
 * - single use: a state is accepted once (a bounded set of used states, kept until they expire;
 *   the provider's code is single-use too, so a state pushed out of a full set still gets nowhere);
 * - expiry: ten minutes, checked on the sealed expiry (the cookie's Max-Age is only a courtesy).
 */
export const LOGIN_COOKIE_TTL_SECONDS = 10 * 60;
/** Browsers keep cookies up to about 4 KiB; anything longer is not one of ours. */
const MAX_COOKIE_CHARS = 4096;
/** States kept as used; past it, the oldest go first (see above why that is safe). */
const MAX_USED_STATES = 100_000;
/** The HKDF label: the login key differs from every other key made from the same secret. */
const KEY_LABEL = 'ent-hub login cookie v1 (JWE dir A256GCM)';

/**
 * The 256-bit key sealing login cookies, derived (HKDF-SHA256, a label of its own) from
 * `ROUTER_LOGIN_SECRET`, or from the viewer-context secret when that is not set: the derived key
 * is unrelated to the viewer-context signing key, so neither reveals the other.
 */
export function loginCookieKey(secret: string | Uint8Array): Uint8Array {
  return sealingKey(secret, KEY_LABEL);
}

const sealedLogin = z.object({
  idp: z.string(),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
  createdAt: z.number(),
  returnTo: z.string().optional(),
  transport: z.enum(['cookie', 'bearer']),
});

/** Why a callback's login cookie was not accepted. */
export type LoginCookieRefusal =
  /** No cookie, one not sealed with our key, or one sealed for another login (another browser's state). */
  | 'browser-mismatch'
  /** Sealed by us for this state, but past its expiry, or already used. */
  | 'expired-or-used';

export type OpenedLogin = { ok: true; login: PendingLogin } | { ok: false; reason: LoginCookieRefusal };

const digest = (value: string) => createHash('sha256').update(value).digest();

export class LoginCookies {
  readonly #used: LRUCache<string, true>;

  constructor(
    private readonly key: Uint8Array,
    private readonly ttlSeconds: number = LOGIN_COOKIE_TTL_SECONDS,
  ) {
    this.#used = boundedCache({ maxEntries: MAX_USED_STATES, ttl: ttlSeconds * 1000 });
  }

  /** The cookie value carrying this login in progress. */
  seal(login: PendingLogin): Promise<string> {
    return sealToken(this.key, { login }, this.ttlSeconds);
  }

  /**
   * The login of this callback: the cookie must be ours, unexpired, sealed for the callback's
   * `state`, and not used before. An accepted login is marked used at once.
   */
  async open(cookie: string | undefined, state: string): Promise<OpenedLogin> {
    if (!cookie || cookie.length > MAX_COOKIE_CHARS) return { ok: false, reason: 'browser-mismatch' };
    const opened = await openSealedToken(this.key, cookie);
    if (!opened.ok) return { ok: false, reason: opened.reason === 'expired' ? 'expired-or-used' : 'browser-mismatch' };
    const parsed = sealedLogin.safeParse(opened.claims.login);
    if (!parsed.success) return { ok: false, reason: 'browser-mismatch' };
    const login = parsed.data;
    // Digests have one length, so the comparison takes the same time whatever the URL says.
    if (!timingSafeEqual(digest(login.state), digest(state))) return { ok: false, reason: 'browser-mismatch' };
    if (this.#used.has(login.state)) return { ok: false, reason: 'expired-or-used' };
    this.#used.set(login.state, true);
    return { ok: true, login };
  }
}
