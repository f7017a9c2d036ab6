/**
 * Attack class: getting around the authorization directives (@requiresScopes, @policy,
 * @authenticated) by the shape of the operation rather than by its fields: variables whose default
 * switches a field on (`@include(if: $v)` with `$v: Boolean = true`, sent without variables),
 * fragments (named, on interfaces, spread with a directive), aliases, `__typename`-only selections,
 * batching and GET requests. Through the whole embedded hub, as real demo people: every attempt
 * gets `null` with UNAUTHORIZED_FIELD_OR_TYPE where the field was, and a denied event in the journal.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../store/journal/event.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession, type GraphQLAnswer } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';
import { createLogger } from '../../lib/logger.ts';
import { routerConfigFromEnv } from '../../router/config.ts';
import { startRouter } from '../../router/router.ts';
import { TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';

const UNAUTHORIZED = 'UNAUTHORIZED_FIELD_OR_TYPE';

describe('directive bypass attempts', () => {
  let hub: EmbeddedHub;
  let session: ReturnType<typeof hubSession>;
  let counter = 0;

  beforeAll(async () => {
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-directive-bypass-')), ...(await testHubOptions()) });
    session = hubSession(hub);
  });
  afterAll(() => hub?.stop());

  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const teacherOf5EA = () => hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
  const documentaliste = () => hub.academie.demo.find((d) => d.description.startsWith('documentaliste, Collège'))!.login;

  /** Asks as `login` with a fresh request id, so the journal entries of this very request can be found. */
  const attack = async (login: string, query: string, variables?: Record<string, unknown>) => {
    const requestId = `bypass-${++counter}`;
    const answer = await session.ask(login, query, variables, { 'x-request-id': requestId });
    return { answer, requestId };
  };
  const codesAt = (answer: GraphQLAnswer) => (answer.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort();
  const journaled = async (target: string, requestId: string): Promise<AuditEvent[]> => {
    await hub.router.audit.flush();
    return (await hub.router.auditStore.about(target, 200)).filter((e) => e.requestId === requestId);
  };
  const expectDenialJournaled = async (target: string, requestId: string, fields: string[]) => {
    const denied = (await journaled(target, requestId)).filter((e) => e.outcome === 'denied');
    expect(denied, `denied event for ${target}`).toHaveLength(1);
    expect(denied[0]!.reason).toBe('unauthorized-field');
    expect(denied[0]!.fields).toEqual(expect.arrayContaining(fields));
  };

  it('a teacher cannot read a pupil’s address and guardians’ phones through a variable defaulting to true', async () => {
    const lea = personId('lea.martin');
    const query = /* GraphQL */ `
      query Q($v: Boolean = true) {
        person(id: "${lea}") {
          ... on Student {
            displayName
            address @include(if: $v) { street city }
            guardians { guardian { id mobilePhone @include(if: $v) homePhone @include(if: $v) } }
          }
        }
      }`;
    const { answer, requestId } = await attack(teacherOf5EA(), query);
    const pupil = answer.data.person;
    expect(pupil.displayName).toBeTruthy(); // the teacher does see the pupil: only the contact data is withheld
    expect(pupil.address).toBeNull();
    expect(pupil.guardians.length).toBeGreaterThan(0);
    for (const link of pupil.guardians) {
      expect(link.guardian.mobilePhone).toBeNull();
      expect(link.guardian.homePhone).toBeNull();
    }
    const codes = codesAt(answer);
    expect(codes).toContainEqual(['person.address', UNAUTHORIZED]);
    expect(codes).toContainEqual(['person.guardians.0.guardian.mobilePhone', UNAUTHORIZED]);
    expect(codes.every(([, code]) => code === UNAUTHORIZED)).toBe(true);
    await expectDenialJournaled(lea, requestId, ['Student.address']);
    await expectDenialJournaled(pupil.guardians[0].guardian.id, requestId, ['Guardian.mobilePhone', 'Guardian.homePhone']);
  });

  it('a documentaliste cannot read a pupil’s grades and absences through a variable defaulting to true', async () => {
    const lea = personId('lea.martin');
    const query = /* GraphQL */ `
      query Q($v: Boolean = true) {
        person(id: "${lea}") { ... on Student { displayName grades @include(if: $v) { value } absences @include(if: $v) { id start } } }
      }`;
    const { answer, requestId } = await attack(documentaliste(), query);
    expect(answer.data.person.displayName).toBeTruthy();
    expect(answer.data.person.grades).toBeNull();
    expect(answer.data.person.absences).toBeNull();
    expect(codesAt(answer)).toEqual([
      ['person.absences', UNAUTHORIZED],
      ['person.grades', UNAUTHORIZED],
    ]);
    await expectDenialJournaled(lea, requestId, ['Student.grades', 'Student.absences']);
  });

  it('…nor through a named fragment, a spread switched on by a default, or an interface fragment', async () => {
    const lea = personId('lea.martin');
    const variants = [
      `query Q($v: Boolean = true) { person(id: "${lea}") { ...S } } fragment S on Student { displayName grades @include(if: $v) { value } }`,
      `query Q($v: Boolean = true) { person(id: "${lea}") { displayName ...S @include(if: $v) } } fragment S on Student { grades { value } }`,
      `query Q($s: Boolean = false) { person(id: "${lea}") { displayName ... on Person { ... on Student { grades @skip(if: $s) { value } } } } }`,
      `query Q { person(id: "${lea}") { displayName ... on Student { g: grades { __typename } } } }`,
      `query Q($v: Boolean! = true) { person(id: "${lea}") { displayName ... @include(if: $v) { ... on Student { grades { value } } } } }`,
    ];
    for (const query of variants) {
      const { answer, requestId } = await attack(documentaliste(), query);
      const key = query.includes('g: grades') ? 'g' : 'grades';
      expect(answer.data?.person?.[key], query).toBeNull();
      expect(codesAt(answer), query).toEqual([[`person.${key}`, UNAUTHORIZED]]);
      await expectDenialJournaled(lea, requestId, ['Student.grades']);
    }
  });

  it('a person read through a defaulted id variable is journaled under that person, not under "undefined"', async () => {
    const lea = personId('lea.martin');
    const otherTeacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('3EB'))!.login;
    const { answer, requestId } = await attack(otherTeacher, `query Q($id: ID = "${lea}") { person(id: $id) { ... on Student { birthDate } } }`);
    expect(answer.data.person).toBeNull();
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const events = await journaled(lea, requestId);
    expect(events.map((e) => [e.outcome, e.reason, e.fields])).toEqual([['denied', 'outside-perimeter', ['Student.birthDate']]]);
  });

  it('explicit values are honoured, and values the executor would refuse are refused, never read as true', async () => {
    const lea = personId('lea.martin');
    const query = `query Q($v: Boolean = true) { person(id: "${lea}") { displayName ... on Student { grades @include(if: $v) { value } } } }`;
    const off = await attack(documentaliste(), query, { v: false });
    expect(off.answer.errors).toBeUndefined();
    expect(off.answer.data.person).not.toHaveProperty('grades');
    for (const v of [null, 'yes', 1, [true]]) {
      const { answer } = await attack(documentaliste(), query, { v });
      expect(answer.data?.person?.grades ?? null, JSON.stringify(v)).toBeNull();
      expect(answer.errors?.length, JSON.stringify(v)).toBeGreaterThan(0);
    }
  });

  it('a batch carrying the attack after an innocent operation is decided per operation', async () => {
    const lea = personId('lea.martin');
    const response = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await session.token(teacherOf5EA())}` },
      body: JSON.stringify([
        { query: '{ viewer { profile } }' },
        { query: `query Q($v: Boolean = true) { person(id: "${lea}") { ... on Student { address @include(if: $v) { street } } } }` },
      ]),
    });
    const [first, second] = (await response.json()) as GraphQLAnswer[];
    expect(first!.data.viewer.profile).toBe('TEACHER');
    expect(second!.data.person.address).toBeNull();
    expect(codesAt(second!)).toEqual([['person.address', UNAUTHORIZED]]);
    // Each operation of the batch is journaled as itself.
    await hub.router.audit.flush();
    const events = (await hub.router.auditStore.about(lea, 200)).filter((e) => e.requestId === response.headers.get('x-request-id'));
    expect(events.filter((e) => e.outcome === 'denied').map((e) => e.fields)).toEqual([['Student.address']]);
  });

  it('a GET request with the attack in its query string gets the same answer as a POST', async () => {
    const lea = personId('lea.martin');
    const url = new URL(hub.router.graphqlUrl);
    url.searchParams.set('query', `query Q($v: Boolean = true) { person(id: "${lea}") { ... on Student { address @include(if: $v) { street } } } }`);
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await session.token(teacherOf5EA())}`, 'x-graphql-csrf': '1', accept: 'application/json' },
    });
    const answer = (await response.json()) as GraphQLAnswer;
    expect(answer.data.person.address).toBeNull();
    expect(codesAt(answer)).toEqual([['person.address', UNAUTHORIZED]]);
  });

  it('aliases cannot take the names the router uses inside (to hide a read from the journal or fake a type)', async () => {
    const lea = personId('lea.martin');
    const sophie = personId('sophie.martin');
    for (const alias of ['__hub_audit_id', '__hub_audit_type', '__hub_authz_typename', '__hub_authz_placeholder', '__typename', '__anything']) {
      const { answer, requestId } = await attack(
        teacherOf5EA(),
        `{ person(id: "${lea}") { ... on Student { ${alias}: displayName birthDate guardians { guardian { ${alias}: id } } } } }`,
      );
      // The journal must name Léa for this read (and nobody else), or the operation must be refused.
      await hub.router.audit.flush();
      const aboutSophie = (await hub.router.auditStore.about(sophie, 200)).filter((e) => e.requestId === requestId);
      expect(aboutSophie, alias).toEqual([]);
      if (answer.data?.person?.birthDate) {
        const aboutLea = (await journaled(lea, requestId)).filter((e) => e.outcome === 'allowed');
        expect(
          aboutLea.flatMap((e) => e.fields),
          alias,
        ).toContain('Student.birthDate');
      } else {
        expect(answer.errors?.[0]?.extensions?.code, alias).toBe('BAD_USER_INPUT');
      }
    }
  });

  it('the review’s alias trick is refused: a principal cannot hide a class’s grades from the journal', async () => {
    const principal = hub.academie.demo.find(
      (d) => d.profile === 'staff' && d.description.startsWith('principal,') && d.description.toLowerCase().includes('coll'),
    )!;
    const classId = `${hub.vieScolaire.standins[0]!.uai}:5EA`;
    const lea = personId('lea.martin');
    // `__hub_audit_id` was the key the router added to learn whose data was read: aliased by the
    // client onto displayName, the journal named pupils by their display names.
    const tricks = [
      `{ class(id: "${classId}") { students { __hub_audit_id: displayName id grades { value } absences { id reasons } } } }`,
      `{ class(id: "${classId}") { students { __x: displayName id grades { value } } } }`,
      `query __Q { class(id: "${classId}") { students { id grades { value } } } }`,
      `query Q($__v: Boolean = true) { class(id: "${classId}") { students { id grades @include(if: $__v) { value } } } }`,
      `{ class(id: "${classId}") { students { ...__F } } } fragment __F on Student { id grades { value } }`,
    ];
    for (const query of tricks) {
      const { answer, requestId } = await attack(principal.login, query);
      expect(answer.data ?? null, query).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message, query).toMatch(/reserved/i);
      expect(await journaled(lea, requestId), query).toEqual([]);
    }

    // Without the trick: the read is journaled under each pupil's id, and Léa's mother sees it.
    const operationName = `PrincipalReadsClass${Date.now()}`;
    const { answer, requestId } = await attack(
      principal.login,
      `query ${operationName} { class(id: "${classId}") { students { id displayName grades { value } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const pupils: { id: string }[] = answer.data.class.students;
    expect(pupils.map((p) => p.id)).toContain(lea);
    await hub.router.audit.flush();
    for (const pupil of pupils) {
      const events = (await hub.router.auditStore.about(pupil.id, 200)).filter((e) => e.requestId === requestId);
      expect(
        events.map((e) => [e.outcome, e.targets, e.fields]),
        pupil.id,
      ).toEqual([['allowed', [pupil.id], ['Student.grades']]]);
    }
    const mother = await session.ask(
      'sophie.martin',
      'query($p: ID) { viewer { accessLog(personId: $p, first: 200) { operationName fields outcome accessor { id } } } }',
      { p: lea },
    );
    expect(mother.errors).toBeUndefined();
    expect(mother.data.viewer.accessLog).toContainEqual({ operationName, fields: ['Student.grades'], outcome: 'ALLOWED', accessor: { id: principal.id } });
  });

  it('refusals are journaled as schema coordinates, never the client’s aliases; a flood of identical ones is merged', async () => {
    const pushed: AuditEvent[] = [];
    const queue = hub.router.audit;
    const push = queue.push.bind(queue);
    const spy = vi.spyOn(queue, 'push').mockImplementation((events: AuditEvent[]) => {
      pushed.push(...events);
      push(events);
    });
    try {
      // A pupil may not justify absences: every field is removed and the operation refused whole.
      const lea = personId('lea.martin');
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}_${'x'.repeat(400)}`);
      const mutation = `mutation { ${aliases.map((a) => `${a}: justifyAbsence(input: { pupilId: "${lea}", absenceId: "x", reason: "r" }) { id }`).join(' ')} }`;
      const { answer, requestId } = await attack('lea.martin', mutation);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.length).toBe(15);
      const refusals = pushed.filter((e) => e.requestId === requestId);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ outcome: 'denied', reason: 'operation-refused', fields: ['Mutation.justifyAbsence'] });
      expect(JSON.stringify(refusals[0]).length).toBeLessThan(1024);

      // The same refusal over and over (the lycée's documentaliste asking for a pupil's grades):
      // the first ones are journaled each, the rest merged into one counted event.
      const chloe = personId('chloe.martin');
      const lyceeDocumentaliste = hub.academie.demo.find((d) => d.description.startsWith('documentaliste, Lycée'))!.login;
      const requestIds: string[] = [];
      for (let i = 0; i < 30; i++) {
        const { answer: denied, requestId: id } = await attack(
          lyceeDocumentaliste,
          `{ person(id: "${chloe}") { ... on Student { ${'g'.repeat(300)}: grades { value } } } }`,
        );
        expect(denied.errors?.[0]?.extensions?.code).toBe(UNAUTHORIZED);
        requestIds.push(id);
      }
      await hub.router.audit.flush();
      const about = (await hub.router.auditStore.about(chloe, 200)).filter((e) => requestIds.includes(e.requestId));
      expect(about.length).toBeGreaterThan(0);
      expect(about.length).toBeLessThanOrEqual(20);
      expect(about.every((e) => e.fields.join() === 'Student.grades')).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('the federation internals (_entities, _service) are not reachable through the router', async () => {
    const lea = personId('lea.martin');
    for (const query of [
      `{ _entities(representations: [{ __typename: "Student", id: "${lea}" }]) { ... on Student { address { street } } } }`,
      '{ _service { sdl } }',
    ]) {
      const { answer } = await attack(teacherOf5EA(), query);
      expect(answer.data ?? null, query).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('in production, introspection (`__schema`, `__type`) is refused: the directives cannot be mapped from outside', async () => {
    const router = await startRouter(
      {
        ...routerConfigFromEnv({
          ROUTER_METRICS_PORT: '0',
          HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
          ROUTER_AUDIT_DIR: mkdtempSync(join(tmpdir(), 'hub-bypass-prod-')),
        }),
        production: true,
        port: 0,
        supergraphPath: hub.router.supergraphPath,
      },
      createLogger('router-production'),
    );
    try {
      for (const query of [
        '{ __type(name: "Student") { fields { name } } }',
        '{ __schema { types { name } } }',
        '{ schools { uai __type: __typename } __type(name: "Guardian") { name } }',
      ]) {
        const response = await fetch(router.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        const answer = (await response.json()) as GraphQLAnswer;
        expect(answer.data ?? null, query).toBeNull();
        expect(JSON.stringify(answer), query).not.toMatch(/mobilePhone|birthDate|"fields"/);
      }
    } finally {
      await router.stop();
    }
  });
});
