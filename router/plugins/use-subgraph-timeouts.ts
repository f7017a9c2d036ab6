import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError, isPromise } from '@graphql-tools/utils';

/** The stable code of a subgraph that did not answer in time (the runtime's own, kept for clients). */
export const GATEWAY_TIMEOUT = 'GATEWAY_TIMEOUT';

/**
 * Bounds every subgraph query and mutation by its subgraph's timeout: past it, that subgraph's part
 * of the answer is null with an error naming it (`Subgraph "x" timed out.`, `GATEWAY_TIMEOUT`),
 * and the rest of the answer is served.
 *
 * It replaces the runtime's `upstreamTimeout`, which made, per subgraph call, an
 * `AbortSignal.timeout` and an `AbortSignal.any`-like combination of signals tracked by WeakRefs and
 * a FinalizationRegistry: their listeners were freed only by the garbage collector, and the
 * bookkeeping cost about a tenth of the router's CPU. Here a call's timeout is a plain timer,
 * cleared when the call ends; and each request has one abort signal for all its subgraph fetches,
 * aborted once the response is made if a call timed out: its fetch is cut then, never left running.
 *
 * Subscriptions (long-lived streams) are not timed: only their connection is, by the HTTP client.
 */
export function useSubgraphTimeouts(timeoutMsOf: (subgraphName: string) => number): GatewayPlugin {
  /** The calls this plugin timed: their fetches travel under their request's signal. */
  const timed = new WeakSet<object>();
  const upstreamOf = new WeakMap<Request, AbortController>();
  /** Requests with a call that timed out: its fetch may still run, and is cut with the response. */
  const overran = new WeakSet<Request>();
  return {
    onSubgraphExecute(payload) {
      const { subgraphName, executionRequest, executor, log } = payload;
      const timeoutMs = timeoutMsOf(subgraphName);
      if (!timeoutMs || executionRequest.operationType === 'subscription') return;
      payload.setExecutor((request) => {
        timed.add(request);
        const result = executor(request);
        if (!isPromise(result)) return result;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const client = (request.context as { request?: Request } | undefined)?.request;
            if (client) overran.add(client);
            log.warn({ subgraph: subgraphName, timeoutMs }, 'subgraph timed out');
            reject(
              createGraphQLError(`Subgraph "${subgraphName}" timed out.`, {
                extensions: { code: GATEWAY_TIMEOUT, serviceName: subgraphName, http: { status: 504 } },
              }),
            );
          }, timeoutMs);
        });
        return Promise.race([result, timedOut]).finally(() => clearTimeout(timer));
      });
    },
    onFetch(payload) {
      const { context, executionRequest, options } = payload;
      if (!executionRequest || !timed.has(executionRequest) || !('request' in context)) return;
      const request = (context as { request: Request }).request;
      let upstream = upstreamOf.get(request);
      if (!upstream) upstreamOf.set(request, (upstream = new AbortController()));
      payload.setOptions({ ...options, signal: upstream.signal });
    },
    onResponse({ request }) {
      const upstream = upstreamOf.get(request);
      if (!upstream) return;
      upstreamOf.delete(request);
      // A call that timed out is no longer awaited by anyone: cut its fetch. Only then: aborting
      // costs (an error object, events to every fetch's listeners), and nothing else is in flight.
      if (overran.has(request)) upstream.abort();
    },
  };
}
