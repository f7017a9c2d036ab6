import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { isIP } from 'node:net';
import type { Logger } from '../../lib/logger.ts';
import { clientAddressOf } from '../client-address.ts';
import { isAuthPath, isGraphQLPath } from '../routes.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';
import { retryAfterSeconds as secondsUntilReset, type RateLimitHit, type RateLimitStore } from '../../lib/rate-limit-store.ts';

/** Requests allowed per fixed window; 0 turns a limit off. */
export interface RateLimitConfig {
  /** Length of a window (`ROUTER_RATE_LIMIT_WINDOW_MS`). */
  windowMs: number;
  /** GraphQL operations per signed-in person or service client (`ROUTER_RATE_LIMIT_PER_VIEWER`). */
  perViewer: number;
  /** `/graphql` requests per client address (`ROUTER_RATE_LIMIT_PER_ADDRESS`): a whole school behind one NAT shares it. */
  perAddress: number;
  /** `/auth/*` requests (login, callback, logout, back-channel) per client address (`ROUTER_RATE_LIMIT_AUTH_PER_ADDRESS`). */
  authPerAddress: number;
  /** Counters kept in memory at most (least recently used first out) (`ROUTER_RATE_LIMIT_MAX_KEYS`). */
  maxKeys: number;
}

/**
 * A pupil's dashboard is a handful of operations a minute; a school's network (one address for
 * hundreds of people) is a few hundred; a class logging in at 8:00 is two `/auth` requests each.
 * These defaults leave room for that and refuse a script.
 */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  windowMs: 60_000,
  perViewer: 1200,
  perAddress: 6000,
  authPerAddress: 300,
  maxKeys: 100_000,
};

// The counters are the hub's one implementation (lib/rate-limit-store.ts), shared with the calendar feeds.
export { MemoryRateLimitStore, type RateLimitHit, type RateLimitStore } from '../../lib/rate-limit-store.ts';

/**
 * The key of a client address: an IPv4 address, or the /64 network of an IPv6 one (a single
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export interface RateLimitOptions {
  config: RateLimitConfig;
  store: RateLimitStore;
  trustedProxies: ReadonlySet<string>;
  /**
   * Path prefixes forwarded to subgraphs (`ROUTER_PASS_THROUGH_ROUTES`): counted per address with
   * the `/auth/*` budget, so that a flood of made-up download links is refused like a login flood.
   */
  passThroughPrefixes?: readonly string[];
  log: Logger;
}

const RATE_LIMITED = 'RATE_LIMITED';
const MESSAGE = 'Too many requests. Please wait before trying again.';

/**
 * Rate limits, answered with HTTP 429 and `Retry-After` (GraphQL: an error with code `RATE_LIMITED`).
 * Two plugins, because they need different moments: `byAddress` counts every `/graphql` and `/auth/*`
 * request per client address as it arrives (before any login or GraphQL work; ordered before the
 * login routes); `byViewer` counts operations per signed-in person or service client once
 * authentication has said who it is (ordered right after it), so that one person's script does not
 * lock out the classmates who share the school's address.
 */
export function useRateLimit(options: RateLimitOptions): { byAddress: GatewayPlugin; byViewer: GatewayPlugin } {
  const { config, store, log } = options;
  const retryAfterSeconds = (hit: RateLimitHit) => String(secondsUntilReset(hit));
  /** Logged once per key and window (the first refusal), so a flood cannot flood the logs too. */
  const refused = (hit: RateLimitHit, limit: number, fields: Record<string, unknown>) => {
    if (hit.count === limit + 1) log.warn({ ...fields, windowMs: config.windowMs, max: limit }, 'rate limited');
  };

  const byAddress: GatewayPlugin = {
    async onRequest(payload) {
      const { request, url, serverContext, fetchAPI } = payload;
      // The same rule as what the router serves (router/routes.ts): every other path is a 404.
      const route = isAuthPath(url.pathname)
        ? 'auth'
        : isGraphQLPath(url.pathname)
          ? 'graphql'
          : options.passThroughPrefixes?.some((prefix) => url.pathname.startsWith(prefix))
            ? 'pass-through'
            : undefined;
      if (!route) return;
      const limit = route === 'graphql' ? config.perAddress : config.authPerAddress;
      if (limit === 0) return;
      const address = addressKey(clientAddressOf(request, serverContext, { trustedProxies: options.trustedProxies }));
      const hit = await store.hit(`${route}:address:${address}`, config.windowMs);
      if (hit.count <= limit) return;
      refused(hit, limit, { limit: 'address', route, address });
      payload.endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: MESSAGE, extensions: { code: RATE_LIMITED } }] }), {
          status: 429,
          headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': retryAfterSeconds(hit) },
        }),
      );
    },
  };

  const byViewer: GatewayPlugin<ViewerOnContext> = {
    async onContextBuilding({ context }) {
      if (config.perViewer === 0) return;
      const viewer = context.viewer;
      // Anonymous requests have no one to count but their address, which byAddress does.
      const key = viewer?.kind === 'person' ? `person:${viewer.personId}` : viewer?.kind === 'service' ? `service:${viewer.clientId}` : undefined;
      if (!key) return;
      const hit = await store.hit(`graphql:viewer:${key}`, config.windowMs);
      if (hit.count <= config.perViewer) return;
      // The kind only: person ids belong in the access journal, not in operational logs.
      refused(hit, config.perViewer, { limit: 'viewer', viewerKind: viewer!.kind });
      throw createGraphQLError(MESSAGE, {
        extensions: { code: RATE_LIMITED, http: { status: 429, headers: { 'retry-after': retryAfterSeconds(hit) } } },
      });
    },
  };
  return { byAddress, byViewer: byViewer as GatewayPlugin };
}
