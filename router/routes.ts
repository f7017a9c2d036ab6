import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * Which paths the router serves, in one place: what reaches the GraphQL server, and what the rate
 * limits count. graphql-yoga, underneath, answers GraphQL at any URL that merely *ends* in `/graphql`
 * (`/graphql/`, `/x/graphql`, `/health?x=/graphql`, `/auth/graphql`): a limit counting only the
 * exact path could be walked around that way. So the exact path is the only one that reaches it.
 */
export const GRAPHQL_PATH = '/graphql';

/** `/auth/*`: login, callback, logout, back-channel logout. */
export const isAuthPath = (pathname: string): boolean => pathname.startsWith('/auth/');
/** Exactly the GraphQL endpoint: no trailing slash, no prefix, any query string. */
export const isGraphQLPath = (pathname: string): boolean => pathname === GRAPHQL_PATH;

/**
 * Answers 404 to every request still unanswered that is not for the GraphQL endpoint itself.
 * Ordered after every plugin that serves a route of its own (`/ready`, `/metrics`, `/auth/*`; the
 * runtime answers `/health` before any plugin), and before the GraphQL server: a request reaching
 * this point is either GraphQL at its exact path, or nothing the router serves.
 */
export function useOnlyKnownRoutes(): GatewayPlugin {
  return {
    onRequest(payload) {
      if (isGraphQLPath(payload.url.pathname)) return;
      payload.endResponse(
        new payload.fetchAPI.Response('Not Found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } }),
      );
    },
  };
}
