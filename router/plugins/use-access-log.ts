import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST } from 'graphql';
import type { Logger } from '../../lib/logger.ts';

/**
 * One JSON line per HTTP request: request id, operation name, status and duration. Variables and
 * response bodies are never logged: they hold personal data, which belongs in the audit trail only.
 */
export function useAccessLog(log: Logger, options: { skipPaths?: string[] } = {}): GatewayPlugin {
  const skip = new Set(options.skipPaths ?? ['/health', '/ready', '/metrics']);
  const started = new WeakMap<Request, { at: number; operationName?: string }>();
  return {
    onRequest({ request, url }) {
      if (!skip.has(url.pathname)) started.set(request, { at: performance.now() });
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const entry = request && started.get(request);
      if (entry) entry.operationName = args.operationName ?? getOperationAST(args.document)?.name?.value;
    },
    onResponse({ request, response }) {
      const entry = started.get(request);
      if (!entry) return;
      log.info(
        {
          requestId: response.headers.get('x-request-id') ?? undefined,
          method: request.method,
          path: new URL(request.url).pathname,
          operationName: entry.operationName,
          status: response.status,
          durationMs: Math.round((performance.now() - entry.at) * 10) / 10,
        },
        'request',
      );
    },
  };
}
