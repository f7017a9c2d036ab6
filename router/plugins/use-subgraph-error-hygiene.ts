import type { GatewayContext, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';

const REASONS: Array<[RegExp, string]> = [
  [/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|socket hang up|fetch failed/i, 'unavailable'],
  [/timeout|aborted/i, 'timed out'],
];

/**
 * Errors from a failed subgraph fetch carry the subgraph's internal URL and the request body the
 * router sent (entity representations: person ids). Clients get a short message naming the
 * subgraph and its state; the log gets the subgraph's own message, tied to the request id.
 */
export function useSubgraphErrorHygiene(): GatewayPlugin {
  const clean = (result: ExecutionResult, log: GatewayContext['log']): ExecutionResult | undefined => {
    if (!result.errors?.some((e) => e.extensions?.request || e.extensions?.response)) return undefined;
    return {
      ...result,
      errors: result.errors.map((error) => {
        const { request, response, ...extensions } = error.extensions ?? {};
        if (!request && !response) return error;
        const subgraph = typeof extensions.serviceName === 'string' ? extensions.serviceName : 'unknown';
        // The context logger carries the request id. Not the request body: it holds person ids.
        log.warn({ subgraph, path: error.path, error: error.message }, 'subgraph error');
        const reason = REASONS.find(([pattern]) => pattern.test(error.message))?.[1];
        const message = reason ? `Subgraph "${subgraph}" ${reason}.` : error.message;
        return new GraphQLError(message, { path: error.path, extensions });
      }),
    };
  };
  return {
    onExecute({ args }) {
      const { log } = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const cleaned = clean(result, log);
          if (cleaned) setResult(cleaned);
        },
      };
    },
  };
}
