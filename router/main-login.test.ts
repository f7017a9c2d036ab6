import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedHub, type EmbeddedHub } from '../hub/embedded-hub.ts';
import { loginFlow } from '../hub/login-flow.ts';
import { embeddedSubgraphSources } from '../schema/subgraphs.ts';
import { startTsProcess, type ChildHandle } from '../test/helpers/child-process.ts';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { FREE_PORTS, freePort } from '../test/helpers/free-ports.ts';
import { composedSupergraphFile } from '../test/helpers/supergraph-file.ts';

/**
 * The router as deployed (`router/main.ts`, its own process, configured by the environment only)
 * logging people in: the providers of ROUTER_IDENTITY_PROVIDERS_FILE (the embedded hub's OpenID
 * stand-ins), linked to the directory imported into DATABASE_URL, in front of running subgraphs
 * (the embedded hub's, through a supergraph composed here).
 */
describe('router process with login', () => {
  const secret = randomBytes(32).toString('base64url');
  let hub: EmbeddedHub;
  let router: ChildHandle;
  let routerUrl: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const port = await freePort();
    routerUrl = `http://localhost:${port}`;
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-main-login-')),
      ...FREE_PORTS,
      databaseUrl,
      // The providers accept the process's callback as a redirect target.
      extraRouterUrls: [routerUrl],
      env: { ...process.env, HUB_VIEWER_CONTEXT_SECRET: secret },
    });
    const { dir, supergraphPath } = composedSupergraphFile(
      'hub-main-login-',
      embeddedSubgraphSources().map((s) => ({ ...s, url: hub.subgraphUrls[s.name]! })),
    );
    const providersFile = join(dir, 'identity-providers.json');
    const secrets: Record<string, string> = {};
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [
          ...hub.providers.map((p) => {
            const variable = `TEST_${p.id.toUpperCase()}_CLIENT_SECRET`;
            secrets[variable] = p.clientSecret;
            return {
              id: p.id,
              label: p.label,
              issuer: p.issuer,
              clientId: p.clientId,
              clientSecretVariable: variable,
              scopes: p.scopes,
              linking: p.linking,
              fallbackLinking: p.fallbackLinking,
            };
          }),
          // A provider that does not answer: its logins fail, the others and the graph serve.
          {
            id: 'gone',
            label: 'Gone',
            issuer: 'http://127.0.0.1:1/idp',
            clientId: 'ent-hub',
            clientSecretVariable: 'TEST_EDUCONNECT_CLIENT_SECRET',
            linking: 'agent',
          },
        ],
      }),
    );
    router = startTsProcess('router/main.ts', ['--supergraph', supergraphPath, '--port', String(port)], {
      ...secrets,
      HUB_VIEWER_CONTEXT_SECRET: secret,
      DATABASE_URL: databaseUrl,
      ROUTER_IDENTITY_PROVIDERS_FILE: providersFile,
      ROUTER_METRICS_PORT: '0',
      ROUTER_AUDIT_DIR: join(dir, 'audit'),
    });
    await router.waitFor((l) => l.msg === 'router listening', 60_000);
  }, 180_000);
  afterAll(async () => {
    router?.child.kill('SIGKILL');
    await hub?.stop();
  });

  it('sends /auth/login?idp=… to the provider’s authorization endpoint with PKCE and a state', async () => {
    const response = await fetch(`${routerUrl}/auth/login?idp=educonnect`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    const educonnect = hub.providers.find((p) => p.id === 'educonnect')!;
    expect(location.href.startsWith(educonnect.issuer)).toBe(true);
    expect(location.searchParams.get('redirect_uri')).toBe(`${routerUrl}/auth/callback`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toBeTruthy();
  });

  it('logs a person in through the configured provider, linked to her directory record', async () => {
    for (const login of ['sophie.martin', hub.logins.find((l) => l.idp === 'agents')!.login]) {
      const account = hub.logins.find((l) => l.login === login)!;
      const result = await loginFlow({ routerUrl, idp: account.idp, login, password: account.password, transport: 'bearer' });
      expect(result.kind).toBe('bearer');
      const response = await fetch(`${routerUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${result.kind === 'bearer' ? result.token : ''}` },
        body: JSON.stringify({ query: '{ viewer { person { id } } }' }),
      });
      expect(await response.json()).toEqual({ data: { viewer: { person: { id: account.personId } } } });
    }
  });

  it('says a provider that does not answer cannot log in, and /ready names it', async () => {
    const login = await fetch(`${routerUrl}/auth/login?idp=gone`, { redirect: 'manual' });
    expect(login.status).toBe(502);
    expect(await login.text()).toContain('Le fournisseur d’identité ne répond pas');
    const ready = await fetch(`${routerUrl}/ready`);
    const report = (await ready.json()) as { identityProviders: Record<string, { ready: boolean }>; subgraphs: Record<string, { ready: boolean }> };
    expect(ready.status).toBe(503);
    expect(report.identityProviders).toMatchObject({ educonnect: { ready: true }, agents: { ready: true }, gone: { ready: false } });
    expect(Object.values(report.subgraphs).every((s) => s.ready)).toBe(true);
  });
});
