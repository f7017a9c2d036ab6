import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { composeSupergraph } from '../schema/compose.ts';
import { campusTypeDefs } from '../test/fixtures/school-subgraphs.ts';
import { capturingLogger } from '../test/helpers/log-capture.ts';
import { startRouterHarness, type RouterHarness } from '../test/helpers/router-harness.ts';
import { TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';
import { routerConfigFromEnv } from './config.ts';
import { startRouter } from './router.ts';

/** What happens on a machine where the native planner's addon is missing or built for another platform. */
const nativePlannerMissing = () => Promise.reject(new Error('Cannot find module hive-router-query-planner.linux-x64-gnu.node'));

describe('the query planner when the native one cannot load', () => {
  it('in production, the router refuses to start unless the fallback is asked for, and says how to ask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-planner-'));
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeSupergraph([{ name: 'campus', url: 'http://127.0.0.1:9/graphql', typeDefs: campusTypeDefs }]));
    const env = {
      NODE_ENV: 'production',
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      ROUTER_AUDIT_DIR: join(dir, 'audit'),
      ROUTER_PORT: '0',
      ROUTER_METRICS_PORT: '0',
      ROUTER_SUPERGRAPH: supergraphPath,
    };
    const log = createLogger('planner-test', 'silent');

    const refused = startRouter(routerConfigFromEnv(env), log, { loadNativePlanner: nativePlannerMissing });
    await expect(refused).rejects.toMatchObject({ code: 'ERR_PLANNER_UNAVAILABLE' });
    await expect(refused).rejects.toThrow(/ROUTER_PLANNER=javascript or ROUTER_PLANNER_FALLBACK=allow/);

    // Asked for explicitly, either way: the router runs on the JavaScript planner.
    for (const asked of [{ ROUTER_PLANNER_FALLBACK: 'allow' }, { ROUTER_PLANNER: 'javascript' }]) {
      const router = await startRouter(routerConfigFromEnv({ ...env, ...asked }), log, { loadNativePlanner: nativePlannerMissing });
      try {
        expect(router.planner).toBe('javascript');
      } finally {
        await router.stop();
      }
    }
  });

  it('refuses a planner or fallback it does not know, naming the variable', () => {
    expect(() => routerConfigFromEnv({ HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_PLANNER: 'rust', ROUTER_PLANNER_FALLBACK: 'yes' })).toThrow(
      /ROUTER_PLANNER must be one of native, javascript, got "rust".*ROUTER_PLANNER_FALLBACK must be one of allow, refuse, got "yes"/,
    );
  });

  describe('outside production', () => {
    let hub: RouterHarness;
    const capture = capturingLogger('router');
    beforeAll(async () => {
      hub = await startRouterHarness({}, { log: capture.log, extensions: { loadNativePlanner: nativePlannerMissing } });
    });
    afterAll(() => hub?.close());

    it('falls back to the JavaScript planner, answers through it, and says so in /ready and in the logs', async () => {
      expect(hub.router.planner).toBe('javascript');
      const { json } = await hub.query({ query: '{ schools { name } }' });
      expect(json).toEqual({ data: { schools: [{ name: 'Lycée Victor Hugo' }, { name: 'Collège Jean Moulin' }] } });

      const ready = (await (await fetch(`${hub.router.url}/ready`)).json()) as { planner?: unknown };
      expect(ready.planner).toEqual({ planner: 'javascript', why: 'native-unavailable' });

      const lines = capture.lines();
      expect(lines.find((l) => l.msg === 'router listening')).toMatchObject({ planner: 'javascript', why: 'native-unavailable' });
      expect(lines.some((l) => l.level === 40 && String(l.msg).includes('native query planner unavailable'))).toBe(true);
    });
  });
});
