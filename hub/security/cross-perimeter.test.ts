/**
 * Attack class: ids taken from arguments and trusted without tying them to the viewer, and a
 * perimeter coarser (or older) than the directory's. Every vie scolaire mutation and read is tried
 * across the perimeter: another pupil's absence, another class's homework, someone else's calendar
 * feed, a teacher of another class, a parent without legal authority, a parent who loses it in an
 * AAF delta while logged in; and the quotas on what a person may submit.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../test/helpers/until.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../store/journal/event.ts';
import { importAafIntoDatabase } from '../../store/directory/aaf-writer.ts';
import { directoryChange } from '../../test/helpers/directory-change.ts';
import { aafDocument, modifyRequestXml } from '../../connectors/directory/aaf/write.ts';
import { viewerContextKey, type Viewer } from '../../lib/viewer-context.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { routerHeaders } from '../../test/helpers/viewer.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

const TODAY = '2026-11-23';
const SECRET = 'cross-perimeter-test-secret-0123456789abcdef';
const QUOTAS = { feedsPerPerson: 3, submissionsPerDay: 3, attachmentBytesPerDay: 1_500_000 };
const JUSTIFY = 'mutation Justify($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { id state } }';
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
/** A real PNG (the content is sniffed), padded to weigh about `bytes` more. */
const PNG = (bytes = 64) => Buffer.concat([Buffer.from(ONE_PIXEL_PNG, 'base64'), Buffer.alloc(bytes)]).toString('base64');

describe('cross-perimeter reads and writes', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-xperimeter-'));

  beforeAll(async () => {
    process.env.HUB_VIEWER_CONTEXT_SECRET = SECRET;
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()), today: () => TODAY, vieScolaireQuotas: QUOTAS });
    ({ ask } = hubSession(hub));
  });
  afterAll(async () => {
    delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    await hub?.stop();
  });

  const id = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const teacherOf = (klass: string) => hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes(klass))!.login;
  const college = () => hub.vieScolaire.standins[0]!.uai;
  const lycee = () => hub.vieScolaire.standins[1]!.uai;
  /** The journal's events about a person, by one viewer, for one field. */
  const journal = async (login: string, field: string, target: string): Promise<AuditEvent[]> => {
    await hub.router.audit.flush();
    const events = await hub.router.auditStore.about(target, 500);
    return events.filter((e) => e.fields.includes(field) && e.viewer.personId === id(login));
  };
  const expectDeniedInJournal = async (login: string, field: string, target: string) => {
    const events = await journal(login, field, target);
    expect(
      events.some((e) => e.outcome === 'denied' && e.reason === 'outside-perimeter' && e.targets.includes(target)),
      `${login} ${field} denied in the journal`,
    ).toBe(true);
  };
  /** An absence a guardian can see, read as that guardian. */
  const absenceOf = async (guardian: string, pupil: string, uai: string): Promise<string> => {
    const { data, errors } = await ask(
      guardian,
      `query($id: ID!) { person(id: $id) { ... on Student { absences(from: "2026-08-01", to: "2026-11-23") { id } } } }`,
      { id: id(pupil) },
    );
    expect(errors).toBeUndefined();
    const absence = (data.person.absences as { id: string }[]).find((a) => a.id.startsWith(`${uai}:`));
    if (!absence) throw new Error(`no absence of ${pupil} at ${uai}`);
    return absence.id;
  };
  const homeworkOf = async (pupil: string): Promise<string> => {
    const { data } = await ask(pupil, '{ me { ... on Student { homework(from: "2026-11-23", to: "2026-12-18") { id } } } }');
    return data.me.homework[0].id as string;
  };

  it('a guardian cannot justify another pupil’s absence by naming her own child', async () => {
    const lucasAbsence = await absenceOf('claire.bernard', 'lucas.bernard', college());
    const submissionsBefore = hub.vieScolaire.standins[0]!.submissions.size;
    const attempt = await ask('sophie.martin', JUSTIFY, { input: { pupilId: id('lea.martin'), absenceId: lucasAbsence, reason: 'Maladie' } });
    expect(attempt.data?.justifyAbsence ?? null).toBeNull();
    expect(attempt.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await expectDeniedInJournal('sophie.martin', 'Mutation.justifyAbsence', id('lea.martin'));
    // Her own child's absence at another school, passed off as one of the collège's pupil.
    const chloeAbsence = await absenceOf('sophie.martin', 'chloe.martin', lycee());
    const otherSchool = await ask('sophie.martin', JUSTIFY, { input: { pupilId: id('lea.martin'), absenceId: chloeAbsence, reason: 'Maladie' } });
    expect(otherSchool.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // A made-up id of the right shape (ids are guessable) for a school the pupil is not in.
    const forged = await ask('sophie.martin', JUSTIFY, {
      input: { pupilId: id('lea.martin'), absenceId: `${lycee()}:A-${id('lea.martin')}-2026-11-20`, reason: 'Maladie' },
    });
    expect(forged.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await new Promise((r) => setTimeout(r, 700)); // an outbox pass would have forwarded anything kept
    expect(hub.vieScolaire.standins[0]!.submissions.size).toBe(submissionsBefore);
    expect(await hub.vieScolaire.outbox.list({ pupilId: id('lea.martin') })).toEqual([]);
  });

  it('a pupil cannot tick or hand in a homework of another class', async () => {
    const hugoHomework = await homeworkOf('hugo.martin');
    expect(hugoHomework.startsWith(`${college()}:`)).toBe(true);
    const tick = await ask('lea.martin', 'mutation($id: ID!) { setHomeworkDone(homeworkId: $id, done: true) }', { id: hugoHomework });
    expect(tick.data?.setHomeworkDone ?? null).toBeNull();
    expect(tick.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const handIn = await ask('lea.martin', 'mutation($id: ID!, $f: FileInput!) { submitHomework(homeworkId: $id, file: $f) { id } }', {
      id: hugoHomework,
      f: { name: 'copie.png', contentType: 'image/png', base64: PNG() },
    });
    expect(handIn.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await expectDeniedInJournal('lea.martin', 'Mutation.setHomeworkDone', id('lea.martin'));
    await expectDeniedInJournal('lea.martin', 'Mutation.submitHomework', id('lea.martin'));
    // Her own homework still works.
    const own = await ask('lea.martin', 'mutation($id: ID!) { setHomeworkDone(homeworkId: $id, done: true) }', { id: await homeworkOf('lea.martin') });
    expect(own.errors).toBeUndefined();
    expect(own.data.setHomeworkDone).toBe(true);
  });

  it('calendar feeds: none for someone else’s pupil, none revoked by another', async () => {
    const forOther = await ask('sophie.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url } }', { p: id('lucas.bernard') });
    expect(forOther.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const father = await ask('marc.bernard', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url } }', { p: id('lucas.bernard') });
    expect(father.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const pupilForOther = await ask('hugo.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url } }', { p: id('lea.martin') });
    expect(pupilForOther.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await expectDeniedInJournal('marc.bernard', 'Mutation.createCalendarFeed', id('lucas.bernard'));

    const mine = (await ask('claire.bernard', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url } }', { p: id('lucas.bernard') })).data
      .createCalendarFeed;
    expect((await ask('marc.bernard', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id: mine.id })).data.revokeCalendarFeed).toBe(false);
    expect((await fetch(mine.url)).status).toBe(200);
    expect((await ask('claire.bernard', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id: mine.id })).data.revokeCalendarFeed).toBe(true);
  });

  it('a teacher of another class reads nothing of a pupil: not through person(id), not through _entities', async () => {
    const teacher = teacherOf('3EB');
    const lea = id('lea.martin');
    const viaPerson = await ask(teacher, 'query($id: ID!) { person(id: $id) { ... on Student { grades { value } absences { id } timetable { start } } } }', {
      id: lea,
    });
    expect(viaPerson.data.person).toBeNull();
    expect(viaPerson.errors?.[0].extensions.code).toBe('FORBIDDEN');

    // As the router would ask the subgraph for the pupil entity (the join path), signed for the teacher.
    const viewer: Viewer = {
      kind: 'person',
      personId: id(teacher),
      profile: 'teacher',
      scopes: ['vie-scolaire:grades:read', 'vie-scolaire:absences:read', 'vie-scolaire:timetable:read'],
      policies: [],
      schools: [college()],
    };
    const url = hub.services.find((s) => s.name === 'vie-scolaire')!.url;
    const body = JSON.stringify({
      query:
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { grades { value } absences { id } timetable { start } justifications { id } } } }',
      variables: {
        r: [
          { __typename: 'Student', id: lea },
          { __typename: 'Student', id: id('hugo.martin') },
        ],
      },
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await routerHeaders('vie-scolaire', viewer, body, { key: viewerContextKey(SECRET) })) },
      body,
    });
    const answer = (await response.json()) as { data: any; errors: any[] };
    expect(answer.data._entities[0]).toBeNull();
    expect(answer.errors.some((e) => e.extensions.code === 'FORBIDDEN' && e.path?.[1] === 0)).toBe(true);
    // Hugo is in 3EB: the same teacher reads him.
    expect(answer.data._entities[1].timetable.length).toBeGreaterThan(0);
  });

  it('a pupil in two schools: the collège’s teacher and principal read what the collège knows of her, never the lycée’s', async () => {
    // Inès: the lycée, and an option in 3EA at the collège. Her relationship with a collège teacher
    // (the class they share) and with the collège's principal (his function) holds at the collège.
    const ines = id('ines.petit');
    const principal = hub.academie.demo.find(
      (d) => d.profile === 'staff' && d.description.startsWith('principal,') && d.description.toLowerCase().includes('coll'),
    )!.login;
    const lyceeRequests = () => [...hub.vieScolaire.standins[1]!.requests.values()].reduce((a, b) => a + b, 0);
    const query = `query($id: ID!) { person(id: $id) { ... on Student {
      absences(from: "2026-08-01", to: "2026-11-23") { id } homework(from: "2026-11-23", to: "2026-12-18") { id }
      punishments(from: "2026-08-01", to: "2026-11-23") { title } timetable(from: "2026-11-23", to: "2026-11-27") { start }
      homeworkSubmissions { homeworkId } } } }`;
    const idsOf = (person: any) => [...person.absences, ...person.homework].map((x: { id: string }) => x.id);
    const before = lyceeRequests();
    for (const reader of [teacherOf('3EA'), principal]) {
      const answer = await ask(reader, query, { id: ines });
      expect(answer.errors, reader).toBeUndefined();
      expect(idsOf(answer.data.person).length).toBeGreaterThan(0);
      expect(
        idsOf(answer.data.person).filter((i) => !i.startsWith(`${college()}:`)),
        reader,
      ).toEqual([]);
    }
    // The lycée's system was not even asked about her.
    expect(lyceeRequests()).toBe(before);

    // She reads both schools, and hands in a homework of the lycée: still not the collège's to read.
    const own = await ask('ines.petit', query, { id: ines });
    expect(idsOf(own.data.person).some((i) => i.startsWith(`${lycee()}:`))).toBe(true);
    const lyceeHomework = (own.data.person.homework as { id: string }[]).find((h) => h.id.startsWith(`${lycee()}:`))!.id;
    const handIn = await ask('ines.petit', 'mutation($id: ID!, $f: FileInput!) { submitHomework(homeworkId: $id, file: $f) { id } }', {
      id: lyceeHomework,
      f: { name: 'copie.png', contentType: 'image/png', base64: ONE_PIXEL_PNG },
    });
    expect(handIn.errors).toBeUndefined();
    const teacherView = await ask(teacherOf('3EA'), query, { id: ines });
    expect(teacherView.data.person.homeworkSubmissions.map((s: { homeworkId: string }) => s.homeworkId)).not.toContain(lyceeHomework);
    expect((await ask('ines.petit', query, { id: ines })).data.person.homeworkSubmissions.map((s: { homeworkId: string }) => s.homeworkId)).toContain(
      lyceeHomework,
    );
  });

  it('the cahier de textes of a class is for the people of that class', async () => {
    const lucas = hub.academie.store.record('Eleve', id('lucas.bernard'))!;
    const klass = `${college()}:${lucas.classes[0]!.code}`;
    const query = `query($id: ID!) { class(id: $id) { lessonContents(from: "2026-11-16", to: "2026-11-20") { title } } }`;
    const father = await ask('marc.bernard', query, { id: klass });
    expect(father.data?.class?.lessonContents ?? null).toBeNull();
    expect(father.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const mother = await ask('claire.bernard', query, { id: klass });
    expect(mother.errors).toBeUndefined();
    expect(mother.data.class.lessonContents.length).toBeGreaterThan(0);
    // A teacher of the school who does not teach that class.
    const leaClass = `${college()}:5EA`;
    expect((await ask(teacherOf('3EB'), query, { id: leaClass })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await ask(teacherOf('5EA'), query, { id: leaClass })).errors).toBeUndefined();
    expect((await ask('lea.martin', query, { id: leaClass })).errors).toBeUndefined();
    expect((await ask('hugo.martin', query, { id: leaClass })).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a parent who loses legal authority in an AAF delta is refused at his next request, and his feed stops', async () => {
    const lucas = id('lucas.bernard');
    const claire = id('claire.bernard');
    const feed = (await ask('claire.bernard', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url } }', { p: lucas })).data.createCalendarFeed;
    expect((await fetch(feed.url)).status).toBe(200);
    const grades = 'query($id: ID!) { person(id: $id) { id ... on Student { grades { value } absences(from: "2026-11-01", to: "2026-11-23") { id } } } }';
    const before = await ask('claire.bernard', grades, { id: lucas });
    expect(before.errors).toBeUndefined();
    expect(before.data.person.grades.length).toBeGreaterThan(0);
    const absenceId = await absenceOf('claire.bernard', 'lucas.bernard', college());
    // She asked for an export of Lucas's data (RGPD right of access) while she had authority.
    const requested = await ask('claire.bernard', 'mutation($p: ID) { requestDataExport(personId: $p) { id } }', { p: lucas });
    expect(requested.errors).toBeUndefined();
    const exportId = requested.data.requestDataExport.id;
    await until(async () => {
      const list = await ask('claire.bernard', '{ viewer { dataExports { id status } } }');
      return list.data.viewer.dataExports.some((e: any) => e.id === exportId && e.status === 'READY');
    });

    // Tonight's delta: the court decision reaches the AAF; her link to Lucas no longer carries legal authority.
    const store = hub.academie.store;
    const links = store.snapshot().Eleve![lucas]!.ENTElevePersRelEleve!;
    const changed = links.map((l) =>
      l.startsWith(`${claire}$`)
        ? l
            .split('$')
            .map((part, i) => (i === 3 ? '0' : part))
            .join('$')
        : l,
    );
    expect(changed).not.toEqual(links);
    const deltaDir = mkdtempSync(join(tmpdir(), 'hub-xperimeter-delta-'));
    writeFileSync(join(deltaDir, 'ENT_Delta_20261124_Eleve_0000.xml'), aafDocument([modifyRequestXml('Eleve', lucas, { ENTElevePersRelEleve: changed })]));
    // Applied to the directory the hub reads, in its database, as `npm run aaf:import` does.
    const { report } = await directoryChange(hub.answerChanges, () => importAafIntoDatabase(hub.store.store.database, deltaDir));
    expect(report.appliedEntries).toBe(1);

    // Same session (its snapshot still lists Lucas as her child): the vie scolaire refuses now.
    const after = await ask('claire.bernard', grades, { id: lucas });
    expect(after.data?.person?.grades ?? null).toBeNull();
    expect(after.errors?.some((e) => e.extensions.code === 'FORBIDDEN')).toBe(true);
    const justify = await ask('claire.bernard', JUSTIFY, { input: { pupilId: lucas, absenceId, reason: 'Maladie' } });
    expect(justify.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await expectDeniedInJournal('claire.bernard', 'Mutation.justifyAbsence', lucas);
    // The identity subgraph asks the directory too: Lucas is no longer listed as hers, nor his journal.
    const identity = await ask('claire.bernard', '{ viewer { children { id } } }');
    expect(identity.data.viewer.children.map((c: any) => c.id)).not.toContain(lucas);
    const journalRead = await ask('claire.bernard', 'query($p: ID) { viewer { accessLog(personId: $p) { at } } }', { p: lucas });
    expect(journalRead.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // The export produced while she had authority is no longer hers to download: no link.
    const link = await ask('claire.bernard', 'mutation($id: ID!) { dataExportLink(id: $id) { path } }', { id: exportId });
    expect(link.errors).toBeUndefined();
    expect(link.data.dataExportLink).toBeNull();
    // The feed is re-checked when served: gone, and it stays gone.
    expect([404, 410]).toContain((await fetch(feed.url)).status);
    expect((await ask('claire.bernard', '{ myCalendarFeeds { id } }')).data.myCalendarFeeds.map((f: any) => f.id)).not.toContain(feed.id);
  });

  it('quotas: calendar feeds per person, submissions and attachment bytes per person per day', async () => {
    const feeds: string[] = [];
    for (let i = 0; i < QUOTAS.feedsPerPerson; i++) {
      const created = await ask('chloe.martin', 'mutation { createCalendarFeed { id } }');
      expect(created.errors).toBeUndefined();
      feeds.push(created.data.createCalendarFeed.id);
    }
    const over = await ask('chloe.martin', 'mutation { createCalendarFeed { id } }');
    expect(over.errors?.[0]).toMatchObject({
      extensions: { code: 'QUOTA_EXCEEDED', limit: QUOTAS.feedsPerPerson },
      message: expect.stringContaining(String(QUOTAS.feedsPerPerson)),
    });
    // Revoking one frees a place.
    await ask('chloe.martin', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id: feeds[0] });
    expect((await ask('chloe.martin', 'mutation { createCalendarFeed { id } }')).errors).toBeUndefined();

    const homework = await homeworkOf('hugo.martin');
    const handIn = (bytes: number) =>
      ask('hugo.martin', 'mutation($id: ID!, $f: FileInput!) { submitHomework(homeworkId: $id, file: $f) { id } }', {
        id: homework,
        f: { name: 'copie.png', contentType: 'image/png', base64: PNG(bytes) },
      });
    // Bytes: two files of 700 kB fit in 1.5 MB, a third does not.
    expect((await handIn(700_000)).errors).toBeUndefined();
    expect((await handIn(700_000)).errors).toBeUndefined();
    const tooMuch = await handIn(700_000);
    expect(tooMuch.errors?.[0]).toMatchObject({ extensions: { code: 'QUOTA_EXCEEDED', limit: QUOTAS.attachmentBytesPerDay } });
    // Count: a third small one is the last allowed, a fourth is refused.
    expect((await handIn(10)).errors).toBeUndefined();
    const tooMany = await handIn(10);
    expect(tooMany.errors?.[0]).toMatchObject({
      extensions: { code: 'QUOTA_EXCEEDED', limit: QUOTAS.submissionsPerDay },
      message: expect.stringContaining(String(QUOTAS.submissionsPerDay)),
    });
  });
});
