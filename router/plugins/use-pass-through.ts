import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger } from '../../lib/logger.ts';
import { REQUEST_ID_HEADER, requestIdOf } from '../request-id.ts';

/**
 * A path prefix the router forwards, as is, to a subgraph's own HTTP routes (a route that carries its
 * own credential, such as a one-time download link), so that browsers reach it on the hub's origin.
 * Declared in configuration (`ROUTER_PASS_THROUGH_ROUTES`): the router knows no such route itself.
 */
export interface PassThroughRoute {
  /** Starts and ends with `/`, e.g. `/privacy/exports/`. */
  prefix: string;
  /** The subgraph (by its supergraph name) whose origin serves it. */
  subgraph: string;
}

/** Response headers a pass-through answer keeps; anything else the subgraph says stays inside. */
const KEPT_HEADERS = [
  'content-type',
  'content-disposition',
  'content-length',
  'cache-control',
  'retry-after',
  'content-security-policy',
  'x-content-type-options',
];

/**
 * Answers GETs under each route's prefix with the subgraph's answer to the same path and query. The
 * request carries nothing of the client's but the path, the query and the request id: no cookie, no
 * authorization header (the route's own credential is in its path). The access log names the route
 * by its prefix only (see `passThroughLogPath`), since the rest of the path may be a secret.
 */
export function usePassThroughRoutes(options: {
  routes: readonly PassThroughRoute[];
  /** The subgraph's URL now (overrides applied), by name; undefined when the supergraph has none. */
  subgraphUrl: (name: string) => string | undefined;
  timeoutMs: (subgraph: string) => number;
  log: Logger;
}): GatewayPlugin {
  return {
    async onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      const route = options.routes.find((r) => url.pathname.startsWith(r.prefix));
      if (!route) return;
      const plain = (status: number, body: string, headers: Record<string, string> = {}) =>
        payload.endResponse(
          new fetchAPI.Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers } }),
        );
      if (request.method !== 'GET') return plain(405, 'Method Not Allowed\n', { allow: 'GET' });
      const base = options.subgraphUrl(route.subgraph);
      if (!base) return plain(503, 'Service Unavailable\n');
      const requestId = requestIdOf(request);
      let upstream: Response;
      try {
        upstream = await fetch(new URL(`${url.pathname}${url.search}`, base), {
          headers: { accept: request.headers.get('accept') ?? '*/*', ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) },
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs(route.subgraph)),
        });
      } catch (error) {
        // The prefix, never the path: what follows it may be the route's secret.
        options.log.warn({ err: error, route: route.prefix, subgraph: route.subgraph }, 'pass-through route: the subgraph did not answer');
        return plain(502, 'Bad Gateway\n');
      }
      const headers = new fetchAPI.Headers({ 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
      for (const name of KEPT_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      payload.endResponse(new fetchAPI.Response(upstream.body, { status: upstream.status, headers }));
    },
  };
}

/** The path the access log shows for a request: a pass-through route's prefix stands for its whole path. */
export function passThroughLogPath(routes: readonly PassThroughRoute[]): (pathname: string) => string {
  return (pathname) => {
    const route = routes.find((r) => pathname.startsWith(r.prefix));
    return route ? `${route.prefix}…` : pathname;
  };
}
