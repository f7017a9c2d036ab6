import { Registry, collectDefaultMetrics } from 'prom-client';
import { envSchema, port, readEnv, secret, text, type Env } from '../../lib/config/env.ts';
import type { MetricsListenerConfig } from '../../lib/metrics-server.ts';

/**
 * The vie scolaire subgraph's metrics registry, with the process's own metrics on it: the upstream
 * pool (breaker state and transitions per school) and the client (items rejected) register theirs.
 */
export function createVieScolaireMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hub_vie_scolaire_' });
  return registry;
}

/** Where the subgraph serves its metrics: a loopback listener of its own by default, as the router does. */
export const VIE_SCOLAIRE_METRICS_ENV = envSchema({
  VIE_SCOLAIRE_METRICS_HOST: text({ default: '127.0.0.1' }),
  VIE_SCOLAIRE_METRICS_PORT: port(9465),
  VIE_SCOLAIRE_METRICS_TOKEN: secret({ minBytes: 32 }),
});

export function metricsListenerFromEnv(env: Env): MetricsListenerConfig {
  const v = readEnv(VIE_SCOLAIRE_METRICS_ENV, env);
  return { host: v.VIE_SCOLAIRE_METRICS_HOST, port: v.VIE_SCOLAIRE_METRICS_PORT, token: v.VIE_SCOLAIRE_METRICS_TOKEN };
}
