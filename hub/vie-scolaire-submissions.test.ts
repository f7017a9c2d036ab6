import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub, type EmbeddedHubOptions } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';

const TODAY = '2026-11-23';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');
const JUSTIFY = `mutation Justify($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { id state absenceId attachmentName } }`;

describe('what guardians and pupils submit', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-submit-'));
  let options: EmbeddedHubOptions;
  beforeAll(async () => {
    // One database for the file: a restarted hub finds what the previous one kept.
    options = {
      dataDir,
      ...(await testHubOptions()),
      today: () => TODAY,
      vieScolaireUpstream: { requestTimeoutMs: 400, deadlineMs: 800, retries: 0, breakerThreshold: 3, breakerResetMs: 200 },
    };
  });
  let hub: EmbeddedHub;
  afterAll(() => hub?.stop());

  const session = (h: EmbeddedHub) => hubSession(h).ask;
  const childAbsence = async (ask: ReturnType<typeof session>) => {
    const { data } = await ask(
      'sophie.martin',
      '{ viewer { children { id displayName absences(from: "2026-09-01", to: "2026-11-30") { id parentsShouldJustify } } } }',
    );
    for (const child of data.viewer.children) {
      const absence = child.absences.find((a: any) => a.parentsShouldJustify) ?? child.absences[0];
      if (absence && absence.id.startsWith(hub.vieScolaire.standins[0]!.uai)) return { pupilId: child.id as string, absenceId: absence.id as string };
    }
    throw new Error('no absence at the collège among the demo children');
  };
  const stateOf = async (ask: ReturnType<typeof session>, pupilId: string, id: string) => {
    const { data } = await ask('sophie.martin', `query($id: ID!) { person(id: $id) { ... on Student { justifications { id state } } } }`, { id: pupilId });
    return data.person.justifications.find((j: any) => j.id === id)?.state as string | undefined;
  };

  it('a justification sent while the school’s system is down waits (PENDING), then is sent and accepted once it is back, exactly once', async () => {
    hub = await startEmbeddedHub(options);
    const ask = session(hub);
    const { pupilId, absenceId } = await childAbsence(ask);
    const college = hub.vieScolaire.standins[0]!;
    college.faults.errorRate = 1;
    const { data, errors } = await ask('sophie.martin', JUSTIFY, {
      input: {
        pupilId,
        absenceId,
        reason: 'Rendez-vous médical',
        comment: 'Certificat joint',
        attachment: { name: 'certificat.pdf', contentType: 'application/pdf', base64: PDF },
      },
    });
    expect(errors).toBeUndefined();
    expect(data.justifyAbsence).toMatchObject({ state: 'PENDING', absenceId, attachmentName: 'certificat.pdf' });
    const id = data.justifyAbsence.id;
    await new Promise((r) => setTimeout(r, 1200)); // several forwarding attempts fail meanwhile
    expect(await stateOf(ask, pupilId, id)).toBe('PENDING');
    expect(college.submissions.size).toBe(0);

    college.faults.errorRate = 0;
    await until(async () => (await stateOf(ask, pupilId, id)) === 'ACCEPTED');
    expect(college.submissions.size).toBe(1);
    const [received] = [...college.submissions.values()];
    expect(received!.body).toMatchObject({
      eleve: pupilId,
      motif: 'Rendez-vous médical',
      commentaire: 'Certificat joint',
      pieceJointe: { nom: 'certificat.pdf', type: 'application/pdf', contenuBase64: PDF },
    });
  });

  it('a justification pending when the hub stops is sent after it restarts', async () => {
    const ask = session(hub);
    const { pupilId, absenceId } = await childAbsence(ask);
    hub.vieScolaire.standins[0]!.faults.errorRate = 1;
    const { data } = await ask('sophie.martin', JUSTIFY, { input: { pupilId, absenceId, reason: 'Maladie' } });
    expect(data.justifyAbsence.state).toBe('PENDING');
    const id = data.justifyAbsence.id;
    await hub.stop();

    hub = await startEmbeddedHub(options); // the same data folder; a fresh, healthy stand-in
    const again = session(hub);
    await until(async () => (await stateOf(again, pupilId, id)) === 'ACCEPTED');
    expect([...hub.vieScolaire.standins[0]!.submissions.values()].map((s) => s.body.motif)).toEqual(['Maladie']);
  });

  it('only a legal guardian may justify, with a sound attachment', async () => {
    const ask = session(hub);
    const { pupilId, absenceId } = await childAbsence(ask);
    const lucas = [...hub.academie.store.records('Eleve')].find((s) => s.firstName === 'Lucas' && s.lastName === 'BERNARD')!;
    const father = await ask('marc.bernard', JUSTIFY, { input: { pupilId: lucas.id, absenceId, reason: 'Maladie' } });
    expect(father.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const notHers = await ask('claire.bernard', JUSTIFY, { input: { pupilId, absenceId, reason: 'Maladie' } });
    expect(notHers.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher')!.login;
    const asTeacher = await ask(teacher, JUSTIFY, { input: { pupilId, absenceId, reason: 'Maladie' } });
    expect(asTeacher.errors?.[0].extensions.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

    const tooBig = Buffer.concat([Buffer.from('%PDF'), Buffer.alloc(1_100_000)]).toString('base64');
    const large = await ask('sophie.martin', JUSTIFY, {
      input: { pupilId, absenceId, reason: 'Maladie', attachment: { name: 'big.pdf', contentType: 'application/pdf', base64: tooBig } },
    });
    expect(large.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('larger than') });
    const disguised = Buffer.from('MZ\x90\x00 this is a program').toString('base64');
    const fake = await ask('sophie.martin', JUSTIFY, {
      input: { pupilId, absenceId, reason: 'Maladie', attachment: { name: 'scan.pdf', contentType: 'application/pdf', base64: disguised } },
    });
    expect(fake.errors?.[0].message).toBe("the file's content is not application/pdf");
    const exe = await ask('sophie.martin', JUSTIFY, {
      input: { pupilId, absenceId, reason: 'Maladie', attachment: { name: 'x.exe', contentType: 'application/x-msdownload', base64: disguised } },
    });
    expect(exe.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a pupil ticks a homework done and sees it done; hands in a file, kept and sent', async () => {
    const ask = session(hub);
    const { data } = await ask('lea.martin', '{ me { ... on Student { homework(from: "2026-11-23", to: "2026-12-11") { id done } } } }');
    const homework = data.me.homework.find((h: any) => !h.done);
    expect(homework).toBeDefined();
    const tick = await ask('lea.martin', 'mutation($id: ID!) { setHomeworkDone(homeworkId: $id, done: true) }', { id: homework.id });
    expect(tick.data.setHomeworkDone).toBe(true);
    const after = await ask('lea.martin', '{ me { ... on Student { homework(from: "2026-11-23", to: "2026-12-11") { id done } } } }');
    expect(after.data.me.homework.find((h: any) => h.id === homework.id).done).toBe(true);

    // A real PNG (one pixel): the content is sniffed, a signature followed by anything is not an image.
    const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const handIn = await ask('lea.martin', 'mutation($id: ID!, $f: FileInput!) { submitHomework(homeworkId: $id, file: $f) { id state fileName } }', {
      id: homework.id,
      f: { name: 'copie.png', contentType: 'image/png', base64: PNG },
    });
    expect(handIn.data.submitHomework).toMatchObject({ fileName: 'copie.png' });
    await until(async () => {
      const list = await ask('lea.martin', '{ me { ... on Student { homeworkSubmissions { id state } } } }');
      return list.data.me.homeworkSubmissions.some((s: any) => s.id === handIn.data.submitHomework.id && s.state === 'SENT');
    });
    const other = await ask('sophie.martin', 'mutation($id: ID!) { setHomeworkDone(homeworkId: $id, done: true) }', { id: homework.id });
    expect(other.errors?.[0].extensions.code).toMatch(/FORBIDDEN|UNAUTHORIZED_FIELD_OR_TYPE/);
  });

  it('every submission, allowed or refused, is in the access journal', async () => {
    await hub.router.audit.flush();
    const lea = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    const events = await hub.router.auditStore.about(lea, 100);
    const fields = events.flatMap((e) => e.fields.map((f) => `${f}:${e.outcome}`));
    expect(fields).toContain('Mutation.setHomeworkDone:allowed');
    expect(fields).toContain('Mutation.submitHomework:allowed');
  });
});
