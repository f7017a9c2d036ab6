import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { PlannerStatus } from '../planner.ts';
import type { SubgraphEndpoint } from '../supergraph/supergraph-file.ts';

export interface ReadinessOptions {
  endpoint?: string;
  /** The subgraphs of the graph being served, or undefined while no supergraph is loaded. */
  subgraphs(): SubgraphEndpoint[] | undefined;
  /**
   * The login providers, when the router serves `/auth/*`: each must answer its discovery document,
   * or nobody can log in. None configured (yet) is not ready either.
   */
  identityProviders?: () => { id: string; issuer: string }[];
  /** The query planner that runs, and why (router/planner.ts): an operator must see a fallback. */
  planner?: PlannerStatus;
  /**
   * Other things the router cannot serve without (the deployment's store, say), by name: each
   * resolves whether it is ready; a rejection or a slow answer (past the probe timeout) is not ready.
   */
  checks?: Record<string, ReadinessCheck>;
  probeTimeoutMs?: number;
  /** Results are reused this long, so a load balancer polling every instance cannot amplify into subgraphs. */
  cacheMs?: number;
  fetch?: typeof fetch;
}

/** One named dependency's readiness: resolves `{ ready: false, error }` or rejects when it cannot serve. */
export type ReadinessCheck = () => Promise<{ ready: boolean; error?: string }>;

export interface ReadinessReport {
  ready: boolean;
  supergraph: 'loaded' | 'missing';
  subgraphs: Record<string, { ready: boolean; error?: string }>;
  identityProviders?: Record<string, { ready: boolean; error?: string }>;
  checks?: Record<string, { ready: boolean; error?: string }>;
  planner?: PlannerStatus;
}

/**
 * `GET /ready`: 200 when a supergraph is loaded, every subgraph answers `{ __typename }`, (with
 * login) every identity provider answers its discovery document and every named check passes (the
 * hub's database, for one), else 503. The body says which
 * subgraph or provider is not answering, and which query planner runs, for the operator reading it.
 */
export function useReadiness(options: ReadinessOptions): GatewayPlugin {
  const endpoint = options.endpoint ?? '/ready';
  const timeoutMs = options.probeTimeoutMs ?? 1000;
  const cacheMs = options.cacheMs ?? 1000;
  const doFetch = options.fetch ?? fetch;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  const probe = async (subgraph: SubgraphEndpoint): Promise<{ ready: boolean; error?: string }> => {
    try {
      const response = await doFetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-readiness-probe': '1' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // A subgraph that refuses unsigned requests (401) is up and answering: that is all readiness asks.
      if (response.ok || response.status === 401) return { ready: true };
      return { ready: false, error: `HTTP ${response.status}` };
    } catch (error) {
      return { ready: false, error: (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message };
    }
  };

  const probeProvider = async (issuer: string): Promise<{ ready: boolean; error?: string }> => {
    try {
      const response = await doFetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return response.ok ? { ready: true } : { ready: false, error: `HTTP ${response.status}` };
    } catch (error) {
      return { ready: false, error: (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message };
    }
  };

  const runCheck = async (run: ReadinessCheck): Promise<{ ready: boolean; error?: string }> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ready: boolean; error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, error: 'timeout' }), timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      return { ready: false, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };

  const check = async (): Promise<ReadinessReport> => {
    const subgraphs = options.subgraphs();
    const providers = options.identityProviders?.();
    const [results, providerResults, checkResults] = await Promise.all([
      Promise.all((subgraphs ?? []).map(async (s) => [s.name, await probe(s)] as const)),
      Promise.all((providers ?? []).map(async (p) => [p.id, await probeProvider(p.issuer)] as const)),
      Promise.all(Object.entries(options.checks ?? {}).map(async ([name, run]) => [name, await runCheck(run)] as const)),
    ]);
    const loginReady = !providers || (providers.length > 0 && providerResults.every(([, r]) => r.ready));
    return {
      ready: !!subgraphs && results.every(([, r]) => r.ready) && loginReady && checkResults.every(([, r]) => r.ready),
      supergraph: subgraphs ? 'loaded' : 'missing',
      subgraphs: Object.fromEntries(results),
      ...(providers ? { identityProviders: Object.fromEntries(providerResults) } : {}),
      ...(options.checks ? { checks: Object.fromEntries(checkResults) } : {}),
      ...(options.planner ? { planner: options.planner } : {}),
    };
  };

  return {
    onRequest(payload) {
      const { request, url, fetchAPI } = payload;
      if (url.pathname !== endpoint || request.method !== 'GET') return;
      const now = Date.now();
      if (!cached || now - cached.at > cacheMs) cached = { at: now, report: check() };
      return cached.report.then((report) => {
        payload.endResponse(
          new fetchAPI.Response(JSON.stringify(report), {
            status: report.ready ? 200 : 503,
            headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
          }),
        );
      });
    },
  };
}
