import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { routerHeaders } from '../test/helpers/viewer.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';

/** A Monday of the first term: the stand-in's data and the default date ranges start from it. */
const TODAY = '2026-11-23';

const DASHBOARD = `query GuardianDashboard {
  viewer { children { displayName
    timetable(from: "2026-11-23", to: "2026-11-23") { start end subject { label } canceled status teachers rooms }
    grades { subject { label } value kind outOf coefficient date }
    averages { overall subjects { subject { label } average } }
    homework(from: "2026-11-23", to: "2026-12-04") { dueOn subject { label } descriptionHtml done }
    absences(from: "2026-09-01", to: "2026-11-23") { start justified parentsShouldJustify }
  } } }`;

describe('vie scolaire through the hub', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  // A known secret, so that one test can speak to the subgraph as the router does.
  const SECRET = 'vie-scolaire-test-secret-0123456789abcdefgh';
  beforeAll(async () => {
    process.env.HUB_VIEWER_CONTEXT_SECRET = SECRET;
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-vs-')),
      ...(await testHubOptions()),
      today: () => TODAY,
      vieScolaireUpstream: { requestTimeoutMs: 500, deadlineMs: 1200, retries: 1, breakerThreshold: 3, breakerResetMs: 500 },
    });
    ({ ask } = hubSession(hub));
  });
  afterAll(async () => {
    delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    await hub?.stop();
  });

  const upstreamCalls = () => new Map(hub.vieScolaire.standins.map((s) => [s.uai, new Map(s.requests)]));

  it('a guardian’s dashboard for three children in two schools costs at most one upstream call per school and kind of data', async () => {
    const before = upstreamCalls();
    const { data, errors } = await ask('sophie.martin', DASHBOARD);
    expect(errors).toBeUndefined();
    const children = data.viewer.children;
    expect(children).toHaveLength(3);
    for (const child of children) {
      expect(child.timetable.length).toBeGreaterThan(3);
      expect(child.grades.length).toBeGreaterThan(10);
      expect(child.averages.overall).toBeGreaterThan(0);
      expect(child.averages.overall).toBeLessThanOrEqual(20);
    }
    for (const standin of hub.vieScolaire.standins) {
      for (const [path, count] of standin.requests) {
        const delta = count - (before.get(standin.uai)?.get(path) ?? 0);
        expect(delta, `${standin.uai} ${path}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('serves the real dialect converted: ISO times with the Paris offset, sanitized HTML, grades and special kinds', async () => {
    const { data } = await ask('lea.martin', `{ me { ... on Student { id } } }`);
    const id = data.me.id;
    const result = await ask(
      'lea.martin',
      `{ person(id: "${id}") { ... on Student { timetable(from: "2026-11-23", to: "2026-11-23") { start } homework(from: "2026-11-23", to: "2026-12-11") { descriptionHtml } grades { value kind } } } }`,
    );
    const pupil = result.data.person;
    expect(pupil.timetable[0].start).toMatch(/^2026-11-23T08:00:00\+01:00$/);
    expect(pupil.homework[0].descriptionHtml).toContain('rel="noopener noreferrer"');
    expect(pupil.homework[0].descriptionHtml).not.toMatch(/<script|onerror|onclick/);
    expect(pupil.grades.some((g: any) => g.value === null && g.kind === 'ABSENT') || pupil.grades.every((g: any) => typeof g.value === 'number')).toBe(true);
  });

  it('refuses a date range over its bound, and a malformed day, saying why', async () => {
    const result = await ask('lea.martin', '{ me { ... on Student { id } } }');
    const id = result.data.me.id;
    const tooLong = await ask('lea.martin', `{ person(id: "${id}") { ... on Student { timetable(from: "2026-01-01", to: "2026-12-31") { start } } } }`);
    expect(tooLong.errors?.[0]).toMatchObject({ message: 'a date range covers at most 120 days', extensions: { code: 'BAD_USER_INPUT' } });
    const malformed = await ask('lea.martin', `{ person(id: "${id}") { ... on Student { absences(from: "23/11/2026") { start } } } }`);
    expect(malformed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a teacher reads the timetable of a pupil of their class', async () => {
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const lea = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    const { data, errors } = await ask(
      teacher,
      `{ person(id: "${lea}") { ... on Student { timetable(from: "2026-11-23", to: "2026-11-24") { subject { label } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.person.timetable.length).toBeGreaterThan(3);
  });

  it('a teacher reads a class’s cahier de textes; a guardian reads lateness and punishments', async () => {
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const college = hub.vieScolaire.standins[0]!.uai;
    const contents = await ask(
      teacher,
      `{ class(id: "${college}:5EA") { code lessonContents(from: "2026-11-16", to: "2026-11-20") { start title subject { label } descriptionHtml } } }`,
    );
    expect(contents.errors).toBeUndefined();
    expect(contents.data.class.lessonContents.length).toBeGreaterThan(10);
    expect(contents.data.class.lessonContents[0].title).toMatch(/^Séance de /);
    const events = await ask(
      'sophie.martin',
      '{ viewer { children { lateness(from: "2026-09-01", to: "2026-11-23") { at minutes } punishments(from: "2026-09-01", to: "2026-11-23") { title date } } } }',
    );
    expect(events.errors).toBeUndefined();
    expect(events.data.viewer.children.every((c: any) => Array.isArray(c.lateness) && Array.isArray(c.punishments))).toBe(true);
  });

  it('the subgraph’s own perimeter: an _entities ask for a pupil who is not the viewer’s child is refused', async () => {
    const sophie = hub.logins.find((l) => l.login === 'sophie.martin')!;
    const ines = hub.logins.find((l) => l.login === 'ines.petit')!.personId;
    const lea = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    const viewer = {
      kind: 'person' as const,
      personId: sophie.personId,
      profile: 'guardian' as const,
      scopes: ['vie-scolaire:timetable:read'],
      policies: [],
      children: [lea],
      schools: hub.vieScolaire.standins.map((s) => s.uai),
    };
    const url = hub.services.find((s) => s.name === 'vie-scolaire')!.url;
    const request = JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { timetable(from: "2026-11-23", to: "2026-11-23") { start } } } }',
      variables: {
        r: [
          { __typename: 'Student', id: lea },
          { __typename: 'Student', id: ines },
        ],
      },
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await routerHeaders('vie-scolaire', viewer, request, { requestId: 'test-request', key: viewerContextKey(SECRET) })),
      },
      body: request,
    });
    const body = (await response.json()) as { data: any; errors: any[] };
    expect(body.data._entities[0].timetable.length).toBeGreaterThan(0);
    expect(body.data._entities[1]).toBeNull();
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('repeated reads come from the cache', async () => {
    await ask('chloe.martin', '{ me { ... on Student { id } } }');
    const before = hub.vieScolaire.upstreams.calls;
    const query = '{ viewer { person { id } } me { ... on Student { timetable(from: "2026-11-30", to: "2026-11-30") { start } } } }';
    await ask('chloe.martin', query);
    const afterFirst = hub.vieScolaire.upstreams.calls;
    await ask('chloe.martin', query);
    expect(afterFirst - before).toBeGreaterThan(0);
    expect(hub.vieScolaire.upstreams.calls).toBe(afterFirst);
  });

  it('a school’s system down: its fields are null with an error naming it; the other school and the rest of the graph answer', async () => {
    const college = hub.vieScolaire.standins[0]!; // schools are started in UAI order: the collège first
    college.faults.errorRate = 1;
    try {
      const { data, errors } = await ask(
        'sophie.martin',
        '{ viewer { person { displayName } children { displayName timetable(from: "2026-12-07", to: "2026-12-07") { start } } } }',
      );
      expect(data.viewer.person.displayName).toBe('Sophie MARTIN');
      const byName = Object.fromEntries(data.viewer.children.map((c: any) => [c.displayName, c.timetable]));
      expect(byName['Léa MARTIN']).toBeNull();
      expect(byName['Chloé MARTIN'].length).toBeGreaterThan(0);
      expect(errors?.every((e) => e.extensions.upstream === 'vie-scolaire' && e.extensions.uai === college.uai)).toBe(true);
      expect(errors?.[0].message).toMatch(new RegExp(`^Vie scolaire unavailable for school ${college.uai}`));
    } finally {
      college.faults.errorRate = 0;
    }
  });

  it('the subgraph serves its metrics on a loopback listener of its own: each school’s breaker state, never on its public port', async () => {
    const url = hub.vieScolaire.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const { uai } of hub.vieScolaire.standins) {
      expect(text).toContain(`hub_vie_scolaire_breaker_state{school="${uai}",state="closed"} 1`);
      expect(text).toContain(`hub_vie_scolaire_breaker_transitions_total{school="${uai}",to="open"} 0`);
      expect(text).toContain(`hub_vie_scolaire_items_rejected_total{school="${uai}",kind="grade"} 0`);
    }
    // No token configured: the public port does not serve them.
    const publicUrl = new URL(hub.subgraphUrls['vie-scolaire']!);
    expect((await fetch(`${publicUrl.origin}/metrics`)).status).toBe(404);
  });

  it('a school’s system that hangs: the request still returns within the configured deadline', async () => {
    const lycee = hub.vieScolaire.standins[1]!;
    lycee.faults.hang = true;
    try {
      const started = Date.now();
      const { data, errors } = await ask(
        'chloe.martin',
        '{ viewer { person { displayName } } me { ... on Student { homework(from: "2027-01-04", to: "2027-01-08") { dueOn } } } }',
      );
      expect(Date.now() - started).toBeLessThan(2500);
      expect(data.viewer.person.displayName).toBe('Chloé MARTIN');
      expect(data.me.homework).toBeNull();
      expect(errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'vie-scolaire', uai: lycee.uai });
    } finally {
      lycee.faults.hang = false;
    }
  });
});
