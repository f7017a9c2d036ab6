import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VieScolaireClient } from '../connectors/vie-scolaire/client.ts';
import { DEFAULT_UPSTREAM_OPTIONS, UpstreamPool, type UpstreamOptions } from '../connectors/vie-scolaire/upstream.ts';
import { linkLogin, relinkPerson } from '../connectors/sso/linking.ts';
import { createLogger } from '../lib/logger.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { routerConfigFromEnv } from '../router/config.ts';
import { startRouter, type HubRouter } from '../router/router.ts';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import { databaseConfigFromEnv, openDatabase } from '../store/database.ts';
import { PostgresFeedStore } from '../store/feeds/postgres-store.ts';
import { openHubStore } from '../store/hub-store.ts';
import { Outbox } from '../store/outbox/outbox.ts';
import { DEFAULT_SESSION_TIMEOUTS } from '../store/sessions/session.ts';
import { createVieScolaireMetrics } from '../subgraphs/vie-scolaire/metrics.ts';
import { submissionCheck } from '../subgraphs/vie-scolaire/ownership.ts';
import { startVieScolaireSubgraph } from '../subgraphs/vie-scolaire/server.ts';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { until } from '../test/helpers/until.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { loginFlow } from './login-flow.ts';

const TODAY = '2026-11-23';
const JUSTIFY = 'mutation($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { id state } }';
const UPSTREAM: Partial<UpstreamOptions> = { requestTimeoutMs: 400, deadlineMs: 800, retries: 0, breakerThreshold: 3, breakerResetMs: 200 };
const QUOTAS = { submissionsPerDay: 1000 };

/**
 * Two vie scolaire subgraph instances on one database, each behind a router of its own (as a region
 * runs them behind a load balancer): the embedded hub's, and a second pair started beside it with its
 * own pools and outbox loop. What guardians submit through either while the schools' systems are down
 * reaches each school exactly once when they are back.
 */
describe('two vie scolaire instances sharing one outbox', () => {
  const log = createLogger('shared-outbox-test', 'silent');
  const secret = randomBytes(32).toString('base64url');
  const env = { ...process.env, HUB_VIEWER_CONTEXT_SECRET: secret };
  let hub: EmbeddedHub;
  let databaseUrl: string;
  let second: Awaited<ReturnType<typeof startSecondInstance>> | undefined;

  /** Another vie scolaire subgraph (its own pool, upstream client and outbox loop) and a router in front of it. */
  const startSecondInstance = async () => {
    const database = await openDatabase(databaseConfigFromEnv(env, databaseUrl), log);
    const metrics = createVieScolaireMetrics();
    const upstreams = new UpstreamPool(
      Object.fromEntries(hub.vieScolaire.standins.map((s) => [s.uai, s.url])),
      { ...DEFAULT_UPSTREAM_OPTIONS, ...UPSTREAM },
      { log, metrics },
    );
    const client = new VieScolaireClient(upstreams, { metrics });
    const outbox = new Outbox(database, client, log, { verify: submissionCheck(client, () => TODAY), retryBaseMs: 500, maxBackoffMs: 2_000, tickMs: 500 });
    outbox.start();
    const subgraph = await startVieScolaireSubgraph({
      client,
      outbox,
      feeds: new PostgresFeedStore(database),
      directory: hub.academie.directory,
      perimeter: { personInChargeSeesChild: false },
      quotas: QUOTAS,
      viewerContextKey: viewerContextKey(secret),
      log,
      port: 0,
      today: () => TODAY,
    });
    const store = await openHubStore({ database: databaseConfigFromEnv(env, databaseUrl), sessionTimeouts: DEFAULT_SESSION_TIMEOUTS, log });
    const router = await startRouter(
      {
        ...routerConfigFromEnv({ ...env, ROUTER_METRICS_PORT: '0', ROUTER_AUDIT_DIR: join(tmpdir(), 'unused') }),
        supergraphPath: SUPERGRAPH_PATH,
        port: 0,
        subgraphUrls: { ...hub.subgraphUrls, 'vie-scolaire': subgraph.graphqlUrl },
      },
      log,
      {
        sessions: store.sessions,
        auditStore: store.journal,
        login: {
          providers: () => hub.providers,
          link: (claims, provider) => linkLogin(claims, provider, hub.academie.directory),
          relink: (id) => relinkPerson(id, hub.academie.directory),
        },
      },
    );
    return {
      router,
      outbox,
      async stop() {
        await router.stop();
        await store.close();
        await subgraph.close();
        await outbox.stop();
        await upstreams.close();
        await database.close();
      },
    };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-shared-outbox-')),
      ...FREE_PORTS,
      databaseUrl,
      env,
      today: () => TODAY,
      vieScolaireUpstream: UPSTREAM,
      vieScolaireQuotas: QUOTAS,
    });
    second = await startSecondInstance();
  });
  afterAll(async () => {
    await second?.stop();
    await hub?.stop();
  });

  const tokens = new Map<string, string>();
  const tokenOf = async (login: string) => {
    const known = tokens.get(login);
    if (known) return known;
    const account = hub.logins.find((l) => l.login === login)!;
    const result = await loginFlow({ routerUrl: hub.router.publicUrl, idp: account.idp, login, password: account.password, transport: 'bearer' });
    if (result.kind !== 'bearer') throw new Error(`login ${login} failed`);
    tokens.set(login, result.token);
    return result.token;
  };
  const ask = async (router: HubRouter, login: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(login)}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  };
  const schoolsDown = (down: boolean) => {
    for (const standin of hub.vieScolaire.standins) standin.faults.errorRate = down ? 1 : 0;
  };
  /** How many times each submission (by the hub's id) reached a school's system, replays included. */
  const deliveries = () => {
    const count = new Map<string, number>();
    for (const standin of hub.vieScolaire.standins) {
      for (const [ref, entry] of standin.submissions) count.set(ref, (count.get(ref) ?? 0) + entry.deliveries);
    }
    return count;
  };

  /** Guardians each with one absence of a child to justify, read while the schools answer. */
  const guardiansWithAbsences = async (wanted: number) => {
    const found: { login: string; pupilId: string; absenceId: string }[] = [];
    for (const account of hub.logins.filter((l) => l.profile === 'guardian')) {
      const { data } = await ask(hub.router, account.login, '{ viewer { children { id absences(from: "2026-09-01", to: "2026-11-23") { id } } } }');
      const child = (data?.viewer?.children ?? []).find((c: any) => c.absences?.length);
      if (child) found.push({ login: account.login, pupilId: child.id, absenceId: child.absences[0].id });
      if (found.length === wanted) return found;
    }
    throw new Error(`only ${found.length} guardians with an absence to justify`);
  };

  it('200 justifications sent through both instances while the schools are down are each received exactly once when they are back', async () => {
    const guardians = await guardiansWithAbsences(20);
    schoolsDown(true);
    // Ten each, one after another per guardian, the guardians at once; every other one through the second instance.
    const sent = (
      await Promise.all(
        guardians.map(async ({ login, pupilId, absenceId }, g) => {
          const ids: string[] = [];
          for (let i = 0; i < 10; i++) {
            const router = (g + i) % 2 ? second!.router : hub.router;
            const { data, errors } = await ask(router, login, JUSTIFY, { input: { pupilId, absenceId, reason: `Maladie ${i}` } });
            expect(errors).toBeUndefined();
            expect(data.justifyAbsence.state).toBe('PENDING');
            ids.push(data.justifyAbsence.id);
          }
          return ids;
        }),
      )
    ).flat();
    expect(new Set(sent).size).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000)); // both loops try, and fail, meanwhile
    expect(deliveries().size).toBe(0);

    schoolsDown(false);
    await until(async () => sent.every((id) => deliveries().has(id)), 30_000, 200);
    // Every state through either router: the outbox is one. (The first guardian's ten; a child's other
    // guardian may be among the twenty.)
    const { login, pupilId } = guardians[0]!;
    const mine = new Set(sent.slice(0, 10));
    await until(async () => {
      const { data } = await ask(second!.router, login, 'query($id: ID!) { person(id: $id) { ... on Student { justifications { id state } } } }', {
        id: pupilId,
      });
      const states = (data?.person?.justifications ?? []).filter((j: any) => mine.has(j.id)).map((j: any) => j.state);
      return states.length === 10 && states.every((s: string) => s === 'ACCEPTED');
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a late duplicate would have arrived by now
    const counted = deliveries();
    expect(sent.filter((id) => counted.get(id) !== 1)).toEqual([]);
  }, 90_000);

  it('what an instance accepted before a restart is forwarded after it', async () => {
    const { login, pupilId, absenceId } = (await guardiansWithAbsences(1))[0]!;
    schoolsDown(true);
    // The embedded hub's loop is paused: only the restarted instance can forward.
    await hub.vieScolaire.outbox.stop();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { data, errors } = await ask(second!.router, login, JUSTIFY, { input: { pupilId, absenceId, reason: `Avant redémarrage ${i}` } });
      expect(errors).toBeUndefined();
      ids.push(data.justifyAbsence.id);
    }
    await second!.stop();
    schoolsDown(false);
    second = await startSecondInstance();
    await until(async () => ids.every((id) => deliveries().get(id) === 1), 20_000);
    hub.vieScolaire.outbox.start();
  }, 60_000);
});
