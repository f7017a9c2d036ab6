import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { newSessionCredentials, sessionOfSecret, type HubSession, type SessionStore, type SessionTimeouts } from '../../store/sessions/session.ts';
import { LoginError } from '../../connectors/sso/errors.ts';
import type { LoginOutcome } from './session-metrics.ts';
import type { LinkedPerson } from '../../connectors/sso/linking.ts';
import type { IdentityProviderConfig } from '../../connectors/sso/provider-config.ts';
import { RelyingParty, type PendingLogin } from '../../connectors/sso/relying-party.ts';
import type { Logger } from '../../lib/logger.ts';
import { escapeMarkup } from '../../lib/markup.ts';
import { BodyTooLargeError, readRequestBody } from '../../lib/read-body.ts';
import { requestIdOf } from '../request-id.ts';
import {
  bearerTokenOf,
  clearedLoginBindingCookie,
  clearedSessionCookie,
  LOGIN_BINDING_COOKIE,
  loginBindingCookie,
  readCookie,
  SESSION_COOKIE,
  SESSION_TOKEN_PREFIX,
  sessionCookie,
  sessionSecretOfToken,
} from '../auth/cookies.ts';
import { LOGIN_COOKIE_TTL_SECONDS, LoginCookies } from '../auth/login-cookie.ts';
import { safeReturnTo } from '../auth/return-to.ts';

export interface LoginOptions {
  /** The router's public base URL (the OIDC redirect URI is `{publicUrl}/auth/callback`). */
  publicUrl: () => string;
  /** Read on each login, so providers started after the router (the embedded ones) can be added. */
  providers: () => IdentityProviderConfig[];
  sessions: SessionStore;
  timeouts: SessionTimeouts;
  /** Links a provider's claims to one directory person, or throws a LoginError. Injected by the hub. */
  link(claims: Record<string, unknown>, provider: IdentityProviderConfig): Promise<LinkedPerson>;
  /**
   * What the directory says today of a linked person (`undefined`: gone). Sessions re-read their
   * facts through it every few minutes, so a right lost in the directory is lost in the hub too.
   */
  relink?(personId: string): Promise<LinkedPerson | undefined>;
  /** The key sealing logins in progress into the browser's cookie (router/auth/login-cookie.ts). */
  loginCookieKey: Uint8Array;
  log: Logger;
  /** Told how each login ended (`hub_logins_total`). */
  onLogin?: (outcome: LoginOutcome) => void;
}

/** Bodies read on `/auth/*` (a logout form, a back-channel logout token) are small; never buffer more. */
const MAX_AUTH_BODY_BYTES = 16 * 1024;

const STATUS_OF: Record<LoginError['reason'], number> = {
  'unknown-provider': 400,
  'unknown-or-expired-state': 400,
  'browser-mismatch': 403,
  'provider-error': 502,
  'token-rejected': 401,
  'no-directory-match': 403,
  'ambiguous-directory-match': 403,
  'profile-mismatch': 403,
};

const TITLE_OF: Record<LoginError['reason'], string> = {
  'unknown-provider': 'Fournisseur d’identité inconnu',
  'unknown-or-expired-state': 'Connexion expirée ou déjà utilisée : recommencez',
  'browser-mismatch': 'Cette connexion n’a pas été commencée dans ce navigateur : recommencez',
  'provider-error': 'Le fournisseur d’identité ne répond pas',
  'token-rejected': 'La réponse du fournisseur d’identité a été refusée',
  'no-directory-match': 'Aucun compte de l’annuaire ne correspond à cette connexion',
  'ambiguous-directory-match': 'Plusieurs comptes de l’annuaire correspondent à cette connexion',
  'profile-mismatch': 'Le profil de connexion ne correspond pas à l’annuaire',
};

/**
 * A provider's `error=` on the callback (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6): the person
 * cancelled or the provider declined, which is no gateway failure. Only the provider's own outages
 * (`server_error`, `temporarily_unavailable`) are 5xx.
 */
function providerErrorAnswer(code: string): { status: number; title: string } {
  switch (code) {
    case 'access_denied':
      return { status: 403, title: 'Connexion annulée ou refusée par le fournisseur d’identité' };
    case 'login_required':
    case 'interaction_required':
    case 'consent_required':
    case 'account_selection_required':
      return { status: 401, title: 'Le fournisseur d’identité demande de vous connecter à nouveau' };
    case 'server_error':
      return { status: 502, title: 'Le fournisseur d’identité a rencontré une erreur' };
    case 'temporarily_unavailable':
      return { status: 503, title: 'Le fournisseur d’identité est momentanément indisponible' };
    default:
      return { status: 400, title: 'Le fournisseur d’identité a refusé la demande de connexion' };
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * The logout form's CSRF token: an HMAC keyed by the session secret, so only a page served to the
 * cookie's holder can carry it, and any router instance can check it without storing anything.
 */
const logoutFormToken = (secret: string) => createHmac('sha256', secret).update('hub-logout-form').digest('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = sha256(a);
  const y = sha256(b);
  return timingSafeEqual(x, y);
}

/** An auth form's body, or undefined past the limit (the caller answers 413 or refuses). */
function authFormBody(request: Request): Promise<string | undefined> {
  return readRequestBody(request, MAX_AUTH_BODY_BYTES).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  });
}

/**
 * The hub's login: `/auth/login?idp=…`, `/auth/callback`, `/auth/logout`, and
 * `/auth/backchannel-logout/{idp}`. A login in progress lives, sealed, in the cookie of the browser
 * that started it (login CSRF; no state in the router, so no flood can fill anything: see
 * router/auth/login-cookie.ts); a successful login always creates a new session
 * (no fixation), stored server-side under the hash of its secret; the browser gets the secret in an
 * HttpOnly cookie, an app as a bearer token, and each only works through its own carrier.
 */
export function useLogin(options: LoginOptions): GatewayPlugin {
  const relyingParties = new Map<string, RelyingParty>();
  const party = (id: string | undefined): RelyingParty | undefined => {
    if (!id) return undefined;
    let rp = relyingParties.get(id);
    const provider = options.providers().find((p) => p.id === id);
    if (!rp && provider) relyingParties.set(id, (rp = new RelyingParty(provider)));
    return rp;
  };
  const loginCookies = new LoginCookies(options.loginCookieKey);
  const redirectUri = () => `${options.publicUrl()}/auth/callback`;
  const origin = () => new URL(options.publicUrl()).origin;
  const maxAge = Math.floor(options.timeouts.absoluteMs / 1000);

  type HeaderList = [string, string][];
  const html = (status: number, title: string, body: string, headers: HeaderList = []) =>
    new Response(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title></head><body><main><h1>${escapeMarkup(title)}</h1>${body}</main></body></html>`,
      {
        status,
        headers: [
          ['content-type', 'text/html; charset=utf-8'],
          ['cache-control', 'no-store'],
          // No page of the login may be framed (a hidden logout button, say), and the callback's
          // URL (code, state) never leaves in a Referer.
          ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
          ['x-frame-options', 'DENY'],
          ['referrer-policy', 'no-referrer'],
          ...headers,
        ],
      },
    );
  const loginFailed = (error: LoginError, headers: HeaderList = []) => {
    options.onLogin?.(error.reason);
    return html(STATUS_OF[error.reason], TITLE_OF[error.reason], `<p>${escapeMarkup(error.message)}</p><p><a href="/auth/login">Réessayer</a></p>`, headers);
  };
  const redirect = (location: string, headers: HeaderList = []) =>
    new Response(null, { status: 302, headers: [['location', location], ['cache-control', 'no-store'], ['referrer-policy', 'no-referrer'], ...headers] });

  async function login(url: URL): Promise<Response> {
    const idp = url.searchParams.get('idp') ?? undefined;
    const rp = party(idp);
    if (!rp) {
      // The page the person came from goes along with the choice of provider (checked again then).
      const returnTo = safeReturnTo(url.searchParams.get('return_to'), origin());
      const along = returnTo ? `&return_to=${encodeURIComponent(returnTo)}` : '';
      const links = options
        .providers()
        .map((p) => `<li><a href="${escapeMarkup(`/auth/login?idp=${encodeURIComponent(p.id)}${along}`)}">${escapeMarkup(p.label)}</a></li>`);
      return html(idp ? 400 : 200, idp ? TITLE_OF['unknown-provider'] : 'Se connecter', `<ul>${links.join('')}</ul>`);
    }
    const started = await rp.startLogin(redirectUri(), {
      returnTo: safeReturnTo(url.searchParams.get('return_to'), origin()),
      transport: url.searchParams.get('response') === 'token' ? 'bearer' : 'cookie',
    });
    // Login CSRF: the callback must come back to this browser, which alone holds the sealed login.
    // A link to `/auth/callback?code=…` made from the attacker's own login names a state the
    // victim's cookie does not carry. Apps (`response=token`) run the flow in a web view or browser
    // with cookies, and are bound alike.
    const sealed = await loginCookies.seal(started.pending);
    return redirect(started.url, [['set-cookie', loginBindingCookie(sealed, LOGIN_COOKIE_TTL_SECONDS)]]);
  }

  async function callback(url: URL, request: Request): Promise<Response> {
    const state = url.searchParams.get('state') ?? '';
    const opened = await loginCookies.open(readCookie(request.headers.get('cookie'), LOGIN_BINDING_COOKIE), state);
    if (!opened.ok) {
      if (opened.reason === 'expired-or-used') throw new LoginError('unknown-or-expired-state', 'this login link is expired or already used');
      // Nothing is consumed: the browser that started this login can still finish it.
      options.log.warn({ requestId: requestIdOf(request), reason: 'browser-mismatch' }, 'login refused');
      throw new LoginError('browser-mismatch', 'open the login link from the browser where you started logging in');
    }
    const cleared: HeaderList = [['set-cookie', clearedLoginBindingCookie()]];
    try {
      return await complete(url, request, opened.login, cleared);
    } catch (error) {
      if (error instanceof LoginError) return loginFailed(error, cleared);
      throw error;
    }
  }

  async function complete(url: URL, request: Request, entry: PendingLogin, cleared: HeaderList): Promise<Response> {
    const rp = party(entry.idp);
    if (!rp) throw new LoginError('unknown-provider', `identity provider ${entry.idp} is no longer configured`);
    const providerError = url.searchParams.get('error');
    if (providerError !== null) {
      const { status, title } = providerErrorAnswer(providerError);
      // The code is the provider's (or whoever made the link): shown escaped and cut short, the
      // free-text description not at all (it would let a link write on the hub's page).
      const code = providerError.slice(0, 64);
      options.log.info({ requestId: requestIdOf(request), idp: entry.idp, providerError: code }, 'login not completed at the provider');
      return html(
        status,
        title,
        `<p>Code renvoyé par le fournisseur d’identité : <code>${escapeMarkup(code)}</code></p><p><a href="/auth/login">Réessayer</a></p>`,
        cleared,
      );
    }
    const completed = await rp.finishLogin(url, entry);
    const userAgent = request.headers.get('user-agent')?.slice(0, 200) ?? undefined;
    let linked: LinkedPerson;
    try {
      linked = await options.link(completed.claims, rp.provider);
    } catch (error) {
      options.log.warn({ requestId: requestIdOf(request), idp: entry.idp, reason: (error as LoginError).reason }, 'login refused');
      // A refusal that names one person (a profile mismatch) is theirs to see: someone logged in as them.
      if (error instanceof LoginError && error.personId) {
        await options.sessions.recordLogin({ personId: error.personId, at: Date.now(), idp: entry.idp, outcome: 'refused', reason: error.reason, userAgent });
      }
      throw error;
    }
    const now = Date.now();
    const { id, secret, secretHash } = newSessionCredentials();
    const session: HubSession = {
      id,
      secretHash,
      ...linked,
      idp: entry.idp,
      idpSubject: completed.subject,
      idpSessionId: completed.idpSessionId,
      idToken: completed.idToken,
      createdAt: now,
      lastSeenAt: now,
      factsAt: now,
      transport: entry.transport,
      userAgent,
    };
    await options.sessions.put(session);
    await options.sessions.recordLogin({ personId: session.personId, at: now, idp: entry.idp, outcome: 'success', userAgent: session.userAgent });
    options.onLogin?.('success');
    options.log.info({ requestId: requestIdOf(request), idp: entry.idp, profile: session.profile, transport: session.transport }, 'login');
    if (entry.transport === 'bearer') {
      return Response.json(
        { token: `${SESSION_TOKEN_PREFIX}${secret}`, expiresAt: new Date(now + options.timeouts.absoluteMs).toISOString(), profile: session.profile },
        { headers: [['cache-control', 'no-store'], ...cleared] },
      );
    }
    return redirect(entry.returnTo ?? '/', [['set-cookie', sessionCookie(secret, maxAge)], ...cleared]);
  }

  /** `GET /auth/logout`: a page with the logout button, never a logout (any link or image could GET it). */
  async function logoutPage(request: Request): Promise<Response> {
    const secret = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    const session = secret ? await sessionOfSecret(options.sessions, secret, 'cookie') : undefined;
    if (!secret || !session) return html(200, 'Vous n’êtes pas connecté', '<p><a href="/auth/login">Se connecter</a></p>');
    return html(
      200,
      'Se déconnecter',
      `<form method="post" action="/auth/logout"><input type="hidden" name="csrf" value="${escapeMarkup(logoutFormToken(secret))}"><button type="submit">Se déconnecter</button></form>`,
    );
  }

  /**
   * `POST /auth/logout`. An app's bearer token is no ambient credential, so it logs out as is. A
   * cookie session only with what a cross-site page cannot send: the `x-graphql-csrf` header (a
   * custom header needs a CORS preflight) or the logout page's form token.
   */
  async function logout(request: Request): Promise<Response> {
    const bearer = sessionSecretOfToken(bearerTokenOf(request));
    if (bearer !== undefined) {
      const session = await sessionOfSecret(options.sessions, bearer, 'bearer');
      if (session) await options.sessions.delete(session.id);
      return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
    }
    const secret = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (!secret) return redirect('/auth/logged-out', [['set-cookie', clearedSessionCookie()]]);
    let allowed = request.headers.has('x-graphql-csrf');
    if (!allowed && (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      const body = await authFormBody(request);
      const token = body === undefined ? null : new URLSearchParams(body).get('csrf');
      allowed = token !== null && sameSecret(token, logoutFormToken(secret));
    }
    if (!allowed) {
      options.log.warn({ requestId: requestIdOf(request), reason: 'missing-csrf-proof' }, 'logout refused');
      return html(403, 'Déconnexion refusée : utilisez le bouton de déconnexion du hub', '<p><a href="/auth/logout">Se déconnecter</a></p>');
    }
    const session = await sessionOfSecret(options.sessions, secret, 'cookie');
    if (session) await options.sessions.delete(session.id);
    options.log.info({ requestId: requestIdOf(request), idp: session?.idp }, 'logout');
    // RP-initiated logout: the provider ends its own session too, then sends the browser back.
    const providerLogout =
      session &&
      (await party(session.idp)
        ?.logoutUrl(session.idToken, `${options.publicUrl()}/auth/logged-out`)
        .catch(() => undefined));
    return redirect(providerLogout ?? '/auth/logged-out', [['set-cookie', clearedSessionCookie()]]);
  }

  async function backchannelLogout(idp: string, request: Request): Promise<Response> {
    const rp = party(idp);
    if (!rp) return new Response('unknown provider', { status: 404 });
    const body = await authFormBody(request);
    if (body === undefined) return Response.json({ error: 'invalid_request', error_description: 'body too large' }, { status: 413 });
    const form = new URLSearchParams(body);
    try {
      const { sid, sub } = await rp.verifyLogoutToken(form.get('logout_token') ?? '');
      const ended = await options.sessions.deleteByIdpSession(idp, { idpSessionId: sid, idpSubject: sid ? undefined : sub });
      options.log.info({ requestId: requestIdOf(request), idp, ended }, 'back-channel logout');
      return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      options.log.warn({ requestId: requestIdOf(request), idp, err: (error as Error).message }, 'back-channel logout refused');
      return Response.json({ error: 'invalid_request', error_description: (error as Error).message }, { status: 400 });
    }
  }

  async function route(request: Request, url: URL): Promise<Response | undefined> {
    const { pathname } = url;
    if (pathname === '/auth/login' && request.method === 'GET') return login(url);
    if (pathname === '/auth/callback' && request.method === 'GET') return callback(url, request);
    if (pathname === '/auth/logout' && request.method === 'GET') return logoutPage(request);
    if (pathname === '/auth/logout' && request.method === 'POST') return logout(request);
    if (pathname === '/auth/logged-out') return html(200, 'Vous êtes déconnecté', '<p><a href="/auth/login">Se reconnecter</a></p>');
    const backchannel = /^\/auth\/backchannel-logout\/([\w-]+)$/.exec(pathname);
    if (backchannel && request.method === 'POST') return backchannelLogout(backchannel[1]!, request);
    return undefined;
  }

  return {
    onRequest(payload) {
      const { request, url } = payload;
      if (!url.pathname.startsWith('/auth/')) return;
      const requestLog = options.log.child({ requestId: requestIdOf(request) });
      return route(request, url).then(
        (response) => {
          if (response) payload.endResponse(response);
        },
        (error: unknown) => {
          if (error instanceof LoginError) {
            payload.endResponse(loginFailed(error));
            return;
          }
          requestLog.error({ err: error }, 'login route failed');
          payload.endResponse(html(500, 'Erreur interne', '<p>La connexion a échoué. Réessayez plus tard.</p>'));
        },
      );
    },
  };
}
