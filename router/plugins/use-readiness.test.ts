import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { databaseConfigFromEnv } from '../../store/database.ts';
import { openHubStore, type HubStore } from '../../store/hub-store.ts';
import { DEFAULT_SESSION_TIMEOUTS } from '../../store/sessions/session.ts';
import { createTestDatabaseUrl } from '../../test/helpers/database.ts';
import { startRouterHarness, type RouterHarness } from '../../test/helpers/router-harness.ts';
import { until } from '../../test/helpers/until.ts';

describe('/ready and the named checks the router is given', () => {
  let harness: RouterHarness;
  let store: HubStore;
  let hanging = false;
  beforeAll(async () => {
    const log = createLogger('readiness-test', 'silent');
    store = await openHubStore({ database: databaseConfigFromEnv({}, await createTestDatabaseUrl()), sessionTimeouts: DEFAULT_SESSION_TIMEOUTS, log });
    harness = await startRouterHarness(
      {},
      {
        log,
        extensions: {
          readinessChecks: {
            database: store.readiness,
            // A dependency that stops answering: its probe must not hang /ready.
            slow: () => (hanging ? new Promise(() => {}) : Promise.resolve({ ready: true })),
          },
        },
      },
    );
  });
  afterAll(async () => {
    await harness?.close();
    await store?.close();
  });

  const ready = async () => {
    const response = await fetch(`${harness.router.url}/ready`);
    return { status: response.status, body: (await response.json()) as { checks?: Record<string, { ready: boolean; error?: string }> } };
  };

  it('is ready while the database answers, and says so', async () => {
    await until(async () => (await ready()).status === 200);
    expect((await ready()).body.checks).toEqual({ database: { ready: true }, slow: { ready: true } });
  });

  it('a check that hangs makes /ready answer 503 within the probe timeout, naming it', async () => {
    hanging = true;
    try {
      await until(async () => (await ready()).status === 503);
      const started = Date.now();
      const { body } = await ready();
      expect(Date.now() - started).toBeLessThan(2500);
      expect(body.checks?.slow).toEqual({ ready: false, error: 'timeout' });
    } finally {
      hanging = false;
    }
    await until(async () => (await ready()).status === 200);
  });

  it('the database gone, /ready is 503 and names the database (never its password)', async () => {
    await store.database.close();
    await until(async () => (await ready()).status === 503);
    const { body } = await ready();
    expect(body.checks?.database?.ready).toBe(false);
    expect(body.checks?.database?.error).toContain(store.database.name);
    expect(JSON.stringify(body)).not.toContain(new URL(store.database.config.url).password);
  });
});
