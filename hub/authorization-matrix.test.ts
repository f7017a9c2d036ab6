/**
 * Who may see what, over the demo académie, through the whole hub (login, router authorization,
 * subgraph perimeter, audit): exact allow/deny for each sensitive read, and the journal entry of each.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../store/journal/event.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';

const SENSITIVE = '{ person(id: $id) { ... on Student { displayName birthDate ine regime address { city } } } }';
const QUERY = `query Dossier($id: ID!) ${SENSITIVE}`;
const FIELDS = ['Student.address', 'Student.birthDate', 'Student.ine', 'Student.regime'];

/** all: every field; none: the person is outside the perimeter; else the fields the viewer's scopes allow. */
type Expected = 'all' | 'none' | { allowed: string[]; denied: string[] };

const teacherOf = (hub: EmbeddedHub, klass: string) => hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes(klass))!.login;
const staff = (hub: EmbeddedHub, prefix: string) => hub.academie.demo.find((d) => d.description.startsWith(prefix))!.login;

describe('authorization matrix over the demo académie', () => {
  let hub: EmbeddedHub;
  let token: ReturnType<typeof hubSession>['token'];
  const requestIds: { id: string; viewer: string; target: string; expected: Expected }[] = [];

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-matrix-')),
      ...(await testHubOptions()),
    });
    ({ token } = hubSession(hub));
  });
  afterAll(() => hub?.stop());
  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;

  const cases = (): [string, string, Expected][] => [
    // A pupil: themselves, not a sibling.
    ['lea.martin', 'lea.martin', 'all'],
    ['lea.martin', 'hugo.martin', 'none'],
    // Two guardians of different families.
    ['sophie.martin', 'lea.martin', 'all'],
    ['sophie.martin', 'lucas.bernard', 'none'],
    ['claire.bernard', 'lea.martin', 'none'],
    // Separated parents: only the one with legal authority.
    ['claire.bernard', 'lucas.bernard', 'all'],
    ['marc.bernard', 'lucas.bernard', 'none'],
    // A "personne en charge" is not a legal guardian (default configuration).
    ['monique.durand', 'emma.robert', 'none'],
    // A teacher of the class: identity yes, contact and schooling details no. Another class: nothing.
    [teacherOfClass('5EA'), 'lea.martin', { allowed: ['Student.birthDate', 'Student.ine'], denied: ['Student.address', 'Student.regime'] }],
    [teacherOfClass('3EB'), 'lea.martin', 'none'],
    [teacherOfClass('3EB'), 'hugo.martin', { allowed: ['Student.birthDate', 'Student.ine'], denied: ['Student.address', 'Student.regime'] }],
    // The CPE of the collège: every pupil of the collège, none of the lycée.
    [staffWhere('CPE, Collège'), 'lea.martin', 'all'],
    [staffWhere('CPE, Collège'), 'chloe.martin', 'none'],
    // The principal of another school.
    [staffWhere('principal, Lycée'), 'lea.martin', 'none'],
    [staffWhere('principal, Lycée'), 'chloe.martin', 'all'],
  ];
  // Logins of teachers and staff are resolved once the hub runs; these placeholders are replaced then.
  function teacherOfClass(klass: string) {
    return `@teacher:${klass}`;
  }
  function staffWhere(prefix: string) {
    return `@staff:${prefix}`;
  }
  const resolve = (login: string) =>
    login.startsWith('@teacher:') ? teacherOf(hub, login.slice(9)) : login.startsWith('@staff:') ? staff(hub, login.slice(7)) : login;

  it('grants and denies exactly as the perimeter and the scopes say', async () => {
    for (const [rawViewer, target, expected] of cases()) {
      const viewer = resolve(rawViewer);
      const requestId = `matrix-${requestIds.length}`;
      requestIds.push({ id: requestId, viewer, target, expected });
      const response = await fetch(hub.router.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(viewer)}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: QUERY, variables: { id: personId(target) } }),
      });
      const { data, errors } = (await response.json()) as { data: any; errors?: any[] };
      const label = `${viewer} → ${target}`;
      if (expected === 'none') {
        expect(data.person, label).toBeNull();
        expect(
          errors?.map((e) => e.extensions.code),
          label,
        ).toEqual(['FORBIDDEN']);
      } else if (expected === 'all') {
        expect(errors, label).toBeUndefined();
        expect(data.person.birthDate, label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(data.person.address.city, label).toBe('PARIS');
        expect(data.person.ine, label).toBeTruthy();
        expect(data.person.regime, label).toBeTruthy();
      } else {
        for (const field of expected.allowed) expect(data.person[field.split('.')[1]!], `${label} ${field}`).not.toBeNull();
        for (const field of expected.denied) expect(data.person[field.split('.')[1]!], `${label} ${field}`).toBeNull();
        expect(errors?.map((e) => [e.path.join('.'), e.extensions.code]).sort(), label).toEqual(
          expected.denied.map((f) => [`person.${f.split('.')[1]}`, 'UNAUTHORIZED_FIELD_OR_TYPE']).sort(),
        );
      }
    }
  });

  it('journals one event per allowed and per denied access, naming the person and the fields', async () => {
    await hub.router.audit.flush();
    const byRequest = new Map<string, AuditEvent[]>();
    for (const { target } of requestIds) {
      for (const event of await hub.router.auditStore.about(personId(target), 1000)) {
        const list = byRequest.get(event.requestId) ?? [];
        if (!list.some((e) => JSON.stringify(e) === JSON.stringify(event))) list.push(event);
        byRequest.set(event.requestId, list);
      }
    }
    for (const { id, viewer, target, expected } of requestIds) {
      const events = (byRequest.get(id) ?? [])
        .map((e) => ({ viewer: e.viewer.personId, targets: e.targets, fields: e.fields, outcome: e.outcome, reason: e.reason }))
        .sort((a, b) => a.outcome.localeCompare(b.outcome));
      const who = { viewer: personId(viewer), targets: [personId(target)] };
      const label = `${viewer} → ${target}`;
      if (expected === 'all') expect(events, label).toEqual([{ ...who, fields: FIELDS, outcome: 'allowed', reason: undefined }]);
      else if (expected === 'none') expect(events, label).toEqual([{ ...who, fields: FIELDS, outcome: 'denied', reason: 'outside-perimeter' }]);
      else {
        expect(events, label).toEqual([
          { ...who, fields: expected.allowed, outcome: 'allowed', reason: undefined },
          { ...who, fields: expected.denied, outcome: 'denied', reason: 'unauthorized-field' },
        ]);
      }
    }
  });

  it('a person, and a guardian for their child, can read who accessed their data', async () => {
    const query = 'query($id: ID) { viewer { accessLog(personId: $id) { outcome fields accessorProfile accessor { id } } } }';
    const ask = async (login: string, id?: string) => {
      const response = await fetch(hub.router.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(login)}` },
        body: JSON.stringify({ query, variables: { id } }),
      });
      return (await response.json()) as { data: any; errors?: any[] };
    };
    const own = await ask('lea.martin');
    const accessors = own.data.viewer.accessLog.map((e: any) => e.accessor?.id);
    expect(accessors).toContain(personId(staff(hub, 'CPE, Collège')));
    expect(accessors).toContain(personId('sophie.martin'));
    const denied = own.data.viewer.accessLog.filter((e: any) => e.outcome === 'DENIED');
    expect(denied.length).toBeGreaterThan(0); // the teacher of another class, the lycée principal, …

    const asMother = await ask('sophie.martin', personId('lea.martin'));
    expect(asMother.data.viewer.accessLog.length).toBe(own.data.viewer.accessLog.length);
    const notHers = await ask('sophie.martin', personId('lucas.bernard'));
    expect(notHers.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const fatherWithoutAuthority = await ask('marc.bernard', personId('lucas.bernard'));
    expect(fatherWithoutAuthority.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
