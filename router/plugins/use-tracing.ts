import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger as HiveLogger } from '@graphql-hive/logger';
import { useOpenTelemetry } from '@graphql-hive/plugin-opentelemetry';
import { trace } from '@opentelemetry/api';
import { REQUEST_ID_ATTRIBUTE } from '../../lib/tracing.ts';
import { requestIdOf } from '../request-id.ts';
import { isAuthPath, isGraphQLPath } from '../routes.ts';

/**
 * The router's spans, by the gateway runtime's own OpenTelemetry plugin (lib/tracing.ts sets up
 * the provider and the exporter; this is added only when tracing is on): one HTTP span per GraphQL
 * or login request, the operation (name, type, hash), parse, validate, execute, one span per
 * subgraph execution and its fetch, with `traceparent` injected into each subgraph request.
 *
 * The plugin also records the GraphQL document, the client's address and browser, and error
 * messages; the exporter drops them (lib/telemetry/redaction.ts), whatever the plugin's version.
 * Listed after useRequestId: the request's id goes on its HTTP span, and from there on every span.
 */
export function useTracing(log: HiveLogger): GatewayPlugin[] {
  return [
    useOpenTelemetry({
      log,
      traces: {
        spans: {
          // The portal's files, health probes and metrics scrapes are not what anyone asks a trace about.
          http: ({ request }) => {
            const path = new URL(request.url).pathname;
            return isGraphQLPath(path) || isAuthPath(path);
          },
        },
        // The cache's keys are not needed to tell a hit from a miss (the response's span says that).
        events: { cache: false },
      },
    }),
    {
      onRequest({ request }) {
        const id = requestIdOf(request);
        if (id) trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, id);
      },
    },
  ];
}
