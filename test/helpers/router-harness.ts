import { join } from 'node:path';
import { createLogger, type Logger } from '../../lib/logger.ts';
import { routerConfigFromEnv, type RouterConfig } from '../../router/config.ts';
import { startRouter, type HubRouter, type RouterExtensions } from '../../router/router.ts';
import type { StartedSubgraph } from '../../subgraphs/kit/subgraph-server.ts';
import { composedSupergraphFile } from './supergraph-file.ts';
import { TEST_VIEWER_SECRET } from './viewer.ts';
import { campusTypeDefs, rosterTypeDefs, startCampus, startRoster } from '../fixtures/school-subgraphs.ts';

export interface RouterHarness {
  router: HubRouter;
  campus: StartedSubgraph;
  roster: StartedSubgraph;
  supergraphPath: string;
  /** Restarts the campus subgraph on its previous port (after a test stopped it). */
  restartCampus(): Promise<void>;
  query(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Two fixture subgraphs on ephemeral loopback ports, a supergraph composed from them, and a router. */
export async function startRouterHarness(
  overrides: Partial<RouterConfig> = {},
  options: { extensions?: RouterExtensions; log?: Logger } = {},
): Promise<RouterHarness> {
  const campus = await startCampus();
  const roster = await startRoster();
  const { dir, supergraphPath } = composedSupergraphFile('hub-router-', [
    { name: 'campus', url: campus.graphqlUrl, typeDefs: campusTypeDefs },
    { name: 'roster', url: roster.graphqlUrl, typeDefs: rosterTypeDefs },
  ]);
  const config: RouterConfig = {
    ...routerConfigFromEnv({ HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, 'audit'), ROUTER_METRICS_PORT: '0' }),
    port: 0,
    supergraphPath,
    supergraphPollMs: 200,
    shutdownGraceMs: 2000,
    ...overrides,
  };
  const router = await startRouter(config, options.log ?? createLogger('router-test'), options.extensions);
  const harness: RouterHarness = {
    router,
    campus,
    roster,
    supergraphPath,
    async restartCampus() {
      harness.campus = await startCampus(campus.port);
    },
    async query(body, headers = {}) {
      const response = await fetch(router.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json, headers: response.headers };
    },
    async close() {
      await router.stop();
      await Promise.all([harness.campus.close(100), roster.close(100)]);
    },
  };
  return harness;
}
