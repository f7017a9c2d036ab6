import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger as HiveLogger } from '@graphql-hive/logger';
import useMeshPrometheus from '@graphql-mesh/plugin-prometheus';
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  registry: Registry;
  log: HiveLogger;
  endpoint?: string;
}

/** A registry per router instance (tests start several in one process), with process metrics on it. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hub_router_' });
  return registry;
}

/**
 * Prometheus at `/metrics`: request count and latency histograms labelled by operation name, and
 * subgraph fetch latency and errors labelled by subgraph. The maintained Mesh plugin does the work;
 * we choose the metrics. Other router concerns (authorization denials, audit losses) register their
 * own counters on the same registry.
 */
export function useMetrics(options: MetricsOptions): GatewayPlugin {
  return useMeshPrometheus({
    registry: options.registry,
    log: options.log,
    endpoint: options.endpoint ?? '/metrics',
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: true,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: true,
      graphql_envelop_execute_resolver: false,
      graphql_yoga_http_duration: true,
      graphql_gateway_fetch_duration: true,
      graphql_gateway_subgraph_execute_duration: true,
      graphql_gateway_subgraph_execute_errors: true,
    },
    labels: { subgraphName: true, fetchRequestHeaders: false, fetchResponseHeaders: false },
  }) as GatewayPlugin;
}
