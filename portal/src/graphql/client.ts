import { Client, cacheExchange, fetchExchange, mapExchange, ssrExchange, type CombinedError, type SSRData } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { loginUrl } from '../session.ts';
import { hashOf } from './persisted.ts';

/**
 * Whether an error says there is no session (never logged in, expired, logged out elsewhere). The
 * router answers `viewer` (`@authenticated`) without a session with UNAUTHORIZED_FIELD_OR_TYPE at
 * the path `viewer` itself; a refusal deeper down is about that data, not the session.
 */
export const isUnauthenticated = (error: CombinedError | undefined): boolean =>
  !!error?.graphQLErrors.some(
    (e) => e.extensions?.code === 'UNAUTHENTICATED' || (e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE' && e.path?.length === 1 && e.path[0] === 'viewer'),
  ) || (error as { response?: { status?: number } } | undefined)?.response?.status === 401;

/** Whether the router refused the request for its rate (HTTP 429, code RATE_LIMITED). */
export const isRateLimited = (error: CombinedError | undefined): boolean =>
  !!error?.graphQLErrors.some((e) => e.extensions?.code === 'RATE_LIMITED') ||
  (error as { response?: { status?: number } } | undefined)?.response?.status === 429;

/**
 * The portal's one GraphQL client. Same origin as the router: the session cookie goes along (no
 * token in the page, nothing in storage). Every operation is sent by its hash alone: the router
 * knows the portal's documents (trusted documents) and in production runs nothing else. An answer
 * saying the session is gone sends the browser to the login, which then brings it back here.
 * `preloaded`: the answers the router embedded in the page (graphql/preloaded.ts), each given once
 * to the first request that matches it, then cached as if it had come from the network.
 */
export function createPortalClient(preloaded: SSRData = {}): Client {
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin', headers: { 'x-graphql-csrf': '1' } },
    preferGetMethod: false,
    // Subscriptions over the same fetch, as Server-Sent Events (`Accept: text/event-stream`).
    fetchSubscriptions: true,
    exchanges: [
      cacheExchange,
      ssrExchange({ isClient: true, initialState: preloaded }),
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) window.location.assign(loginUrl());
        },
      }),
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        enableForSubscriptions: true,
        preferGetForPersistedQueries: false,
        generateHash: async (_query, document) => hashOf(document),
      }),
      fetchExchange,
    ],
  });
}
