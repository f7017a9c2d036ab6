import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CachedDirectory } from '../../store/directory/cached-directory.ts';
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

/**
 * The directory's cache in this process (store/directory/cached-directory.ts), read at each scrape:
 * its lookups by result, and the records it holds. The vie scolaire subgraph decides the perimeter of
 * every request from it; its hit rate says whether `DIRECTORY_CACHE_MAX_RECORDS` fits the académie.
 */
export function registerDirectoryCacheMetrics(registry: Registry, directory: CachedDirectory): void {
  new Counter({
    name: 'hub_vie_scolaire_directory_cache_lookups_total',
    help: 'Lookups of the directory through this process’s cache: hit, miss, or bypass (its change notifications not heard).',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      const { hits, misses, bypasses } = directory.stats;
      this.reset();
      this.inc({ result: 'hit' }, hits);
      this.inc({ result: 'miss' }, misses);
      this.inc({ result: 'bypass' }, bypasses);
    },
  });
  new Gauge({
    name: 'hub_vie_scolaire_directory_cache_records',
    help: 'Directory records this process’s cache holds (a list counts its records).',
    registers: [registry],
    collect() {
      this.set(directory.records);
    },
  });
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
