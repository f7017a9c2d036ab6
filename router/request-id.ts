import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { LegacyLogger } from '@graphql-hive/logger';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What a client's `x-request-id` may be to be kept: the characters of UUIDs, W3C trace ids and the
 * usual correlation ids, at most 128 of them. Anything else (a megabyte, quotes and braces that
 * would forge JSON log lines, tabs, non-ASCII) is replaced by an id of ours, never echoed,
 * forwarded to subgraphs, signed into the viewer context or logged.
 */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

const ids = new WeakMap<Request, string>();

/**
 * Replaces the runtime's request-id plugin (which takes any header value as it comes): the id of
 * each request, on its logger, on every subgraph fetch and on the response. Listed first, so that
 * every other plugin sees the id.
 */
export function useRequestId(): GatewayPlugin {
  return {
    onRequest({ request, serverContext }) {
      const sent = request.headers.get(REQUEST_ID_HEADER);
      const id = sent !== null && ACCEPTABLE.test(sent) ? sent : randomUUID();
      ids.set(request, id);
      const context = serverContext as { log?: import('@graphql-hive/logger').Logger; logger?: unknown };
      if (context.log) {
        context.log = context.log.child({ requestId: id });
        context.logger = LegacyLogger.from(context.log);
      }
    },
    onFetch(payload) {
      const { context, options } = payload;
      const id = 'request' in context ? ids.get((context as { request: Request }).request) : undefined;
      if (id) payload.setOptions({ ...options, headers: { ...options.headers, [REQUEST_ID_HEADER]: id } });
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set(REQUEST_ID_HEADER, id);
    },
  };
}

/** The request's id as `useRequestId` settled it (empty outside a router request). */
export function requestIdOf(request: Request | undefined): string {
  return (request && ids.get(request)) ?? '';
}
