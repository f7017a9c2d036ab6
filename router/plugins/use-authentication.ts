import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { sessionExpired, sessionOfSecret, type HubSession, type SessionStore, type SessionTimeouts } from '../../store/sessions/session.ts';
import type { LinkedPerson } from '../../connectors/sso/linking.ts';
import type { Logger } from '../../lib/logger.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { bearerTokenOf, readCookie, SESSION_COOKIE, sessionSecretOfToken } from '../auth/cookies.ts';
import { scopesFor, type ScopeMapping } from '../auth/scope-mapping.ts';
import type { TrustedIssuers } from '../auth/trusted-issuers.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';
import type { SessionOnContext } from './use-live-streams.ts';

export interface AuthenticationOptions {
  sessions: SessionStore;
  timeouts: SessionTimeouts;
  scopeMapping: ScopeMapping;
  trustedIssuers: TrustedIssuers;
  /**
   * Re-reads a session's facts from the directory once they are older than `maxAgeMs`: a parent who
   * lost legal authority, a teacher moved to another school, a person gone from the académie, loses
   * what the session said within minutes, not at the end of a 12-hour session.
   */
  sessionFacts?: { maxAgeMs: number; relink(personId: string): Promise<LinkedPerson | undefined>; log: Logger };
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
export function useAuthentication(options: AuthenticationOptions): GatewayPlugin<ViewerOnContext & SessionOnContext> {
  const { sessions, timeouts } = options;
  const touchEveryMs = Math.min(60_000, timeouts.idleMs / 30);
  // One directory read per stale session at a time, however many of its requests arrive together
  // (bounded by the requests in flight: an entry leaves when its read ends).
  const refreshing = new Map<string, Promise<HubSession | undefined>>();

  const refreshFacts = async (session: HubSession, facts: NonNullable<AuthenticationOptions['sessionFacts']>): Promise<HubSession | undefined> => {
    let linked: LinkedPerson | undefined;
    try {
      linked = await facts.relink(session.personId);
    } catch (error) {
      // The directory cannot say: keep serving on the facts we have (every subgraph re-checks its
      // perimeter against the directory itself, so this widens nothing) and try again next request.
      facts.log.warn({ err: error, session: session.id }, 'session facts not refreshed: the directory did not answer');
      return session;
    }
    if (!linked || linked.personId !== session.personId || linked.profile !== session.profile) {
      await sessions.delete(session.id);
      facts.log.info(
        { session: session.id, reason: linked ? 'profile-changed' : 'left-directory' },
        'session ended: the directory no longer knows this person as logged in',
      );
      return undefined;
    }
    const updated: HubSession = { ...session, functions: linked.functions, schools: linked.schools, children: linked.children, factsAt: Date.now() };
    // Never re-creates a session a logout ended meanwhile.
    return (await sessions.update(updated)) ? updated : undefined;
  };

  const withFreshFacts = (session: HubSession): Promise<HubSession | undefined> => {
    const facts = options.sessionFacts;
    if (!facts || Date.now() - (session.factsAt ?? session.createdAt) <= facts.maxAgeMs) return Promise.resolve(session);
    let pending = refreshing.get(session.id);
    if (!pending) {
      pending = refreshFacts(session, facts).finally(() => refreshing.delete(session.id));
      refreshing.set(session.id, pending);
    }
    return pending;
  };

  const fromSession = async (secret: string, by: 'cookie' | 'session-token') => {
    const found = await sessionOfSecret(sessions, secret, by === 'cookie' ? 'cookie' : 'bearer');
    if (!found || sessionExpired(found, timeouts)) {
      if (found) await sessions.delete(found.id);
      throw unauthenticated('Your session has ended. Please log in again.');
    }
    const session = await withFreshFacts(found);
    if (!session) throw unauthenticated('Your session has ended. Please log in again.');
    // Touching lastSeenAt at most once a minute (a thirtieth of a shorter idle timeout) keeps the idle
    // timeout right to within that, without a write per request: with a shared store, each write is
    // a transaction and makes every instance forget the session (its next request reads the database).
    if (Date.now() - session.lastSeenAt > touchEveryMs && !(await sessions.touch(session, Date.now())))
      throw unauthenticated('Your session has ended. Please log in again.');
    // The session's key too: a subscription lives only as long as its session (use-live-streams.ts).
    return { viewer: viewerOfSession(session, options.scopeMapping), sessionSecretHash: session.secretHash };
  };

  const authenticate = async (request: Request): Promise<ViewerOnContext & SessionOnContext> => {
    const token = bearerTokenOf(request);
    if (token === null) throw unauthenticated('Malformed Authorization header: expected "Bearer <token>".');
    if (token !== undefined) {
      const secret = sessionSecretOfToken(token);
      if (secret !== undefined) return fromSession(secret, 'session-token');
      try {
        const service = await options.trustedIssuers.verify(token);
        return { viewer: { kind: 'service', clientId: service.clientId, scopes: service.scopes, policies: service.policies } };
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
