import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAM_OPTIONS, UpstreamPool } from '../../connectors/vie-scolaire/upstream.ts';
import { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { createLogger } from '../../lib/logger.ts';
import type { HubDatabase } from '../../store/database.ts';
import { PostgresFeedStore } from '../../store/feeds/postgres-store.ts';
import { Outbox } from '../../store/outbox/outbox.ts';
import { startVieScolaireStandin, type RunningVieScolaire } from '../../standins/vie-scolaire/server.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { askSubgraph, privateMaxAge } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { StartedSubgraph } from '../kit/subgraph-server.ts';
import { CACHE_TTL_MS } from './data-source.ts';
import { submissionCheck } from './ownership.ts';
import { startVieScolaireSubgraph } from './server.ts';

const TODAY = '2026-11-23';
/** What the router asks of this subgraph for the bench's GuardianDashboard (one child). */
const DASHBOARD = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student {
  timetable(from: "2026-11-23", to: "2026-11-23") { start end subject { label } canceled status rooms }
  grades { subject { label } value kind outOf coefficient date }
  homework(from: "2026-11-23", to: "2026-11-30") { dueOn subject { label } done }
  absences(from: "2026-10-24", to: "2026-11-23") { start justified parentsShouldJustify }
} } }`;

/**
 * The vie scolaire subgraph's answers may be reused for what is left of the life of the cache
 * entries they read, never longer (subgraphs/kit/answer-freshness.ts), and not at all when they
 * show the hub's own calendar feeds, come from a mutation, or carry an error.
 */
describe('vie scolaire subgraph: cache hints', () => {
  const log = createLogger('vie-scolaire-hints', 'silent');
  let academie: EmbeddedAcademie;
  let database: HubDatabase;
  let standins: RunningVieScolaire[] = [];
  let upstreams: UpstreamPool;
  let subgraph: StartedSubgraph;
  const answersChanged: string[] = [];
  beforeAll(async () => {
    academie = await demoAcademie();
    database = await openTestDatabase();
    standins = await Promise.all((await academie.directory.allSchools()).map((school) => startVieScolaireStandin(academie.store, school, 0)));
    upstreams = new UpstreamPool(
      Object.fromEntries(standins.map((s) => [s.uai, s.url])),
      { ...DEFAULT_UPSTREAM_OPTIONS, retries: 0, requestTimeoutMs: 1000, deadlineMs: 1500 },
      { log },
    );
    const client = new VieScolaireClient(upstreams);
    subgraph = await startVieScolaireSubgraph({
      client,
      // Not started: nothing is forwarded here, the submissions are only read.
      outbox: new Outbox(database, client, log, { verify: submissionCheck(client, () => TODAY) }),
      feeds: new PostgresFeedStore(database),
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
      viewerContextKey: TEST_VIEWER_KEY,
      log,
      port: 0,
      today: () => TODAY,
      answersChanged: async (pupilId) => void answersChanged.push(pupilId),
    });
  }, 60_000);
  afterAll(async () => {
    await subgraph?.close(0);
    await upstreams?.close();
    await Promise.all(standins.map((s) => s.close()));
    await database?.close();
  });

  const ask = (login: string, query: string, variables?: Record<string, unknown>) =>
    askSubgraph(subgraph, 'vie-scolaire', viewerFor(academie, login), query, variables);
  const lea = () => [{ __typename: 'Student', id: demoId(academie, 'lea.martin') }];

  it('a dashboard may be reused for what is left of the shortest-lived cache entry it read, and less a moment later', async () => {
    const first = await ask('sophie.martin', DASHBOARD, { r: lea() });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data._entities[0].timetable.length).toBeGreaterThan(0);
    // Just fetched from the school: absences (life events) live 60 s in the cache, the rest longer.
    expect(privateMaxAge(first.cacheControl)).toBe(CACHE_TTL_MS.lifeEvents / 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await ask('sophie.martin', DASHBOARD, { r: lea() });
    expect(again.body.data).toEqual(first.body.data);
    // Served from the cache: only what is left of the absences' entry (at least a second less).
    const left = privateMaxAge(again.cacheControl);
    expect(left).toBeLessThanOrEqual(CACHE_TTL_MS.lifeEvents / 1000 - 2);
    expect(left).toBeGreaterThan(CACHE_TTL_MS.lifeEvents / 1000 - 10);
  });

  it('the justifications and homework handed in (the hub’s outbox, whose changes the router hears of) keep the answer reusable', async () => {
    const answer = await ask(
      'sophie.martin',
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { justifications { id } homeworkSubmissions { id } grades { value } } } }`,
      {
        r: lea(),
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(privateMaxAge(answer.cacheControl)).toBeGreaterThan(0);
  });

  it('a teacher’s cahier de textes (TeacherClassView) carries the hint of its Class entity', async () => {
    const [college] = await academie.directory.allSchools();
    const teacher = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const answer = await ask(
      teacher,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Class { lessonContents(from: "2026-11-16", to: "2026-11-20") { start title } } } }',
      {
        r: [{ __typename: 'Class', id: `${college!.uai}:5EA` }],
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities[0].lessonContents.length).toBeGreaterThan(0);
    expect(privateMaxAge(answer.cacheControl)).toBe(60);
  });

  it('asking also for the calendar feeds (the hub’s own store) makes the answer not reusable', async () => {
    const answer = await ask(
      'sophie.martin',
      `query($r: [_Any!]!) { myCalendarFeeds { id } _entities(representations: $r) { ... on Student { grades { value } } } }`,
      { r: lea() },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.cacheControl).toBe('no-store');
  });

  it('a mutation’s answer is never reusable', async () => {
    const answer = await ask('sophie.martin', 'mutation($pupil: ID) { createCalendarFeed(pupilId: $pupil) { id pupilId } }', {
      pupil: demoId(academie, 'lea.martin'),
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.cacheControl).toBe('no-store');
  });

  it('a pupil ticking a homework done (a change the database does not see) tells the router that anyone’s answers may be stale', async () => {
    const read = await ask(
      'lea.martin',
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { homework(from: "2026-11-23", to: "2026-11-30") { id done } } } }`,
      {
        r: lea(),
      },
    );
    const homework = read.body.data._entities[0].homework[0];
    answersChanged.length = 0;
    const answer = await ask('lea.martin', 'mutation($id: ID!, $done: Boolean!) { setHomeworkDone(homeworkId: $id, done: $done) }', {
      id: homework.id,
      done: !homework.done,
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.cacheControl).toBe('no-store');
    expect(answersChanged).toEqual([demoId(academie, 'lea.martin')]);
  });

  it('an answer that hides a school’s failure (a pupil of two schools, one down) is not reusable: the subgraph would ask again', async () => {
    const schools = await academie.directory.allSchools();
    const college = standins.find((s) => s.uai === schools.find((school) => school.name.startsWith('Collège'))!.uai)!;
    college.faults.errorRate = 1;
    try {
      // Days never asked before: each school is asked; the lycée answers.
      const answer = await ask(
        'ines.petit',
        `{ me: _entities(representations: [{ __typename: "Student", id: "${demoId(academie, 'ines.petit')}" }]) { ... on Student { timetable(from: "2026-10-05", to: "2026-10-06") { start } } } }`,
      );
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.me[0].timetable.length).toBeGreaterThan(0);
      expect(answer.cacheControl).toBe('no-store');
    } finally {
      college.faults.errorRate = 0;
    }
  });

  it('an answer with a school’s system down is not reusable', async () => {
    for (const standin of standins) standin.faults.errorRate = 1;
    try {
      // Days never asked before: not in the cache, so the school is asked.
      const answer = await ask(
        'sophie.martin',
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { absences(from: "2026-09-01", to: "2026-09-05") { start } } } }`,
        {
          r: lea(),
        },
      );
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(answer.cacheControl).toBe('no-store');
    } finally {
      for (const standin of standins) standin.faults.errorRate = 0;
    }
  });
});
