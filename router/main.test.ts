import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../schema/compose.ts';
import type { StartedSubgraph } from '../subgraphs/kit/subgraph-server.ts';
import { campusTypeDefs, rosterTypeDefs, startCampus, startRoster } from '../test/fixtures/school-subgraphs.ts';
import { startTsProcess, type ChildHandle } from '../test/helpers/child-process.ts';
import { TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';

/** The router as deployed: its own process, configured by flags and environment only. */
describe('router process', () => {
  let campus: StartedSubgraph;
  let roster: StartedSubgraph;
  let supergraphPath: string;
  beforeAll(async () => {
    campus = await startCampus();
    roster = await startRoster();
    supergraphPath = join(mkdtempSync(join(tmpdir(), 'hub-main-')), 'elsewhere.graphql');
    // A supergraph the router was not built with: composed here, from subgraphs it has never seen.
    writeFileSync(
      supergraphPath,
      composeSupergraph([
        { name: 'campus', url: campus.graphqlUrl, typeDefs: campusTypeDefs },
        { name: 'roster', url: roster.graphqlUrl, typeDefs: rosterTypeDefs },
      ]),
    );
  });
  afterAll(async () => {
    await Promise.all([campus?.close(0), roster?.close(0)]);
  });

  const startRouterProcess = async (env: Record<string, string> = {}): Promise<{ proc: ChildHandle; url: string }> => {
    const proc = startTsProcess('router/main.ts', ['--supergraph', supergraphPath, '--port', '0'], {
      ROUTER_METRICS_PORT: '0',
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      ROUTER_AUDIT_DIR: join(tmpdir(), `hub-audit-${process.pid}`),
      ...env,
    });
    const listening = await proc.waitFor((l) => l.msg === 'router listening');
    return { proc, url: listening.url as string };
  };

  it('runs alone on any supergraph file and answers through it', async () => {
    const { proc, url } = await startRouterProcess();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ schools { name pupilCount } }' }),
      });
      expect(await response.json()).toEqual({
        data: {
          schools: [
            { name: 'Lycée Victor Hugo', pupilCount: 1200 },
            { name: 'Collège Jean Moulin', pupilCount: 450 },
          ],
        },
      });
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('without ROUTER_IDENTITY_PROVIDERS_FILE serves no login routes, and says so; with a bad one refuses to start, naming every bad field', async () => {
    const { proc, url } = await startRouterProcess();
    try {
      expect(proc.lines.some((l) => l.level === 40 && /ROUTER_IDENTITY_PROVIDERS_FILE is not set: no login routes/.test(l.msg))).toBe(true);
      expect((await fetch(new URL('/auth/login', url), { redirect: 'manual' })).status).toBe(404);
    } finally {
      proc.child.kill('SIGKILL');
    }
    const providersFile = join(mkdtempSync(join(tmpdir(), 'hub-main-')), 'identity-providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [
          {
            id: 'educonnect',
            label: 'EduConnect',
            issuer: 'http://educonnect.example.fr',
            clientId: 'ent-hub',
            clientSecretVariable: 'UNSET_SECRET_VARIABLE',
            linking: 'educonnect',
            clientSecret: 'typed-into-the-file',
          },
        ],
      }),
    );
    const refused = startTsProcess('router/main.ts', ['--supergraph', supergraphPath, '--port', '0'], {
      ROUTER_METRICS_PORT: '0',
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      ROUTER_AUDIT_DIR: join(tmpdir(), `hub-audit-${process.pid}`),
      ROUTER_IDENTITY_PROVIDERS_FILE: providersFile,
    });
    expect((await refused.exited).code).not.toBe(0);
    const fatal = refused.lines.find((l) => l.level === 60)?.msg as string;
    expect(fatal).toMatch(/ROUTER_IDENTITY_PROVIDERS_FILE must be/);
    for (const field of ['providers[0].issuer: must be https', 'providers[0].clientSecret: a secret is never written', 'UNSET_SECRET_VARIABLE is not set'])
      expect(fatal).toContain(field);
    expect(JSON.stringify(refused.lines)).not.toContain('typed-into-the-file');
  }, 90_000);

  it('refuses to start on a file that is not a supergraph, saying why', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'hub-main-')), 'broken.graphql');
    writeFileSync(broken, 'type Query { hello: String }');
    const proc = startTsProcess('router/main.ts', ['--supergraph', broken, '--port', '0'], {
      ROUTER_METRICS_PORT: '0',
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      ROUTER_AUDIT_DIR: join(tmpdir(), `hub-audit-${process.pid}`),
    });
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    expect(JSON.stringify(proc.lines)).toContain('is not a federation supergraph');
  });

  it('refuses to start on a bad variable, naming every bad one and what it must be', async () => {
    const proc = startTsProcess('router/main.ts', ['--supergraph', supergraphPath, '--port', '0'], {
      ROUTER_METRICS_PORT: '0',
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      ROUTER_AUDIT_DIR: join(tmpdir(), `hub-audit-${process.pid}`),
      ROUTER_MAX_DEPTH: 'ten',
      ROUTER_AUDIT_STRICT: 'yes',
      ROUTER_METRICS_TOKEN: 'too-short-to-be-a-token',
    });
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    const fatal = proc.lines.find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/ROUTER_MAX_DEPTH must be an integer from 1 to 1000, got "ten"/);
    expect(fatal?.msg).toMatch(/ROUTER_AUDIT_STRICT must be true or false, got "yes"/);
    expect(fatal?.msg).toMatch(/ROUTER_METRICS_TOKEN must be a secret of at least 32 bytes/);
    // A secret is named, never shown.
    expect(JSON.stringify(proc.lines)).not.toContain('too-short-to-be-a-token');
    expect(proc.lines.some((l) => l.msg === 'router listening')).toBe(false);
  }, 90_000);

  it('on SIGTERM lets an in-flight request finish, closes keep-alive connections, and exits within the bound', async () => {
    const { proc, url } = await startRouterProcess({ ROUTER_SHUTDOWN_GRACE_MS: '3000' });
    const target = new URL(url);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const post = (query: string) =>
      new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        const req = request(
          { agent, host: target.hostname, port: target.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query }));
      });
    try {
      // An idle keep-alive connection, held open by the agent after this response.
      expect((await post('{ schools { uai } }')).status).toBe(200);
      const inFlight = post('{ slowCount(ms: 1000) }');
      await new Promise((r) => setTimeout(r, 200));
      const signalledAt = Date.now();
      proc.child.kill('SIGTERM');
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(JSON.parse(finished.body)).toEqual({ data: { slowCount: 1 } });
      const { code } = await proc.exited;
      expect(code).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(3000);
    } finally {
      agent.destroy();
      proc.child.kill('SIGKILL');
    }
  });
});
