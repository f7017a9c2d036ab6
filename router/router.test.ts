import { putBearerSession } from '../test/helpers/sessions.ts';
import { writeFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../schema/compose.ts';
import { campusRequestIds, campusTypeDefs } from '../test/fixtures/school-subgraphs.ts';
import { capturingLogger } from '../test/helpers/log-capture.ts';
import { startRouterHarness, type RouterHarness } from '../test/helpers/router-harness.ts';
import { until } from '../test/helpers/until.ts';

describe('router over two subgraphs', () => {
  let hub: RouterHarness;
  const capture = capturingLogger('router');
  beforeAll(async () => {
    hub = await startRouterHarness({ subgraphTimeoutMs: 700 }, { log: capture.log });
  });
  afterAll(() => hub?.close());

  it('uses the native query planner', () => {
    expect(hub.router.planner).toBe('native');
  });

  it('joins fields from both subgraphs in one query', async () => {
    const { status, json } = await hub.query({ query: '{ schools { uai name pupilCount } }' });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: {
        schools: [
          { uai: '0750001A', name: 'Lycée Victor Hugo', pupilCount: 1200 },
          { uai: '0750002B', name: 'Collège Jean Moulin', pupilCount: 450 },
        ],
      },
    });
  });

  it('forwards the request id to subgraphs, returns it, and puts it on its log lines', async () => {
    const { headers } = await hub.query({ query: 'query Named { schools { uai } }' }, { 'x-request-id': 'req-abc-123' });
    expect(headers.get('x-request-id')).toBe('req-abc-123');
    expect(campusRequestIds).toContain('req-abc-123');
    const line = capture.lines().find((l) => l.msg === 'request' && l.requestId === 'req-abc-123');
    expect(line).toMatchObject({ operationName: 'Named', status: 200, component: 'router' });

    const generated = await hub.query({ query: '{ schools { uai } }' });
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(campusRequestIds).toContain(id);
  });

  it('never shares a subgraph answer between two people asking the same thing at the same moment', async () => {
    for (const person of ['person-a', 'person-b']) {
      await putBearerSession(hub.router.sessions, { id: `session-${person}`, personId: person, profile: 'student' });
    }
    const ask = async (person: string) => (await hub.query({ query: '{ whoami }' }, { authorization: `Bearer hubs_session-${person}` })).json.data.whoami;
    const people = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'person-a' : 'person-b'));
    const answers = await Promise.all(people.map(ask));
    expect(answers).toEqual(people);
  });

  it('answers /health while alive', async () => {
    const response = await fetch(`${hub.router.url}/health`);
    expect(response.status).toBe(200);
  });

  it('a slow subgraph yields partial data and an error naming it, within the timeout', async () => {
    const started = Date.now();
    const { json } = await hub.query({ query: '{ schools { name } slowCount(ms: 3000) }' });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(json.data).toEqual({ schools: [{ name: 'Lycée Victor Hugo' }, { name: 'Collège Jean Moulin' }], slowCount: null });
    expect(json.errors).toEqual([
      expect.objectContaining({ message: 'Subgraph "roster" timed out.', extensions: expect.objectContaining({ serviceName: 'roster' }) }),
    ]);
  });

  it('a subgraph that is down yields partial data and an error naming it; /ready follows; both recover', async () => {
    await hub.roster.close(0);
    const { json } = await hub.query({ query: '{ schools { uai name pupilCount } }' });
    expect(json.data).toEqual({ schools: [null, null] });
    expect(json.errors.length).toBeGreaterThan(0);
    expect(json.errors[0]).toMatchObject({ message: 'Subgraph "roster" unavailable.', extensions: { serviceName: 'roster' } });
    // Internal addresses and the entity representations sent to the subgraph stay out of responses.
    expect(JSON.stringify(json)).not.toMatch(/127\.0\.0\.1|representations/);

    const campusOnly = await hub.query({ query: '{ schools { name } }' });
    expect(campusOnly.json).toEqual({ data: { schools: [{ name: 'Lycée Victor Hugo' }, { name: 'Collège Jean Moulin' }] } });

    await until(async () => (await fetch(`${hub.router.url}/ready`)).status === 503);
    const notReady = await (await fetch(`${hub.router.url}/ready`)).json();
    expect(notReady).toMatchObject({ ready: false, supergraph: 'loaded', subgraphs: { roster: { ready: false }, campus: { ready: true } } });

    const { startRoster } = await import('../test/fixtures/school-subgraphs.ts');
    hub.roster = await startRoster(hub.roster.port);
    await until(async () => (await fetch(`${hub.router.url}/ready`)).status === 200);
    const again = await hub.query({ query: '{ schools { pupilCount } }' });
    expect(again.json).toEqual({ data: { schools: [{ pupilCount: 1200 }, { pupilCount: 450 }] } });
  });

  it('exposes Prometheus metrics per operation and per subgraph, on its own listener', async () => {
    await hub.query({ query: 'query MetricsProbe { schools { uai pupilCount } }' });
    const text = await (await fetch(hub.router.metricsUrl)).text();
    // No trusted-documents manifest here: every operation name is one label value (see MetricLabels).
    expect(text).toMatch(/graphql_envelop_request_duration_bucket\{[^}]*operationName="unregistered"/);
    expect(text).not.toContain('MetricsProbe');
    expect(text).toMatch(/graphql_gateway_subgraph_execute_duration_bucket\{[^}]*subgraphName="roster"/);
    expect(text).toMatch(/graphql_gateway_subgraph_execute_errors\{[^}]*subgraphName="roster"/);
    expect(text).toContain('hub_router_process_resident_memory_bytes');
  });

  it('reloads the supergraph when its file changes, and ignores a broken one', async () => {
    const original = readFileSync(hub.supergraphPath, 'utf8');
    writeFileSync(hub.supergraphPath, 'this is not a supergraph {');
    await new Promise((r) => setTimeout(r, 400));
    const stillServing = await hub.query({ query: '{ schools { uai } }' });
    expect(stillServing.json.data.schools).toHaveLength(2);

    // A supergraph without the roster subgraph: pupilCount disappears from the graph.
    writeFileSync(hub.supergraphPath, composeSupergraph([{ name: 'campus', url: hub.campus.graphqlUrl, typeDefs: campusTypeDefs }]));
    await until(async () => {
      const { json } = await hub.query({ query: '{ schools { pupilCount } }' });
      return json.errors?.[0]?.message?.includes('Cannot query field "pupilCount"') ?? false;
    });
    writeFileSync(hub.supergraphPath, original);
    await until(async () => (await hub.query({ query: '{ schools { pupilCount } }' })).json.data?.schools?.length === 2);
  });
});

describe('router on the JavaScript query planner (the fallback when the native addon cannot load)', () => {
  let hub: RouterHarness;
  beforeAll(async () => {
    hub = await startRouterHarness({ planner: 'javascript' });
  });
  afterAll(() => hub?.close());

  it('plans and joins the same query', async () => {
    expect(hub.router.planner).toBe('javascript');
    const { json } = await hub.query({ query: '{ schools { name pupilCount } }' });
    expect(json).toEqual({
      data: {
        schools: [
          { name: 'Lycée Victor Hugo', pupilCount: 1200 },
          { name: 'Collège Jean Moulin', pupilCount: 450 },
        ],
      },
    });
  });
});
