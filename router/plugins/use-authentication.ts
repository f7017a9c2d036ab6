import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { sessionExpired, sessionOfSecret, type HubSession, type SessionStore, type SessionTimeouts } from '../../connectors/sessions/session.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { bearerTokenOf, readCookie, SESSION_COOKIE, sessionSecretOfToken } from '../auth/cookies.ts';
import { scopesFor, type ScopeMapping } from '../auth/scope-mapping.ts';
import type { TrustedIssuers } from '../auth/trusted-issuers.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';

export interface AuthenticationOptions {
  sessions: SessionStore;
  timeouts: SessionTimeouts;
  scopeMapping: ScopeMapping;
  trustedIssuers: TrustedIssuers;
}

/** The way the viewer authenticated, for the CSRF rule and the audit trail. */
export interface AuthenticatedContext extends ViewerOnContext {
  authenticatedBy?: 'cookie' | 'session-token' | 'jwt';
}

const unauthenticated = (message: string) =>
  createGraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } } });

/** The viewer of a session. Its `sessionId` is the public id: subgraphs never see a session secret. */
export function viewerOfSession(session: Omit<HubSession, 'secretHash'>, mapping: ScopeMapping): Viewer {
  return {
    kind: 'person',
    personId: session.personId,
    profile: session.profile,
    scopes: scopesFor(mapping, session.profile, session.functions),
    policies: [],
    sessionId: session.id,
    functions: session.functions,
    schools: session.schools,
    children: session.children,
  };
}

/**
 * Authenticates every GraphQL request: a hub session (the `__Host-hub_session` cookie of a web
 * frontend, or an app's `Authorization: Bearer hubs_…` token), or a bearer JWT from a trusted
 * issuer (service clients). No credential: anonymous. A credential that does not verify (unknown,
 * expired or ended session, forged or expired JWT) is refused with 401, never downgraded to
 * anonymous, so a client learns at once that it must log in again.
 */
export function useAuthentication(options: AuthenticationOptions): GatewayPlugin<AuthenticatedContext> {
  const { sessions, timeouts } = options;

  const fromSession = async (secret: string, by: 'cookie' | 'session-token') => {
    const session = await sessionOfSecret(sessions, secret, by === 'cookie' ? 'cookie' : 'bearer');
    if (!session || sessionExpired(session, timeouts)) {
      if (session) await sessions.delete(session.id);
      throw unauthenticated('Your session has ended. Please log in again.');
    }
    // Touching lastSeenAt at most every few seconds keeps the idle timeout right without a write per request.
    if (Date.now() - session.lastSeenAt > 5_000) await sessions.put({ ...session, lastSeenAt: Date.now() });
    return { viewer: viewerOfSession(session, options.scopeMapping), authenticatedBy: by } as const;
  };

  const authenticate = async (request: Request): Promise<{ viewer: Viewer; authenticatedBy?: AuthenticatedContext['authenticatedBy'] }> => {
    const token = bearerTokenOf(request);
    if (token === null) throw unauthenticated('Malformed Authorization header: expected "Bearer <token>".');
    if (token !== undefined) {
      const secret = sessionSecretOfToken(token);
      if (secret !== undefined) return fromSession(secret, 'session-token');
      try {
        const service = await options.trustedIssuers.verify(token);
        return { viewer: { kind: 'service', clientId: service.clientId, scopes: service.scopes, policies: service.policies }, authenticatedBy: 'jwt' };
      } catch {
        throw unauthenticated('Invalid bearer token.');
      }
    }
    const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (cookie) return fromSession(cookie, 'cookie');
    return { viewer: ANONYMOUS };
  };

  return {
    async onContextBuilding({ context, extendContext }) {
      const request = (context as { request?: Request }).request;
      if (!request) return;
      extendContext(await authenticate(request));
    },
  };
}
