import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import { loginUrl } from '../session.ts';

/** The hash graphql-codegen's client preset put on each document; the router's manifest has the same. */
const hashOf = (document: DocumentNode): string => {
  const hash = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error('a GraphQL document without its persisted hash: write it with graphql() and run npm run portal:codegen');
  return hash;
};

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
 */
export function createPortalClient(): Client {
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin', headers: { 'x-graphql-csrf': '1' } },
    preferGetMethod: false,
    // Subscriptions over the same fetch, as Server-Sent Events (`Accept: text/event-stream`).
    fetchSubscriptions: true,
    exchanges: [
      cacheExchange,
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
