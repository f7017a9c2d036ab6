/**
 * Amplification: one pupil's request must not take vie scolaire down for the whole school.
 *
 * The attack of the review: a batch of 10 operations (a JSON array body), each with 25 aliased
 * `timetable` ranges, i.e. 250 upstream calls for one HTTP request, after which the school's circuit
 * breaker opened for everyone. Three layers answer it, each tested here over the embedded hub:
 * the router's cost budget (per HTTP request, batch included), the subgraph's upstream-call budgets
 * (per request and per viewer) with range coalescing, and a breaker that trips on the school's
 * system being unhealthy, not on one viewer's load.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signViewerContext, VIEWER_BINDING_HEADER, VIEWER_HEADER, viewerContextBinding, viewerContextKey, type Viewer } from '../../lib/viewer-context.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

const TODAY = '2026-11-23';
const SECRET = 'amplification-test-secret-0123456789abcdefgh';
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.parse(`${TODAY}T12:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

/**
 * `count` aliased one-day timetable ranges, `spacing` days apart. Spaced further apart than the
 * upstream's 120-day bound, no covering range can merge them: each is its own upstream call.
 */
const aliasedRanges = (count: number, spacing: number, start = -1500) =>
  Array.from({ length: count }, (_, i) => `t${i}: timetable(from: "${day(start + i * spacing)}", to: "${day(start + i * spacing)}") { start }`).join(' ');

const TIMETABLE_BOMB = `{ me { ... on Student { ${aliasedRanges(25, 130)} } } }`;
const BATCH = Array.from({ length: 10 }, () => ({ query: TIMETABLE_BOMB }));

const DASHBOARD = `{ viewer { children { displayName
    timetable(from: "2026-11-23", to: "2026-11-24") { start }
    grades { value }
    homework(from: "2026-11-23", to: "2026-12-04") { dueOn }
    absences(from: "2026-09-01", to: "2026-11-23") { start } } } }`;

describe('amplification: one pupil cannot take vie scolaire down for the school', () => {
  let hub: EmbeddedHub;
  let session: ReturnType<typeof hubSession>;
  beforeAll(async () => {
    process.env.HUB_VIEWER_CONTEXT_SECRET = SECRET;
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-amplification-')),
      ...(await testHubOptions()),
      today: () => TODAY,
      // Short enough that a queue of amplified calls times out within the test, as it did in the review.
      vieScolaireUpstream: { requestTimeoutMs: 1000, deadlineMs: 1500, retries: 1, breakerThreshold: 3, breakerResetMs: 30_000 },
    });
    session = hubSession(hub);
    // Log the people in before any test measures anything.
    for (const login of ['lea.martin', 'hugo.martin', 'claire.bernard']) await session.token(login);
  });
  afterAll(async () => {
    delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    await hub?.stop();
  });

  const college = () => hub.vieScolaire.standins[0]!; // schools start in UAI order: the collège first
  const timetableCalls = () => college().requests.get('/api/emploiDuTemps') ?? 0;
  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const codesOf = (answer: { errors?: { extensions?: { code?: string } }[] }) => (answer.errors ?? []).map((e) => e.extensions?.code);

  const postBatch = async (login: string, body: unknown) => {
    const response = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await session.token(login)}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };

  /** What a router that let the operation through would send: the pupil's signed context, bound to the body. */
  const askSubgraphAs = (login: string, query: string) =>
    postSubgraphAs(login, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { ${query} } } }`,
      variables: { r: [{ __typename: 'Student', id: personId(login) }] },
    });

  const postSubgraphAs = async (login: string, operation: { query: string; variables?: Record<string, unknown> }) => {
    const viewer: Viewer = {
      kind: 'person',
      personId: personId(login),
      profile: 'student',
      scopes: ['vie-scolaire:timetable:read', 'vie-scolaire:homework:read', 'vie-scolaire:homework:submit'],
      policies: [],
      schools: [college().uai],
    };
    const key = viewerContextKey(SECRET);
    const token = await signViewerContext(viewer, key, `amplification-${Math.random()}`);
    const body = JSON.stringify(operation);
    const response = await fetch(hub.subgraphUrls['vie-scolaire']!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [VIEWER_HEADER]: token, [VIEWER_BINDING_HEADER]: viewerContextBinding(key, token, 'vie-scolaire', body) },
      body,
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  };

  it('the router refuses an operation of 25 aliased timetable ranges: it costs what its upstream calls cost', async () => {
    const before = timetableCalls();
    const { json } = await postBatch('lea.martin', { query: TIMETABLE_BOMB });
    expect(json.data ?? null).toBeNull();
    expect(codesOf(json)).toContain('OPERATION_LIMIT_EXCEEDED');
    expect(json.errors[0].message).toMatch(/^Operation refused: .*cost/i);
    expect(timetableCalls() - before).toBe(0);
  });

  it('a batch of 10 such operations is one budget: refused or capped, and the school’s system is barely asked', async () => {
    const before = timetableCalls();
    const { status, json } = await postBatch('lea.martin', BATCH);
    expect(status).toBe(200);
    expect(json).toHaveLength(10);
    for (const answer of json) {
      // Each operation is refused by the router, or served only in part with the subgraph's cap.
      expect(codesOf(answer).some((c) => c === 'OPERATION_LIMIT_EXCEEDED' || c === 'UPSTREAM_BUDGET_EXCEEDED')).toBe(true);
    }
    expect(timetableCalls() - before).toBeLessThanOrEqual(16);
  });

  it('operations that each fit the cost limit still share one budget when batched', async () => {
    // Six aliased ranges per operation: one alone is accepted; ten in one HTTP request are not all.
    const modest = `{ me { ... on Student { ${aliasedRanges(6, 130, -3000)} } } }`;
    const alone = await postBatch('lea.martin', { query: modest });
    expect(codesOf(alone.json)).not.toContain('OPERATION_LIMIT_EXCEEDED');
    const { json } = await postBatch(
      'lea.martin',
      Array.from({ length: 10 }, () => ({ query: modest })),
    );
    const refused = json.filter((answer: any) => codesOf(answer).includes('OPERATION_LIMIT_EXCEEDED'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].errors[0].message).toMatch(/batch/);
  });

  it('past the router, the subgraph caps the upstream calls of one request and of one viewer, and says so', async () => {
    const before = timetableCalls();
    // Ten requests at once, as a batch reaches the subgraph (one request per operation).
    const answers = await Promise.all(Array.from({ length: 10 }, () => askSubgraphAs('lea.martin', aliasedRanges(25, 130, -2000))));
    const calls = timetableCalls() - before;
    expect(calls).toBeLessThanOrEqual(40);
    const errors = answers.flatMap((a) => a.errors ?? []);
    expect(errors.some((e) => e.extensions?.code === 'UPSTREAM_BUDGET_EXCEEDED')).toBe(true);
    expect(errors.find((e) => e.extensions?.code === 'UPSTREAM_BUDGET_EXCEEDED')!.message).toMatch(/upstream calls/);
  });

  it('overlapping ranges of one request are fetched as one covering range', async () => {
    const before = timetableCalls();
    // 25 aliased ranges within 120 days (not yet cached), asked by a pupil of the collège whose
    // budget is untouched: one upstream call, each field its own slice.
    const answer = await askSubgraphAs(
      'lucas.bernard',
      Array.from({ length: 25 }, (_, i) => `t${i}: timetable(from: "${day(200 + i * 3)}", to: "${day(202 + i * 3)}") { start }`).join(' '),
    );
    expect(answer.errors).toBeUndefined();
    expect(timetableCalls() - before).toBe(1);
    const student = answer.data._entities[0];
    for (let i = 0; i < 25; i++) {
      for (const lesson of student[`t${i}`]) expect(lesson.start.slice(0, 10) >= day(200 + i * 3) && lesson.start.slice(0, 10) <= day(202 + i * 3)).toBe(true);
    }
    expect(student.t0.length).toBeGreaterThan(0);
  });

  it('with the school’s system slow, the attack fails alone: the breaker stays closed and another family’s dashboard answers', async () => {
    college().faults.latencyMs = 400;
    try {
      // A pupil whose budgets are untouched, so the attack reaches the school's system as far as it can.
      const attack = Promise.all([
        postBatch(
          'hugo.martin',
          Array.from({ length: 10 }, (_, n) => ({ query: `{ me { ... on Student { ${aliasedRanges(25, 130, -4000 - n)} } } }` })),
        ),
        ...Array.from({ length: 10 }, (_, n) => askSubgraphAs('hugo.martin', aliasedRanges(25, 130, -6000 - n))),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const during = await session.ask('claire.bernard', DASHBOARD);
      await attack;
      const after = await session.ask('claire.bernard', DASHBOARD.replace('2026-11-24', '2026-11-25'));
      for (const answer of [during, after]) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data.viewer.children[0].timetable.length).toBeGreaterThan(0);
      }
      expect(hub.vieScolaire.upstreams.get(college().uai).circuit).toBe('closed');
    } finally {
      college().faults.latencyMs = 0;
    }
  });

  /** `count` aliased mutations of a homework id each, ids that are not the pupil's (made up, of the right shape). */
  const bogusHomework = (field: 'setHomeworkDone' | 'submitHomework', count: number, tag: string) =>
    `mutation { ${Array.from({ length: count }, (_, i) =>
      field === 'setHomeworkDone'
        ? `m${i}: setHomeworkDone(homeworkId: "${college().uai}:T-bogus-${tag}-${i}", done: true)`
        : `m${i}: submitHomework(homeworkId: "${college().uai}:T-bogus-${tag}-${i}", file: { name: "c.pdf", contentType: "application/pdf", base64: "JVBERi0xLjQK" }) { id }`,
    ).join(' ')} }`;
  const homeworkCalls = () => college().requests.get('/api/travailAFaire') ?? 0;

  it('mutations weigh what their upstream reads weigh: a batch of 10 × 30 submitHomework is refused by the router', async () => {
    const before = homeworkCalls();
    const { json } = await postBatch(
      'lucas.bernard',
      Array.from({ length: 10 }, (_, n) => ({ query: bogusHomework('submitHomework', 30, `router${n}`) })),
    );
    for (const answer of json) expect(codesOf(answer)).toContain('OPERATION_LIMIT_EXCEEDED');
    expect(homeworkCalls() - before).toBe(0);
  });

  it('the ownership check of a mutation is one cached read per pupil and request, in the viewer’s budget and lane: bogus ids cannot flood the school', async () => {
    // Emma: a pupil of the collège whose budgets are untouched; ten requests at once, 30 made-up ids each.
    const emma = 'emma.robert';
    const before = homeworkCalls();
    const flood = await Promise.all(Array.from({ length: 10 }, (_, n) => postSubgraphAs(emma, { query: bogusHomework('setHomeworkDone', 30, `flood${n}`) })));
    // One read of her homework per request at most (the first one served the others from the cache).
    expect(homeworkCalls() - before).toBeLessThanOrEqual(10);
    const codes = flood.flatMap((a) => (a.errors ?? []).map((e: any) => e.extensions?.code));
    expect(codes).toHaveLength(300);
    // Each refused: not hers, past her budget, or (the machine slow) her own reads timed out; never done.
    expect(codes.filter((c) => !['FORBIDDEN', 'UPSTREAM_BUDGET_EXCEEDED', 'UPSTREAM_UNAVAILABLE'].includes(c))).toEqual([]);
    expect(codes).toContain('UPSTREAM_BUDGET_EXCEEDED');
    // A refused id costs its author: past the budget, the flood is refused without a look at anything.
    expect(codes.filter((c) => c === 'FORBIDDEN').length).toBeLessThanOrEqual(40);
    // Meanwhile another pupil of the collège (budgets untouched) ticks her own homework as usual.
    const { data, errors } = await session.ask('ines.petit', '{ me { ... on Student { homework(from: "2026-11-23", to: "2026-12-18") { id } } } }');
    expect(errors).toBeUndefined();
    const own = (data.me.homework as { id: string }[]).find((h) => h.id.startsWith(`${college().uai}:`))!.id;
    const tick = await session.ask('ines.petit', 'mutation($id: ID!) { setHomeworkDone(homeworkId: $id, done: true) }', { id: own });
    expect(tick.errors).toBeUndefined();
    expect(tick.data.setHomeworkDone).toBe(true);
  });

  it('writes count too: one homework ticked 30 times in one request reaches the school at most the request’s budget', async () => {
    // A pupil of the collège nobody else uses here (budgets untouched).
    const store = hub.academie.store;
    const pupil = hub.logins.find((l) => l.profile === 'student' && store.record('Eleve', l.personId)?.classes.some((c) => c.code === '5EB'))!.login;
    const { data } = await session.ask(pupil, '{ me { ... on Student { homework(from: "2026-11-23", to: "2026-12-18") { id } } } }');
    const homework = data.me.homework[0].id as string;
    const writes = () => [...college().requests].filter(([path]) => path.endsWith('/fait')).reduce((sum, [, n]) => sum + n, 0);
    const before = writes();
    const answer = await postSubgraphAs(pupil, {
      query: `mutation { ${Array.from({ length: 30 }, (_, i) => `m${i}: setHomeworkDone(homeworkId: "${homework}", done: true)`).join(' ')} }`,
    });
    const done = Object.values(answer.data ?? {}).filter((v) => v === true).length;
    expect(done).toBeGreaterThan(0);
    expect(writes() - before).toBe(done);
    expect(done).toBeLessThan(16);
    expect((answer.errors ?? []).every((e: any) => e.extensions?.code === 'UPSTREAM_BUDGET_EXCEEDED')).toBe(true);
  });
});
