import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { Logger } from '../../lib/logger.ts';
import { requestIdOf } from '../request-id.ts';

/**
 * One JSON line per HTTP request: request id, operation name, status and duration. Variables and
 * response bodies are never logged: they hold personal data, which belongs in the audit trail only.
 */
export function useAccessLog(log: Logger, options: { skipPaths?: string[]; logPath?: (pathname: string) => string } = {}): GatewayPlugin {
  const skip = new Set(options.skipPaths ?? ['/health', '/ready', '/metrics']);
  const started = new WeakMap<Request, { at: number; operationName?: string }>();
  return {
    onRequest({ request, url }) {
      // Nothing to measure when the line would not be written (a level above info).
      if (!skip.has(url.pathname) && log.isLevelEnabled('info')) started.set(request, { at: performance.now() });
    },
    onExecute({ args: hookArgs }) {
      // Envelop types its hooks' execution arguments with `any` fields (it serves several GraphQL
      // engines); the gateway executes with graphql-js: the same object, with graphql-js's types.
      const args: ExecutionArgs = hookArgs;
      const request = (args.contextValue as { request?: Request }).request;
      const entry = request && started.get(request);
      // The name of the operation the document runs (a GraphQL name: no quotes or control characters),
      // cut to a bound: a client's name could otherwise be megabytes long in every log line.
      if (entry) entry.operationName = getOperationAST(args.document, args.operationName)?.name?.value?.slice(0, 128);
    },
    onResponse({ request, response }) {
      const entry = started.get(request);
      if (!entry) return;
      log.info(
        {
          // The id as settled by useRequestId (bounded, checked), never the header as the client sent it.
          requestId: requestIdOf(request) || undefined,
          method: request.method,
          // A route whose path holds its own credential (a pass-through route) is logged by its prefix.
          path: (options.logPath ?? String)(new URL(request.url).pathname),
          operationName: entry.operationName,
          status: response.status,
          durationMs: Math.round((performance.now() - entry.at) * 10) / 10,
        },
        'request',
      );
    },
  };
}
