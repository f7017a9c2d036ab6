import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signViewerContext, viewerContextBinding, viewerContextKey, VIEWER_BINDING_HEADER, VIEWER_HEADER } from '../../lib/viewer-context.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { capturingLogger } from '../../test/helpers/log-capture.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

/**
 * A stranger's headers: other origins, the metrics page, request ids made to break logs, a replayed
 * viewer context, floods. The router sits behind a trusted proxy here (127.0.0.1), so each test can
 * speak from its own client address with `X-Forwarded-For`, as clients behind a real proxy would.
 */
describe('hostile headers against the embedded hub', () => {
  let hub: EmbeddedHub;
  let people: ReturnType<typeof hubSession>;
  const capture = capturingLogger('hub');
  const secret = randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(24).toString('base64url');
  const limits = { windowMs: 60_000, perViewer: 12, perAddress: 30, authPerAddress: 8, maxKeys: 10_000 };
  const previousSecret = process.env.HUB_VIEWER_CONTEXT_SECRET;

  beforeAll(async () => {
    // The test knows the hub's viewer-context secret only to forge a *valid* context, the worst case of a leaked one.
    process.env.HUB_VIEWER_CONTEXT_SECRET = secret;
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-hostile-headers-')),
      ...(await testHubOptions()),
      log: capture.log,
      routerOverrides: { trustedProxies: new Set(['127.0.0.1']), rateLimit: limits, metrics: { host: '127.0.0.1', port: 0, token: metricsToken } },
    });
    people = hubSession(hub);
  });
  afterAll(async () => {
    await hub?.stop();
    if (previousSecret === undefined) delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    else process.env.HUB_VIEWER_CONTEXT_SECRET = previousSecret;
  });

  let nextAddress = 1;
  /** A client address of its own for each caller, so that one test's requests never count against another's. */
  const freshAddress = () => {
    const n = nextAddress++;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress(), ...headers },
      body: JSON.stringify(body),
    });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(hub.router.graphqlUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', 'x-forwarded-for': freshAddress() },
      });

    it('gives an evil origin and the opaque "null" origin no CORS headers at all, preflight or not', async () => {
      for (const origin of ['https://evil.example', 'null', `${hub.router.publicUrl}.evil.example`]) {
        for (const response of [await preflight(origin), await post({ query: '{ __typename }' }, { origin })]) {
          expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
          expect(response.headers.get('access-control-allow-credentials'), origin).toBeNull();
        }
      }
    });

    it('allows the hub’s own public origin, with credentials', async () => {
      const origin = new URL(hub.router.publicUrl).origin;
      for (const response of [await preflight(origin), await post({ query: '{ __typename }' }, { origin })]) {
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('access-control-allow-credentials')).toBe('true');
        expect(response.headers.get('vary')).toMatch(/origin/i);
      }
    });
  });

  describe('/metrics', () => {
    const publicMetrics = (headers: Record<string, string> = {}) =>
      fetch(`${hub.router.publicUrl}/metrics`, { headers: { 'x-forwarded-for': freshAddress(), ...headers } });

    it('is refused on the public port without the metrics token, or with a wrong one', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${metricsToken}x` }, { authorization: metricsToken }] as Record<
        string,
        string
      >[]) {
        const response = await publicMetrics(headers);
        expect(response.status).toBe(401);
        expect(await response.text()).not.toContain('graphql_envelop_request');
      }
    });

    it('is served on its own loopback listener, and on the public port to the token', async () => {
      const local = await fetch(hub.router.metricsUrl);
      expect(local.status).toBe(200);
      expect(await local.text()).toContain('hub_router_process_cpu_seconds_total');
      expect(new URL(hub.router.metricsUrl).port).not.toBe(new URL(hub.router.publicUrl).port);
      const withToken = await publicMetrics({ authorization: `Bearer ${metricsToken}` });
      expect(withToken.status).toBe(200);
    });

    it('stays bounded when clients send 1,000 distinct operation names, field paths and URLs', async () => {
      const before = (await (await fetch(hub.router.metricsUrl)).text()).length;
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => {
            const n = i + j;
            const name = `Probe${n}_${'x'.repeat(200)}`;
            // Client-chosen names, aliases and a query string in the URL; half of them fail validation.
            return fetch(`${hub.router.graphqlUrl}?cache=${n}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress() },
              body: JSON.stringify({ query: `query ${name} { alias${n}: __typename ${n % 2 ? `nope${n}` : ''} }`, operationName: name }),
            }).then((r) => r.text());
          }),
        );
      }
      const after = await (await fetch(hub.router.metricsUrl)).text();
      expect(after).not.toMatch(/Probe\d+/);
      expect(after).not.toMatch(/alias\d+/);
      expect(after).not.toMatch(/cache=\d+/);
      expect(after).toMatch(/operationName="unregistered"/);
      // Unbounded labels grew it by ~18 MB; bounded ones let it grow only by fixed series (a few new status or phase values).
      expect(after.length - before).toBeLessThan(60_000);
      // The access log names the operations, cut to a bound: a 210-character name is not logged whole.
      const logged = capture.lines().filter((l) => l.msg === 'request' && typeof l.operationName === 'string' && l.operationName.startsWith('Probe'));
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.every((l) => String(l.operationName).length <= 128)).toBe(true);
    }, 120_000);
  });

  describe('request ids', () => {
    const requestsLogged = () => capture.lines().filter((l) => l.msg === 'request');

    it('a client’s well-formed x-request-id is kept for correlation', async () => {
      const response = await post({ query: '{ __typename }' }, { 'x-request-id': 'client-trace-0001' });
      expect(response.headers.get('x-request-id')).toBe('client-trace-0001');
    });

    it('a huge or malformed x-request-id is never echoed, forwarded or logged as sent', async () => {
      const hostile = ['r'.repeat(8_000), 'abc\tdef', '"},{"level":60,"msg":"forged', 'é'.repeat(10), '<script>alert(1)</script>'];
      for (const id of hostile) {
        const response = await post({ query: '{ schools { uai } }' }, { 'x-request-id': id });
        expect(response.status).toBe(200);
        const echoed = response.headers.get('x-request-id')!;
        expect(echoed).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
        expect(echoed).not.toBe(id);
      }
      const logged = JSON.stringify(capture.lines());
      for (const id of hostile) expect(logged).not.toContain(JSON.stringify(id).slice(1, -1));
      expect(requestsLogged().every((l) => typeof l.requestId === 'string' && l.requestId.length <= 128)).toBe(true);
    });
  });

  describe('x-hub-viewer from a client', () => {
    it('a (validly signed) viewer context sent by a client never reaches a subgraph: the request stays anonymous', async () => {
      const sophie = hub.logins.find((l) => l.login === 'sophie.martin')!;
      const person = hub.academie.demo.find((d) => d.login === 'sophie.martin')!;
      expect(sophie && person).toBeTruthy();
      const body = JSON.stringify({ query: '{ viewer { profile person { displayName } } }' });
      const key = viewerContextKey(secret);
      const token = await signViewerContext(
        { kind: 'person', personId: person.id, profile: 'guardian', scopes: ['directory:identity:read'], policies: [] },
        key,
        'forged-request',
      );
      const response = await fetch(hub.router.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': freshAddress(),
          [VIEWER_HEADER]: token,
          [VIEWER_BINDING_HEADER]: viewerContextBinding(key, token, 'directory', body),
          'x-request-id': 'forged-request',
        },
        body,
      });
      const text = await response.text();
      expect(text).not.toContain('Sophie');
      expect(text).not.toContain('GUARDIAN');
    });
  });

  describe('rate limits', () => {
    const expectRateLimited = async (response: Response) => {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(limits.windowMs / 1000);
    };

    it('/graphql: one address over its limit gets 429 with Retry-After and RATE_LIMITED; another address is served', async () => {
      const address = freshAddress();
      const statuses: number[] = [];
      for (let i = 0; i < limits.perAddress; i++) statuses.push((await post({ query: '{ __typename }' }, { 'x-forwarded-for': address })).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const refused = await post({ query: '{ __typename }' }, { 'x-forwarded-for': address });
      await expectRateLimited(refused);
      expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
      // A spoofed X-Forwarded-For left of the proxy's own entry does not give the flooder a new address.
      await expectRateLimited(await post({ query: '{ __typename }' }, { 'x-forwarded-for': `203.0.113.77, ${address}` }));
      expect((await post({ query: '{ __typename }' })).status).toBe(200);
      expect(capture.lines().some((l) => l.msg === 'rate limited' && l.limit === 'address')).toBe(true);
    });

    it('once /graphql is 429 for an address, no other path serves GraphQL to it (/graphql/, /x/graphql, ?x=/graphql)', async () => {
      const address = freshAddress();
      for (let i = 0; i < limits.perAddress; i++) expect((await post({ query: '{ __typename }' }, { 'x-forwarded-for': address })).status).toBe(200);
      await expectRateLimited(await post({ query: '{ __typename }' }, { 'x-forwarded-for': address }));
      const origin = new URL(hub.router.graphqlUrl).origin;
      for (const path of ['/graphql/', '/x/graphql', '/health?x=/graphql', '/ready/graphql', '/auth/graphql', '/graphql/?x=1', '/GRAPHQL']) {
        for (const method of ['POST', 'GET'] as const) {
          const url = new URL(path, origin);
          if (method === 'GET') url.searchParams.set('query', '{ schools { uai } }');
          const response = await fetch(url, {
            method,
            headers: { 'content-type': 'application/json', 'x-graphql-csrf': '1', accept: 'application/json', 'x-forwarded-for': address },
            ...(method === 'POST' ? { body: JSON.stringify({ query: '{ schools { uai } }' }) } : {}),
          });
          const text = await response.text();
          expect(response.status, `${method} ${path}`).toBe(404);
          expect(text, `${method} ${path}`).not.toContain('uai');
        }
      }
    });

    it('/auth/login: one address over its limit gets 429 with Retry-After', async () => {
      const address = freshAddress();
      const login = () => fetch(`${hub.router.publicUrl}/auth/login?idp=educonnect`, { redirect: 'manual', headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < limits.authPerAddress; i++) expect((await login()).status).toBeLessThan(400);
      await expectRateLimited(await login());
      const other = await fetch(`${hub.router.publicUrl}/auth/login?idp=educonnect`, { redirect: 'manual', headers: { 'x-forwarded-for': freshAddress() } });
      expect(other.status).toBeLessThan(400);
    });

    it('per viewer: one person’s flood is refused, another person from the same address is served', async () => {
      const address = freshAddress();
      const ask = (login: string) => people.ask(login, '{ viewer { profile } }', {}, { 'x-forwarded-for': address });
      for (let i = 0; i < limits.perViewer; i++) expect((await ask('lea.martin')).errors).toBeUndefined();
      const flooded = await fetch(hub.router.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await people.token('lea.martin')}`, 'x-forwarded-for': address },
        body: JSON.stringify({ query: '{ viewer { profile } }' }),
      });
      await expectRateLimited(flooded);
      expect((await flooded.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
      const other = await ask('chloe.martin');
      expect(other.errors).toBeUndefined();
      expect(other.data.viewer.profile).toBe('STUDENT');
      expect(capture.lines().some((l) => l.msg === 'rate limited' && l.limit === 'viewer')).toBe(true);
    });
  });
});
