import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Guardian, Student } from '../connectors/directory/model.ts';
import { mobileNumberE164 } from '../connectors/sms/phone-number.ts';
import { createLogger } from '../lib/logger.ts';
import { parisInstant, parisWallClock } from '../lib/french-dates.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';
import { CATEGORIES } from '../workers/notifications/model.ts';
import { startNotificationWorker, type NotificationWorker } from '../workers/notifications/worker.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/**
 * Notifications (issue 16) end to end: the schools' stand-in systems, the change detector, the
 * fan-out to families by their preferences, and deliveries to the stand-in SMS gateway and mail
 * relay, through the real job queue. The worker's clock is the test's: days, quiet hours and
 * digests move with it; the detector and the passes run when the test says.
 */
describe('notifications through the hub', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let worker: NotificationWorker;
  let now = parisInstant('2026-11-24', 10 * 60); // a Tuesday, 10:00 in Paris
  const at = (day: string, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    now = parisInstant(day, h! * 60 + m!);
  };
  const person = async (login: string) => (await hub.academie.directory.people([hub.logins.find((l) => l.login === login)!.personId]))[0]!;
  let lea: Student, hugo: Student, chloe: Student, lucas: Student, emma: Student;
  let sophie: Guardian, thomas: Guardian, claire: Guardian, marc: Guardian, julie: Guardian, monique: Guardian;

  const standinOf = async (pupil: Student, schoolIndex = 0) => {
    const [school] = await hub.academie.directory.schoolsById([pupil.classes[schoolIndex]!.structureId]);
    return hub.vieScolaire.standins.find((s) => s.uai === school!.uai)!;
  };
  let entered = 0;
  const enterAbsence = async (pupil: Student, day: string, from = '08:00', to = '10:00') => {
    const id = `A-TEST-${++entered}`;
    (await standinOf(pupil)).edits.absences.push({ id, pupilId: pupil.id, day, from, to });
    return id;
  };
  /** SMS the gateway received for a mobile number (as the directory writes it), by text. */
  const smsTo = (guardian: Guardian) => {
    const number = mobileNumberE164(guardian.mobilePhone);
    return [...hub.notifications.smsGateway.messages.values()].filter((m) => number.ok && m.to === number.e164);
  };
  const mailsTo = (someone: { email?: string }) => hub.notifications.smtp.mails.filter((m) => m.to.includes(someone.email!));
  const events = async (kind: string) =>
    (await sql<{ id: string; pupil_id: string }>`SELECT id, pupil_id FROM notification_events WHERE kind = ${kind}`.execute(hub.store.store.database.db)).rows;
  const pass = async () => {
    await worker.detect();
    await worker.tick();
  };

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-notifications-')),
      ...(await testHubOptions()),
      notifications: { clock: () => now, schedule: { tickMs: 0, detect: false }, config: { retry: { limit: 20, delaySeconds: 1 } }, jobPollingSeconds: 0.5 },
    });
    worker = hub.notifications.worker;
    const pupils = (await Promise.all(['lea.martin', 'hugo.martin', 'chloe.martin', 'emma.robert'].map(person))) as Student[];
    [lea, hugo, chloe, emma] = [pupils[0]!, pupils[1]!, pupils[2]!, pupils[3]!];
    const adults = (await Promise.all(['sophie.martin', 'claire.bernard', 'marc.bernard'].map(person))) as Guardian[];
    [sophie, claire, marc] = [adults[0]!, adults[1]!, adults[2]!];
    lucas = (await hub.academie.directory.findPeople({ firstName: 'Lucas', lastName: 'BERNARD' }))[0] as Student;
    const adultsOf = async (pupil: Student) => (await hub.academie.directory.guardiansOf(pupil.id)).map((g) => g.guardian!);
    thomas = (await adultsOf(lea)).find((g) => g.firstName === 'Thomas')!;
    for (const g of await adultsOf(emma)) {
      if (g.firstName === 'Julie') julie = g;
      if (g.firstName === 'Monique') monique = g;
    }
    // Emma's mother chose the weekly digest for everything, and no SMS.
    for (const category of CATEGORIES) await worker.store.setPreference(julie.id, { category, inApp: true, email: 'WEEKLY', sms: 'NEVER' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('the first poll of a school takes a baseline and sends nothing', async () => {
    const outcomes = await worker.detect();
    expect([...outcomes.values()].flat().every((o) => o === 'baseline')).toBe(true);
    await worker.tick();
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM notification_events`.execute(hub.store.store.database.db);
    expect(Number(rows[0]!.n)).toBe(0);
    expect(hub.notifications.smsGateway.messages.size).toBe(0);
  });

  it('a new absence reaches both legal guardians by SMS after one poll; not a parent without legal authority, nor a personne en charge', async () => {
    await enterAbsence(lea, '2026-11-24');
    await enterAbsence(lucas, '2026-11-24');
    await enterAbsence(emma, '2026-11-24');
    await pass();
    await until(async () => smsTo(sophie).length === 1 && smsTo(thomas).length === 1 && smsTo(claire).length === 1, 15_000);
    expect(smsTo(sophie)[0]!.text).toMatch(/absence de Léa le 24\/11 de 08:00 à 10:00/);
    expect(smsTo(claire)[0]!.text).toMatch(/absence de Lucas/);
    expect(smsTo(marc)).toHaveLength(0);
    expect(smsTo(monique)).toHaveLength(0);
    // Emma's mother chose no SMS: she sees it in the app, and in her weekly digest.
    expect(smsTo(julie)).toHaveLength(0);
    // In the app too: the pupil sees « Absence », the mother « Absence de Léa ».
    const list = async (id: string) => (await worker.store.notificationsOf(id, 10)).items.map((n) => n.title);
    expect(await list(lea.id)).toContain('Absence');
    expect(await list(sophie.id)).toContain('Absence de Léa');
    expect(await list(marc.id)).toEqual([]);
  });

  it('quiet hours hold an SMS until 07:00', async () => {
    at('2026-11-24', '22:30');
    await enterAbsence(hugo, '2026-11-24', '15:00', '16:00');
    await pass();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smsTo(sophie).filter((m) => m.text.includes('Hugo'))).toHaveLength(0);
    const [event] = (await events('absence')).filter((e) => e.pupil_id === hugo.id);
    const deliveries = await worker.store.deliveriesOf(event!.id);
    expect(deliveries.filter((d) => d.channel === 'sms').map((d) => [d.state, new Date(d.due_at).toISOString()])).toEqual([
      ['waiting', '2026-11-25T06:00:00.000Z'],
      ['waiting', '2026-11-25T06:00:00.000Z'],
    ]);
    at('2026-11-25', '06:59');
    await worker.tick();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smsTo(sophie).filter((m) => m.text.includes('Hugo'))).toHaveLength(0);
    at('2026-11-25', '07:00');
    await worker.tick();
    await until(async () => smsTo(sophie).some((m) => m.text.includes('Hugo')) && smsTo(thomas).some((m) => m.text.includes('Hugo')), 15_000);
  });

  it('with the SMS gateway down, every SMS waits and goes once when it is back', async () => {
    at('2026-11-25', '10:00');
    hub.notifications.smsGateway.faults.down = true;
    await enterAbsence(chloe, '2026-11-25');
    await pass();
    // Several attempts fail meanwhile (retried with backoff by the job queue).
    await until(async () => {
      const [event] = (await events('absence')).filter((e) => e.pupil_id === chloe.id);
      const sms = event ? (await worker.store.deliveriesOf(event.id)).filter((d) => d.channel === 'sms') : [];
      return sms.length === 2 && sms.every((d) => d.attempts >= 2 && d.error !== null);
    }, 20_000);
    expect(smsTo(sophie).filter((m) => m.text.includes('Chloé'))).toHaveLength(0);
    hub.notifications.smsGateway.faults.down = false;
    await until(async () => smsTo(sophie).some((m) => m.text.includes('Chloé')) && smsTo(thomas).some((m) => m.text.includes('Chloé')), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const g of [sophie, thomas]) {
      const sent = smsTo(g).filter((m) => m.text.includes('Chloé'));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.deliveries).toBe(1);
    }
  });

  it('two instances running the detector record each change once and send each SMS once', async () => {
    const second = await startNotificationWorker({
      database: hub.store.store.database,
      client: hub.notifications.client,
      directory: hub.academie.directory,
      perimeter: hub.notifications.perimeter,
      config: { ...hub.notifications.config },
      portalUrl: hub.router.publicUrl,
      metrics: new Registry(),
      log: createLogger('second-worker', 'silent'),
      clock: () => now,
      schedule: { tickMs: 0, detect: false },
      jobPollingSeconds: 0.5,
    });
    try {
      at('2026-11-25', '11:00');
      await enterAbsence(lea, '2026-11-25', '11:00', '12:00');
      // Both poll the school (the lease keeps the second off while the first holds it; released, it polls too).
      await Promise.all([worker.detect(), second.detect()]);
      await sql`DELETE FROM notification_leases`.execute(hub.store.store.database.db);
      await second.detect();
      await Promise.all([worker.tick(), second.tick()]);
      await until(async () => smsTo(sophie).filter((m) => m.text.includes('25/11 de 11:00')).length === 1, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(smsTo(sophie).filter((m) => m.text.includes('25/11 de 11:00'))).toHaveLength(1);
      expect(smsTo(thomas).filter((m) => m.text.includes('25/11 de 11:00'))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('a guardian who chose the weekly digest gets nothing until Monday, then one e-mail with everything', async () => {
    expect(mailsTo(julie)).toHaveLength(0);
    at('2026-11-25', '14:00');
    await enterAbsence(emma, '2026-11-25', '14:00', '15:00');
    const standin = await standinOf(emma);
    // A grade corrected in the school's system: said as a change.
    const [grade] = (await hub.notifications.client.grades(standin.uai, [emma.id])).get(emma.id)!;
    standin.edits.gradeValues.set(grade!.id, '19,5');
    await pass();
    const before = mailsTo(julie).length;
    for (const [day, time] of [
      ['2026-11-25', '18:01'],
      ['2026-11-27', '18:01'],
      ['2026-11-29', '20:00'],
      ['2026-11-30', '07:29'],
    ] as const) {
      at(day, time);
      await worker.tick();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsTo(julie).length).toBe(before);
    expect(smsTo(julie).filter((m) => m.text.includes('25/11'))).toHaveLength(0);
    at('2026-11-30', '07:30');
    await worker.tick();
    await until(async () => mailsTo(julie).length === before + 1, 15_000);
    await worker.tick();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const digests = mailsTo(julie).slice(before);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toMatch(/^Votre semaine à l’école : \d+ nouveautés$/);
    expect(digests[0]!.text).toMatch(/\nEmma\n(- .*\n)*- Absence d'Emma le 25\/11 de 14:00 à 15:00\./);
    expect(digests[0]!.text).toMatch(/\n- Note modifiée pour Emma : [A-Z]+ : 19,5\/20/);
  });

  it('a lying upstream: items sent twice are no news; a withdrawn absence is said as cancelled', async () => {
    at('2026-11-30', '10:00');
    const standin = await standinOf(lucas);
    standin.edits.repeatItems = true;
    const countBefore = (
      await sql<{ n: string }>`SELECT count(*) AS n FROM notification_events WHERE kind <> 'homework-due'`.execute(hub.store.store.database.db)
    ).rows[0]!.n;
    await worker.detect();
    const countAfter = (
      await sql<{ n: string }>`SELECT count(*) AS n FROM notification_events WHERE kind <> 'homework-due'`.execute(hub.store.store.database.db)
    ).rows[0]!.n;
    expect(countAfter).toBe(countBefore);
    standin.edits.repeatItems = false;
    const id = await enterAbsence(lucas, '2026-11-30');
    await pass();
    await until(async () => smsTo(claire).some((m) => m.text.includes('30/11')), 15_000);
    standin.edits.removed.add(id);
    await pass();
    await until(async () => smsTo(claire).some((m) => m.text.includes('annulée')), 15_000);
    expect(smsTo(marc)).toHaveLength(0);
  });

  it('an invalid mobile number is reported to the school and the guardian gets an e-mail instead, once', async () => {
    await sql`UPDATE directory_entries SET attributes = jsonb_set(attributes, '{mobile}', '["0112345678"]') WHERE id = ${thomas.id}`.execute(
      hub.store.store.database.db,
    );
    at('2026-11-30', '11:00');
    await enterAbsence(hugo, '2026-11-30', '11:00', '12:00');
    await pass();
    await until(async () => mailsTo(thomas).some((m) => m.subject === 'Absence de Hugo'), 15_000);
    expect(smsTo(sophie).filter((m) => m.text.includes('30/11 de 11:00'))).toHaveLength(1);
    const problems = await worker.store.contactProblems(await Promise.all([hugo].map(async (p) => (await standinOf(p)).uai)));
    expect(problems).toContainEqual(expect.objectContaining({ person_id: thomas.id, channel: 'sms', problem: 'mobile number not-mobile' }));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsTo(thomas).filter((m) => m.subject === 'Absence de Hugo')).toHaveLength(1);
  });

  it('the contact problems are the school’s: its principal and CPE see them, the other school’s and a guardian do not', async () => {
    const { ask } = hubSession(hub);
    const [college] = await hub.academie.directory.schoolsById([hugo.classes[0]!.structureId]);
    const staffOf = (role: string, schoolName: string) => hub.academie.demo.find((d) => d.description === `${role}, ${schoolName}`)!.login;
    const otherSchool = (await hub.academie.directory.allSchools()).find((s) => s.id !== college!.id)!;
    const PROBLEMS = `{ contactProblems { person { id } uai channel problem } }`;
    for (const role of ['principal', 'CPE']) {
      const seen = (await ask(staffOf(role, college!.name), PROBLEMS)).data.contactProblems;
      expect(seen).toContainEqual({ person: { id: thomas.id }, uai: college!.uai, channel: 'sms', problem: 'mobile number not-mobile' });
    }
    const elsewhere: { person: { id: string }; uai: string }[] = (await ask(staffOf('principal', otherSchool.name), PROBLEMS)).data.contactProblems;
    expect(elsewhere.every((p) => p.uai === otherSchool.uai)).toBe(true);
    expect(elsewhere.some((p) => p.person.id === thomas.id)).toBe(false);
    const guardian = await ask('sophie.martin', PROBLEMS);
    expect(guardian.data?.contactProblems ?? null).toBeNull();
    expect(guardian.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('in the graph: a person’s own notifications, unread count, mark read; preferences and quiet hours, SMS for guardians only', async () => {
    const { ask } = hubSession(hub);
    const MINE = `{ viewer { person { displayName } unreadNotifications notifications(first: 50) { items { id title category child { displayName } readAt } hasNextPage endCursor }
      notificationPreferences { smsAvailable quietFrom quietTo preferences { category inApp email sms } } } }`;
    const first = (await ask('sophie.martin', MINE)).data.viewer;
    expect(first.person.displayName).toBe('Sophie MARTIN');
    const lea = first.notifications.items.find((n: any) => n.title === 'Absence de Léa');
    expect(lea).toMatchObject({ category: 'ABSENCE', child: { displayName: 'Léa MARTIN' }, readAt: null });
    expect(first.unreadNotifications).toBeGreaterThan(0);
    expect(first.notificationPreferences).toMatchObject({ smsAvailable: true, quietFrom: '21:00', quietTo: '07:00' });
    expect(first.notificationPreferences.preferences).toContainEqual({ category: 'ABSENCE', inApp: true, email: 'NEVER', sms: 'IMMEDIATE' });
    // Another person cannot mark hers read: their call changes nothing of hers.
    const MARK = `mutation Mark($ids: [ID!]) { markNotificationsRead(ids: $ids) }`;
    expect((await ask('claire.bernard', MARK, { ids: [lea.id] })).data.markNotificationsRead).toBe(0);
    expect((await ask('sophie.martin', MARK, { ids: [lea.id] })).data.markNotificationsRead).toBe(1);
    const after = (await ask('sophie.martin', MINE)).data.viewer;
    expect(after.unreadNotifications).toBe(first.unreadNotifications - 1);
    expect(after.notifications.items.find((n: any) => n.id === lea.id).readAt).not.toBeNull();
    // Preferences: a guardian turns grades to the weekly digest and sets her quiet hours.
    const SET = `mutation Set($p: [NotificationPreferenceInput!]!) { setNotificationPreferences(preferences: $p) { preferences { category email sms } } }`;
    const set = await ask('sophie.martin', SET, { p: [{ category: 'GRADE', inApp: true, email: 'WEEKLY', sms: 'NEVER' }] });
    expect(set.data.setNotificationPreferences.preferences).toContainEqual({ category: 'GRADE', email: 'WEEKLY', sms: 'NEVER' });
    const quiet = await ask('sophie.martin', `mutation { setQuietHours(from: "22:00", to: "06:30") { quietFrom quietTo } }`);
    expect(quiet.data.setQuietHours).toEqual({ quietFrom: '22:00', quietTo: '06:30' });
    expect((await ask('sophie.martin', `mutation { setQuietHours(from: "25:00", to: "06:30") { quietFrom } }`)).errors![0]!.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    // A pupil has no SMS (no mobile in the school's records).
    const pupil = await ask('lea.martin', SET, { p: [{ category: 'ABSENCE', inApp: true, email: 'NEVER', sms: 'IMMEDIATE' }] });
    expect(pupil.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((await ask('lea.martin', MINE)).data.viewer.notificationPreferences.smsAvailable).toBe(false);
    // A forged cursor is refused clearly.
    const forged = await ask('sophie.martin', `{ viewer { notifications(first: 5, after: "bm9wZQ") { hasNextPage } } }`);
    expect(forged.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    // Without a session: no viewer.
    const anonymous = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { unreadNotifications } }' }),
    });
    expect(JSON.stringify(await anonymous.json())).toMatch(/Unauthorized field or type/);
  });

  it('a justification the school accepts is told to the family', async () => {
    const { ask } = hubSession(hub);
    // The vie scolaire subgraph checks the absence is the child's among the recent ones (real days, not the worker's clock).
    const absenceId = await enterAbsence(lea, parisWallClock(new Date()).day, '14:00', '15:00');
    const JUSTIFY = `mutation Justify($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { id state } }`;
    // Ids in the graph carry their school: `UAI:upstreamId`.
    const scopedId = `${(await standinOf(lea)).uai}:${absenceId}`;
    const { data, errors } = await ask('sophie.martin', JUSTIFY, { input: { pupilId: lea.id, absenceId: scopedId, reason: 'Rendez-vous médical' } });
    expect(errors).toBeUndefined();
    // The outbox forwards it; the school's system accepts it when next asked; the decision is an event.
    await until(async () => (await events('justification')).some((e) => e.pupil_id === lea.id), 20_000);
    await worker.tick();
    await until(async () => (await worker.store.notificationsOf(sophie.id, 50)).items.some((n) => n.title === 'Justificatif accepté de Léa'), 10_000);
    expect(data.justifyAbsence.state).toBe('PENDING');
  });

  it('a message received is a notification; recalled unread, its notification goes too', async () => {
    const { ask } = hubSession(hub);
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;
    const sent = await ask(teacher, SEND, { input: { to: [sophie.id], subject: 'Sortie annulée', body: '<p>La sortie de jeudi est annulée.</p>' } });
    expect(sent.errors).toBeUndefined();
    await worker.tick();
    const titles = async () => (await worker.store.notificationsOf(sophie.id, 50)).items.map((n) => `${n.title} | ${n.body}`);
    expect(await titles()).toContainEqual(expect.stringMatching(/^Nouveau message \| .* : Sortie annulée$/));
    // The sender's school is the event's (its SMS budget; its office sees whom it could not reach).
    const { rows } = await sql<{ uai: string }>`SELECT uai FROM notification_events WHERE dedup_key = ${`message|${sent.data.sendMessage.id}`}`.execute(
      hub.store.store.database.db,
    );
    expect(rows[0]?.uai).toBe((await standinOf(lea)).uai);
    const recalled = await ask(teacher, `mutation Recall($id: ID!) { recallMessage(id: $id) }`, { id: sent.data.sendMessage.id });
    expect(recalled.data.recallMessage).toBe(1);
    expect((await titles()).some((t) => t.includes('Sortie annulée'))).toBe(false);
  });
});
