import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** What the runtime's `cors` option accepts per request (whatwg-node's CORS options), or `false`: no CORS headers. */
export interface CorsOptions {
  origin?: string[];
  methods?: string[];
  allowedHeaders?: string[];
  credentials?: boolean;
  maxAge?: number;
}

/** The headers a browser frontend of the hub sends (JSON body, bearer token, CSRF marker, correlation id). */
const ALLOWED_HEADERS = ['content-type', 'authorization', 'x-graphql-csrf', 'apollo-require-preflight', 'x-request-id', 'accept'];

/**
 * The runtime's `cors` option. Browsers send the session cookie cross-site, so an origin the hub
 * does not list must get no CORS header at all: the runtime's defaults (an empty list) reflect any
 * origin with credentials, `null` (sandboxed iframes, `file:` pages) included. Listed origins are
 * compared exactly; `allowed` is read per request because the public origin is known only once the
 * router listens.
 */
export function corsPolicy(allowed: () => ReadonlySet<string>): (request: Request) => CorsOptions | false {
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed().has(origin)) return false;
    return { origin: [origin], credentials: true, methods: ['GET', 'POST'], allowedHeaders: ALLOWED_HEADERS, maxAge: 600 };
  };
}

/** Responses differ by `Origin` (CORS headers or none): caches in between must key on it. */
export function useVaryOrigin(): GatewayPlugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (!vary) response.headers.set('vary', 'Origin');
      else if (!/(^|,)\s*origin\s*(,|$)/i.test(vary)) response.headers.set('vary', `${vary}, Origin`);
    },
  };
}
