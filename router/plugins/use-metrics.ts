import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger as HiveLogger } from '@graphql-hive/logger';
import useMeshPrometheus, { createCounter, createHistogram, type FillLabelsFnParams } from '@graphql-mesh/plugin-prometheus';
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** A registry per router instance (tests start several in one process), with process metrics on it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hub_router_' });
  return registry;
}

/** The one label value of every operation the trusted-documents manifest does not name. */
export const UNREGISTERED = 'unregistered';
const MAX_LABEL = 64;

/**
 * Label values a client cannot choose. Every distinct label value is a new time series kept for the
 * life of the process: labelled by what clients send (operation names, aliases, URLs), `/metrics`
 * grew from 89 kB to 18 MB with 1,000 names. Operation names are labelled only when the deployment
 * registered them (its trusted-documents manifest, a bounded list it wrote); every other name,
 * and every name when there is no manifest, is `unregistered`.
 */
export class MetricLabels {
  readonly #registered: ReadonlySet<string>;
  constructor(trustedDocuments: Iterable<string> = []) {
    const names = new Set<string>();
    for (const document of trustedDocuments) {
      try {
        for (const definition of parse(document).definitions) {
          if (definition.kind === 'OperationDefinition' && definition.name) names.add(definition.name.value);
        }
      } catch {
        // A manifest entry that does not parse can never run; it names nothing.
      }
    }
    this.#registered = names;
  }
  /** The label of an operation name, as given by the client or found in its document. */
  operationName(name: string | null | undefined): string {
    return name && this.#registered.has(name) ? name.slice(0, MAX_LABEL) : UNREGISTERED;
  }
  /** Name and type of the operation a request runs (the document's, not what the client claims beside it). */
  operation(document: DocumentNode | undefined, operationName?: string | null): { operationName: string; operationType: string } {
    const operation = document && getOperationAST(document, operationName ?? undefined);
    return { operationName: this.operationName(operation?.name?.value), operationType: operation?.operation ?? 'unknown' };
  }
}

const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
const PHASES = new Set(['parse', 'validate', 'context', 'execute', 'subscribe']);
const capped = (value: string | undefined) => (value ?? '').slice(0, MAX_LABEL);

export interface MetricsOptions {
  registry: Registry;
  log: HiveLogger;
  labels: MetricLabels;
  /**
   * `/metrics` on the public port for `Authorization: Bearer <token>` (a scraper that cannot reach
   * the separate listener); without a token the public port never serves it.
   */
  token?: string;
}

/**
 * Prometheus metrics: requests, latency and errors per (registered) operation, subgraph fetch
 * latency and errors per subgraph. The maintained Mesh plugin does the work; each metric is declared
 * here with its own label function, so every label value comes from a bounded set (our subgraph
 * names, the manifest's operation names, GraphQL's operation types and phases, HTTP methods and
 * status codes), never from the request as sent. Other router concerns (authorization denials,
 * audit losses) register their own counters on the same registry.
 */
export function useMetrics(options: MetricsOptions): GatewayPlugin[] {
  const { registry, labels } = options;
  const operationLabels = (params: FillLabelsFnParams) => labels.operation(params.document, params.operationName);
  // The phases a metric observes: a non-empty list of the phases the plugin offers for that metric.
  const histogram = <Phase extends string>(name: string, help: string, phases: [Phase, ...Phase[]]) =>
    createHistogram<Phase, 'operationName' | 'operationType', FillLabelsFnParams>({
      registry,
      histogram: { name, help, labelNames: ['operationName', 'operationType'] },
      phases,
      fillLabelsFn: operationLabels,
    });

  const prometheus = useMeshPrometheus({
    registry,
    log: options.log,
    // Served below (token) and on the separate listener (serveMetrics), never openly.
    endpoint: false,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed.', labelNames: ['operationName', 'operationType'] },
        phases: ['execute', 'subscribe'],
        fillLabelsFn: operationLabels,
      }),
      graphql_envelop_request_duration: histogram('graphql_envelop_request_duration', 'Time from parse to the end of execute.', ['execute', 'subscribe']),
      graphql_envelop_error_result: createCounter({
        registry,
        // No `path` label: a path is made of the client's aliases.
        counter: { name: 'graphql_envelop_error_result', help: 'Errors, by phase.', labelNames: ['operationName', 'operationType', 'phase'] },
        phases: ['parse', 'validate', 'context', 'execute', 'subscribe'],
        fillLabelsFn: (params) => ({
          ...operationLabels(params),
          phase: PHASES.has(params.errorPhase ?? '') ? params.errorPhase : 'unknown',
        }),
      }),
      // Each histogram costs on every request (labels hashed, buckets counted: the router's largest
      // own cost after the journal, docs/performance.md). Off: those that repeat another's figure.
      // The phases (parse, validate, execute) are spans of the traces (docs/observability.md); the
      // operation's whole time is graphql_envelop_request_duration.
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: true,
      graphql_envelop_execute_resolver: false,
      graphql_yoga_http_duration: createHistogram({
        registry,
        // No `url` label: the URL carries the client's query string.
        histogram: {
          name: 'graphql_yoga_http_duration',
          help: 'Time spent on HTTP requests to /graphql.',
          labelNames: ['operationName', 'operationType', 'method', 'statusCode'],
        },
        phases: ['request'],
        fillLabelsFn: (params) => ({
          ...operationLabels(params),
          method: METHODS.has(params.request.method) ? params.request.method : 'other',
          statusCode: params.response.status,
        }),
      }),
      // A subgraph's time and errors are graphql_gateway_subgraph_execute_duration and _errors (per
      // subgraph name, the same fetches): the fetch's own histogram, per URL, repeated them.
      graphql_gateway_fetch_duration: false,
      // Subgraph operations are named by the planner after the client's operation: labelled by subgraph only.
      graphql_gateway_subgraph_execute_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_gateway_subgraph_execute_duration',
          help: 'Time spent on subgraph execution.',
          labelNames: ['subgraphName', 'operationType'],
        },
        phases: ['subgraphExecute'],
        fillLabelsFn: subgraphLabels,
      }),
      graphql_gateway_subgraph_execute_errors: createCounter({
        registry,
        counter: { name: 'graphql_gateway_subgraph_execute_errors', help: 'Errors in subgraph responses.', labelNames: ['subgraphName', 'operationType'] },
        phases: ['subgraphExecute'],
        fillLabelsFn: subgraphLabels,
      }),
    },
    labels: { subgraphName: true, fetchRequestHeaders: false, fetchResponseHeaders: false },
  }) as GatewayPlugin;
  return [prometheus, useMetricsEndpoint(registry, options.token)];
}

function subgraphLabels({ subgraphName, executionRequest }: { subgraphName: string; executionRequest: { operationType?: string } }) {
  return { subgraphName: capped(subgraphName), operationType: capped(executionRequest.operationType ?? 'query') };
}

/** `/metrics` on the public port: for the configured bearer token only, compared in constant time. */
function useMetricsEndpoint(registry: Registry, token: string | undefined): GatewayPlugin {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return {
    onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (url.pathname !== '/metrics') return;
      // Digests have one length, so timingSafeEqual compares them whatever the client sent.
      if (!expected || !timingSafeEqual(digest(request.headers.get('authorization') ?? ''), expected)) {
        payload.endResponse(
          new fetchAPI.Response('metrics are not served here\n', {
            status: 401,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' },
          }),
        );
        return;
      }
      return registry.metrics().then((text) => payload.endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } })));
    },
  };
}

/** The separate listener serving `GET /metrics`: the one every process of the hub uses. */
export { serveMetrics } from '../../lib/metrics-server.ts';
