import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { routerConfigFromEnv } from '../router/config.ts';
import { startRouter, type HubRouter } from '../router/router.ts';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import { databaseConfigFromEnv } from '../store/database.ts';
import { openHubStore, type HubStore } from '../store/hub-store.ts';
import { DEFAULT_SESSION_TIMEOUTS } from '../store/sessions/session.ts';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { directoryLogin } from '../connectors/sso/directory-login.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { loginFlow } from './login-flow.ts';

/**
 * Two router instances on one database, as a region runs them behind a load balancer: the embedded
 * hub's router, and a second one started beside it on the same subgraphs, each with its own stores
 * (its own pool, cache and LISTEN connection) over the same PostgreSQL database.
 */
describe('two router instances sharing one database', () => {
  const log = createLogger('shared-state-test', 'silent');
  const secret = randomBytes(32).toString('base64url');
  const env = { ...process.env, HUB_VIEWER_CONTEXT_SECRET: secret };
  let hub: EmbeddedHub;
  let databaseUrl: string;
  let second: { router: HubRouter; store: HubStore } | undefined;

  /** Another instance of the router: its own stores over the database, the same subgraphs and providers. */
  const startSecondRouter = async () => {
    const store = await openHubStore({ database: databaseConfigFromEnv(env, databaseUrl), sessionTimeouts: DEFAULT_SESSION_TIMEOUTS, log });
    const router = await startRouter(
      {
        ...routerConfigFromEnv({ ...env, ROUTER_METRICS_PORT: '0', ROUTER_AUDIT_DIR: join(tmpdir(), 'unused') }),
        supergraphPath: SUPERGRAPH_PATH,
        port: 0,
        subgraphUrls: hub.subgraphUrls,
      },
      log,
      {
        sessions: store.sessions,
        auditStore: store.journal,
        readinessChecks: { database: store.readiness },
        login: directoryLogin(() => hub.providers, hub.academie.directory),
      },
    );
    return { router, store };
  };
  const stopSecondRouter = async () => {
    await second?.router.stop();
    await second?.store.close();
    second = undefined;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-shared-')), ...FREE_PORTS, databaseUrl, env });
    second = await startSecondRouter();
  });
  afterAll(async () => {
    await stopSecondRouter();
    await hub?.stop();
  });

  const tokenOf = async (login: string) => {
    const account = hub.logins.find((l) => l.login === login)!;
    const result = await loginFlow({ routerUrl: hub.router.publicUrl, idp: account.idp, login, password: account.password, transport: 'bearer' });
    if (result.kind !== 'bearer') throw new Error(`login ${login} failed`);
    return result.token;
  };
  const ask = async (router: HubRouter, token: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const personOf = (login: string) => hub.logins.find((l) => l.login === login)!.personId;

  it('a person logs in on the first router and reads through the second', async () => {
    const token = await tokenOf('sophie.martin');
    const answer = await ask(second!.router, token, '{ viewer { person { displayName } children { displayName } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.viewer.person.displayName).toBe('Sophie MARTIN');
    expect(answer.body.data.viewer.children).toHaveLength(3);
  });

  it('logging out on the second router refuses the session on the first within one second', async () => {
    const token = await tokenOf('lea.martin');
    // The first router has the session in its cache (a few requests there), as on a busy day.
    for (let i = 0; i < 3; i++) expect((await ask(hub.router, token, '{ viewer { person { displayName } } }')).status).toBe(200);
    const logout = await fetch(`${second!.router.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(204);
    const loggedOutAt = Date.now();
    let refusedAfterMs: number | undefined;
    while (Date.now() - loggedOutAt < 1_000) {
      if ((await ask(hub.router, token, '{ viewer { person { displayName } } }')).status === 401) {
        refusedAfterMs = Date.now() - loggedOutAt;
        break;
      }
    }
    expect(refusedAfterMs, 'the first router still honoured the session one second after logout').toBeDefined();
    expect((await ask(second!.router, token, '{ viewer { person { displayName } } }')).status).toBe(401);
  });

  it('both instances’ journal events are in one journal, read page by page from either', async () => {
    const token = await tokenOf('sophie.martin');
    const lea = personOf('lea.martin');
    const read = '{ viewer { children { displayName birthDate } } }';
    const first = await ask(hub.router, token, read);
    const other = await ask(second!.router, token, read);
    expect(first.body.errors).toBeUndefined();
    expect(other.body.errors).toBeUndefined();
    await Promise.all([hub.router.audit.flush(), second!.router.audit.flush()]);
    const journal = await hub.store.store.journal.about(lea, 200);
    expect(journal.map((e) => e.requestId)).toEqual(expect.arrayContaining([first.requestId, other.requestId]));

    // Through the graph, on either instance: the guardian pages through her child's journal.
    const page = async (router: HubRouter, after?: string) =>
      (
        await ask(router, token, 'query($id: ID, $after: String) { viewer { accessLog(personId: $id, first: 1, after: $after) { cursor at fields } } }', {
          id: lea,
          after,
        })
      ).body;
    const one = await page(second!.router);
    const two = await page(hub.router, one.data.viewer.accessLog[0].cursor);
    expect(one.errors).toBeUndefined();
    expect(two.errors).toBeUndefined();
    expect(two.data.viewer.accessLog).toHaveLength(1);
    expect(two.data.viewer.accessLog[0].cursor).not.toBe(one.data.viewer.accessLog[0].cursor);
    expect(two.data.viewer.accessLog[0].at <= one.data.viewer.accessLog[0].at).toBe(true);
    const forged = await page(hub.router, 'bm90LWEtY3Vyc29y');
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('/ready reports the database', async () => {
    const response = await fetch(`${second!.router.url}/ready`);
    const body = (await response.json()) as { checks?: Record<string, { ready: boolean }> };
    expect(body.checks?.database).toEqual({ ready: true });
  });

  it('a restart of a router and its stores keeps the sessions and the journal', async () => {
    const token = await tokenOf('hugo.martin');
    const hugo = personOf('hugo.martin');
    const before = await ask(second!.router, token, '{ viewer { person { displayName } } }');
    expect(before.status).toBe(200);
    const sophie = await tokenOf('sophie.martin');
    await ask(second!.router, sophie, '{ viewer { children { birthDate } } }');
    await stopSecondRouter();
    second = await startSecondRouter();
    const after = await ask(second.router, token, '{ viewer { person { displayName } } }');
    expect(after.status).toBe(200);
    expect(after.body.data.viewer.person.displayName).toBe(before.body.data.viewer.person.displayName);
    expect((await second.store.journal.about(hugo, 10)).length).toBeGreaterThan(0);
  });
});
