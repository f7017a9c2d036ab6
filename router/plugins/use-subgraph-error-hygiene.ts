import type { GatewayContext, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';

const REASONS: Array<[RegExp, string]> = [
  [/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|socket hang up|fetch failed/i, 'unavailable'],
  [/timeout|aborted/i, 'timed out'],
];

/** Extensions a subgraph may add that clients must never see in production: its stack and exception details. */
const INTERNAL_EXTENSIONS = ['stacktrace', 'exception'] as const;

/**
 * Errors from a failed subgraph fetch carry the subgraph's internal URL and the request body the
 * router sent (entity representations: person ids). Clients get a short message naming the
 * subgraph and its state; the log gets the subgraph's own message, tied to the request id.
 *
 * In production, errors coming from subgraphs also lose `extensions.stacktrace` and `exception`
 * (file paths, library versions, sometimes data), whatever a subgraph sends. And a subgraph's
 * inline trace (`extensions.ftv1`, Apollo's federated tracing: per-field timings of our
 * infrastructure) never reaches a client, in any mode: nothing of ours consumes it.
 */
export function useSubgraphErrorHygiene(options: { production: boolean }): GatewayPlugin {
  const internal = (extensions: Record<string, unknown>) => options.production && INTERNAL_EXTENSIONS.some((key) => key in extensions);
  const clean = (result: ExecutionResult, log: GatewayContext['log']): ExecutionResult | undefined => {
    const traced = result.extensions !== undefined && 'ftv1' in result.extensions;
    const dirty = result.errors?.some((e) => e.extensions?.request || e.extensions?.response || internal(e.extensions ?? {}));
    if (!dirty && !traced) return undefined;
    let extensions = result.extensions;
    if (traced) {
      const { ftv1: _trace, ...rest } = result.extensions!;
      extensions = Object.keys(rest).length > 0 ? rest : undefined;
    }
    return {
      ...result,
      extensions,
      errors: result.errors?.map((error) => {
        const { request, response, ...kept } = error.extensions ?? {};
        const extensions: Record<string, unknown> = options.production
          ? Object.fromEntries(Object.entries(kept).filter(([key]) => !(INTERNAL_EXTENSIONS as readonly string[]).includes(key)))
          : kept;
        if (!request && !response) {
          return internal(error.extensions ?? {}) ? new GraphQLError(error.message, { path: error.path, extensions }) : error;
        }
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
