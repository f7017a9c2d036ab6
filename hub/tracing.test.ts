import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanLine } from '../lib/telemetry/file-exporter.ts';
import { REQUEST_ID_ATTRIBUTE, SCHOOL_ATTRIBUTE, startTracing, type Tracing } from '../lib/tracing.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { capturingLogger } from '../test/helpers/log-capture.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

const TODAY = '2026-11-23';

/** The guardian's dashboard: identity (the viewer), the directory (children), vie scolaire (grades, absences), the schools' systems. */
const DASHBOARD = `query GuardianDashboard {
  viewer { person { displayName } children { displayName
    grades { value }
    absences(from: "2026-09-01", to: "2026-11-23") { start }
  } } }`;

describe('one trace from the router to the schools’ systems (HUB_TRACING=file)', () => {
  let hub: EmbeddedHub;
  let tracing: Tracing;
  let tracesFile: string;
  let token: string;
  let answer: { data?: any; errors?: unknown[] };
  const logs = capturingLogger('tracing-test');
  const REQUEST_ID = 'trace-test-0001';
  const SEARCH_IDS = ['trace-test-0002', 'trace-test-0003'] as const;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-tracing-'));
    tracesFile = join(dataDir, 'traces.jsonl');
    // As `npm start` does: one variable, every request sampled, the file in the data folder.
    tracing = startTracing({ serviceName: 'hub', log: logs.log, env: { HUB_TRACING: 'file' }, defaults: { sampleRatio: 1, file: tracesFile } });
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()), today: () => TODAY, log: logs.log });
    const people = hubSession(hub);
    token = await people.token('sophie.martin');
    answer = await people.ask('sophie.martin', DASHBOARD, {}, { 'x-request-id': REQUEST_ID });
    // A name searched for, written in the query and passed as a variable: neither may reach a span.
    await people.ask('sophie.martin', '{ searchPeople(text: "Bernard") { id } }', {}, { 'x-request-id': SEARCH_IDS[0] });
    await people.ask('sophie.martin', 'query Find($text: String!) { searchPeople(text: $text) { id } }', { text: 'Durand' }, { 'x-request-id': SEARCH_IDS[1] });
    await tracing.flush();
  });
  afterAll(async () => {
    await hub?.stop();
    await tracing?.shutdown();
  });

  const spans = (): SpanLine[] =>
    readFileSync(tracesFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpanLine);
  /** The spans of the dashboard request: those of the trace its router span began. */
  const dashboardTrace = () => {
    const all = spans();
    const root = all.find((s) => s.name === 'POST /graphql' && s.attributes[REQUEST_ID_ATTRIBUTE] === REQUEST_ID);
    expect(root, 'the router’s HTTP span of the request').toBeDefined();
    return { root: root!, trace: all.filter((s) => s.traceId === root!.traceId) };
  };
  const ancestors = (span: SpanLine, trace: SpanLine[]): SpanLine[] => {
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const chain: SpanLine[] = [];
    for (let at = span.parentSpanId && byId.get(span.parentSpanId); at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) chain.push(at);
    return chain;
  };

  it('answers the dashboard (the trace below is of a real answer)', () => {
    expect(answer.errors).toBeUndefined();
    expect(answer.data.viewer.children).toHaveLength(3);
  });

  it('is one trace: the router’s span, a span per subgraph fetch continued in that subgraph, calls to the schools’ systems under them', () => {
    const { root, trace } = dashboardTrace();
    const operation = trace.find((s) => s.name === 'graphql.operation GuardianDashboard');
    expect(operation?.attributes['graphql.operation.name']).toBe('GuardianDashboard');
    const execute = trace.find((s) => s.name === 'graphql.execute')!;
    const subgraphs = execute.attributes['hive.gateway.operation.subgraph.names'] as string[];
    expect(new Set(subgraphs)).toEqual(new Set(['identity', 'directory', 'vie-scolaire']));
    for (const name of new Set(subgraphs)) {
      // The router's fetch, and the subgraph's own span continuing it (W3C traceparent over HTTP).
      const fetches = trace.filter((s) => s.name === `subgraph.execute (${name})`);
      expect(fetches.length, name).toBeGreaterThan(0);
      const served = trace.filter((s) => s.name === `subgraph ${name}` && s.kind === 'SERVER');
      expect(served.length, name).toBeGreaterThanOrEqual(fetches.length);
      for (const span of served) {
        expect(span.attributes['hub.subgraph']).toBe(name);
        expect(span.attributes[REQUEST_ID_ATTRIBUTE]).toBe(REQUEST_ID);
        expect(ancestors(span, trace).map((s) => s.name)).toContain(`subgraph.execute (${name})`);
      }
    }
    // Which school's system, and the HTTP call to its stand-in under it (undici's instrumentation).
    const standins = new Map(hub.vieScolaire.standins.map((s) => [s.uai, new URL(s.url)]));
    const schoolCalls = trace.filter((s) => s.name.startsWith('vie-scolaire ') && standins.has(String(s.attributes[SCHOOL_ATTRIBUTE])));
    expect(schoolCalls.length).toBeGreaterThan(0);
    for (const call of schoolCalls) {
      expect(ancestors(call, trace).map((s) => s.name)).toContain('subgraph vie-scolaire');
      const http = trace.filter((s) => s.parentSpanId === call.spanId && s.kind === 'CLIENT');
      expect(http.length, `HTTP call of ${call.name} ${String(call.attributes[SCHOOL_ATTRIBUTE])}`).toBeGreaterThan(0);
      const standin = standins.get(String(call.attributes[SCHOOL_ATTRIBUTE]))!;
      for (const h of http) expect(String(h.attributes['url.full'])).toMatch(new RegExp(`^${standin.origin}/`));
    }
    // The vie scolaire cache says what it served and what cost a call.
    expect(trace.some((s) => s.events?.some((e) => e.name === 'vie-scolaire cache' && e.attributes?.['hub.cache'] === 'miss'))).toBe(true);
    // The router's spans all carry the request id.
    const routerSpans = trace.filter((s) => /^(POST \/graphql|graphql\.|subgraph\.execute|http\.fetch)/.test(s.name));
    expect(routerSpans.length).toBeGreaterThan(5);
    for (const span of routerSpans) expect(span.attributes[REQUEST_ID_ATTRIBUTE], span.name).toBe(REQUEST_ID);
    expect(root.parentSpanId).toBeUndefined();
  });

  it('holds no person’s data and no secret: no name, no grade, no token, no document', () => {
    const { trace } = dashboardTrace();
    // What a person reads of the trace, without the timings and ids of each span.
    const text = JSON.stringify(trace.map(({ time: _t, durationMs: _d, traceId: _tr, spanId: _s, parentSpanId: _p, ...rest }) => rest));
    const children = answer.data.viewer.children as { displayName: string; grades: { value: number | null }[] }[];
    const names = [answer.data.viewer.person.displayName as string, ...children.map((c) => c.displayName)].flatMap((n) => n.split(/\s+/));
    expect(names).toEqual(expect.arrayContaining(['Sophie', 'MARTIN', 'Léa']));
    for (const name of names) expect(text.toLowerCase(), name).not.toContain(name.toLowerCase());
    const decimals = new Set(children.flatMap((c) => c.grades.map((g) => g.value)).filter((v): v is number => v !== null && !Number.isInteger(v)));
    expect(decimals.size).toBeGreaterThan(0);
    for (const value of decimals) expect(text, `grade ${value}`).not.toMatch(new RegExp(`(^|[^\\d.])${String(value).replace('.', '\\.')}([^\\d]|$)`));
    expect(text).not.toContain(token);
    expect(text.toLowerCase()).not.toContain('bearer');
    expect(text.toLowerCase()).not.toContain('cookie');
    // The query's text (with any literal argument it holds) stays out: no field of it appears.
    expect(text).not.toContain('displayName');
    expect(text).not.toContain('graphql.document');
  });

  it('holds neither a literal argument nor a variable of a search for a person', () => {
    const all = spans();
    for (const [id, name] of [
      [SEARCH_IDS[0], 'bernard'],
      [SEARCH_IDS[1], 'durand'],
    ] as const) {
      const root = all.find((s) => s.attributes[REQUEST_ID_ATTRIBUTE] === id && s.name === 'POST /graphql');
      expect(root, id).toBeDefined();
      const trace = all.filter((s) => s.traceId === root!.traceId);
      expect(
        trace.some((s) => s.name.startsWith('graphql.operation')),
        id,
      ).toBe(true);
      expect(JSON.stringify(trace).toLowerCase(), id).not.toContain(name);
    }
  });

  it('puts the trace and span ids on the log lines written while a span is active', () => {
    const { trace } = dashboardTrace();
    const ids = new Set(trace.map((s) => s.spanId));
    const correlated = logs.lines().filter((line) => line.trace_id === trace[0]!.traceId);
    expect(correlated.length).toBeGreaterThan(0);
    for (const line of correlated) expect(ids.has(String(line.span_id))).toBe(true);
  });
});
