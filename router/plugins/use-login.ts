import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { HubSession, SessionStore, SessionTimeouts } from '../../connectors/sessions/session.ts';
import { LoginError } from '../../connectors/sso/errors.ts';
import type { LinkedPerson } from '../../connectors/sso/linking.ts';
import type { IdentityProviderConfig } from '../../connectors/sso/provider-config.ts';
import { RelyingParty, type PendingLogin } from '../../connectors/sso/relying-party.ts';
import type { Logger } from '../../lib/logger.ts';
import { escapeMarkup } from '../../lib/markup.ts';
import { requestIdOf } from '../request-id.ts';
import { bearerTokenOf, clearedSessionCookie, readCookie, SESSION_COOKIE, SESSION_TOKEN_PREFIX, sessionCookie, sessionIdOfToken } from '../auth/cookies.ts';

export interface LoginOptions {
  /** The router's public base URL (the OIDC redirect URI is `{publicUrl}/auth/callback`). */
  publicUrl: () => string;
  /** Read on each login, so providers started after the router (the embedded ones) can be added. */
  providers: () => IdentityProviderConfig[];
  sessions: SessionStore;
  timeouts: SessionTimeouts;
  /** Links a provider's claims to one directory person, or throws a LoginError. Injected by the hub. */
  link(claims: Record<string, unknown>, provider: IdentityProviderConfig): Promise<LinkedPerson>;
  log: Logger;
}

const PENDING_LOGIN_TTL_MS = 10 * 60_000;

/** Only same-site paths: `/x`, never `//evil.example` or an absolute URL (no open redirect). */
function safeReturnTo(value: string | null): string | undefined {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : undefined;
}

const STATUS_OF: Record<LoginError['reason'], number> = {
  'unknown-provider': 400,
  'unknown-or-expired-state': 400,
  'provider-error': 502,
  'token-rejected': 401,
  'no-directory-match': 403,
  'ambiguous-directory-match': 403,
  'profile-mismatch': 403,
};

const TITLE_OF: Record<LoginError['reason'], string> = {
  'unknown-provider': 'Fournisseur d’identité inconnu',
  'unknown-or-expired-state': 'Connexion expirée ou déjà utilisée : recommencez',
  'provider-error': 'Le fournisseur d’identité ne répond pas',
  'token-rejected': 'La réponse du fournisseur d’identité a été refusée',
  'no-directory-match': 'Aucun compte de l’annuaire ne correspond à cette connexion',
  'ambiguous-directory-match': 'Plusieurs comptes de l’annuaire correspondent à cette connexion',
  'profile-mismatch': 'Le profil de connexion ne correspond pas à l’annuaire',
};

/**
 * The hub's login: `/auth/login?idp=…`, `/auth/callback`, `/auth/logout`, and
 * `/auth/backchannel-logout/{idp}`. A successful login always creates a new session id (no session
 * fixation), stored server-side; the browser gets an HttpOnly cookie, an app a bearer token.
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
  const pending = new LRUCache<string, PendingLogin>({ max: 50_000, ttl: PENDING_LOGIN_TTL_MS });
  const redirectUri = () => `${options.publicUrl()}/auth/callback`;
  const maxAge = Math.floor(options.timeouts.absoluteMs / 1000);

  const html = (status: number, title: string, body: string, headers: Record<string, string> = {}) =>
    new Response(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title></head><body><main><h1>${escapeMarkup(title)}</h1>${body}</main></body></html>`,
      { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } },
    );
  const loginFailed = (error: LoginError) =>
    html(STATUS_OF[error.reason], TITLE_OF[error.reason], `<p>${escapeMarkup(error.message)}</p><p><a href="/auth/login">Réessayer</a></p>`);
  const redirect = (location: string, headers: Record<string, string> = {}) =>
    new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store', ...headers } });

  async function login(url: URL): Promise<Response> {
    const idp = url.searchParams.get('idp') ?? undefined;
    const rp = party(idp);
    if (!rp) {
      const links = options.providers().map((p) => `<li><a href="/auth/login?idp=${encodeURIComponent(p.id)}">${escapeMarkup(p.label)}</a></li>`);
      return html(idp ? 400 : 200, idp ? TITLE_OF['unknown-provider'] : 'Se connecter', `<ul>${links.join('')}</ul>`);
    }
    const transport = url.searchParams.get('response') === 'token' ? 'bearer' : 'cookie';
    const { url: authorizationUrl, pending: entry } = await rp.startLogin(redirectUri(), {
      returnTo: safeReturnTo(url.searchParams.get('return_to')),
      transport,
    });
    pending.set(entry.state, entry);
    return redirect(authorizationUrl);
  }

  async function callback(url: URL, request: Request): Promise<Response> {
    const state = url.searchParams.get('state') ?? '';
    const entry = pending.get(state);
    // Single use: a replayed callback (same state, same code) finds nothing.
    pending.delete(state);
    if (!entry) throw new LoginError('unknown-or-expired-state', 'this login link is unknown, expired or already used');
    const rp = party(entry.idp)!;
    if (url.searchParams.get('error')) {
      throw new LoginError('provider-error', `${url.searchParams.get('error')}: ${url.searchParams.get('error_description') ?? ''}`);
    }
    const completed = await rp.finishLogin(url, entry);
    let linked: LinkedPerson;
    try {
      linked = await options.link(completed.claims, rp.provider);
    } catch (error) {
      options.log.warn({ requestId: requestIdOf(request), idp: entry.idp, reason: (error as LoginError).reason }, 'login refused');
      throw error;
    }
    const now = Date.now();
    const session: HubSession = {
      id: randomBytes(32).toString('base64url'),
      ...linked,
      idp: entry.idp,
      idpSubject: completed.subject,
      idpSessionId: completed.idpSessionId,
      idToken: completed.idToken,
      refreshToken: completed.refreshToken,
      createdAt: now,
      lastSeenAt: now,
      transport: entry.transport,
      userAgent: request.headers.get('user-agent')?.slice(0, 200) ?? undefined,
    };
    await options.sessions.put(session);
    await options.sessions.recordLogin({ personId: session.personId, at: now, idp: entry.idp, outcome: 'success', userAgent: session.userAgent });
    options.log.info({ requestId: requestIdOf(request), idp: entry.idp, profile: session.profile, transport: session.transport }, 'login');
    if (entry.transport === 'bearer') {
      return Response.json(
        { token: `${SESSION_TOKEN_PREFIX}${session.id}`, expiresAt: new Date(now + options.timeouts.absoluteMs).toISOString(), profile: session.profile },
        { headers: { 'cache-control': 'no-store' } },
      );
    }
    return redirect(entry.returnTo ?? '/', { 'set-cookie': sessionCookie(session.id, maxAge) });
  }

  async function logout(request: Request): Promise<Response> {
    const bearer = sessionIdOfToken(bearerTokenOf(request));
    const id = bearer ?? readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    const session = id ? await options.sessions.get(id) : undefined;
    if (id) await options.sessions.delete(id);
    if (bearer) return new Response(null, { status: 204 });
    const providerLogout = session && (await party(session.idp)?.logoutUrl(session.idToken, `${options.publicUrl()}/auth/logged-out`));
    return redirect(providerLogout ?? '/auth/logged-out', { 'set-cookie': clearedSessionCookie() });
  }

  async function backchannelLogout(idp: string, request: Request): Promise<Response> {
    const rp = party(idp);
    if (!rp) return new Response('unknown provider', { status: 404 });
    const form = new URLSearchParams(await request.text());
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
    if (pathname === '/auth/logout' && (request.method === 'GET' || request.method === 'POST')) return logout(request);
    if (pathname === '/auth/logged-out') return html(200, 'Vous êtes déconnecté', '<p><a href="/auth/login">Se reconnecter</a></p>');
    const backchannel = /^\/auth\/backchannel-logout\/([\w-]+)$/.exec(pathname);
    if (backchannel && request.method === 'POST') return backchannelLogout(backchannel[1]!, request);
    return undefined;
  }

  return {
    onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith('/auth/')) return;
      const requestLog = options.log.child({ requestId: requestIdOf(request) });
      return route(request, url).then(
        (response) => {
          if (response) endResponse(response);
        },
        (error: unknown) => {
          if (error instanceof LoginError) {
            endResponse(loginFailed(error));
            return;
          }
          requestLog.error({ err: error }, 'login route failed');
          endResponse(html(500, 'Erreur interne', '<p>La connexion a échoué. Réessayez plus tard.</p>'));
        },
      );
    },
  };
}
