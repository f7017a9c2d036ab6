import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Guardian, Student } from '../connectors/directory/model.ts';
import { mobileNumberE164 } from '../connectors/sms/phone-number.ts';
import { parisInstant } from '../lib/french-dates.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';
import { CATEGORIES } from '../workers/notifications/model.ts';
import type { NotificationWorker } from '../workers/notifications/worker.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/**
 * What waits to be delivered (an SMS held by the quiet hours, a week of digest, an e-mail retried
 * while the relay is down) was decided when the event was fanned out; things may have changed
 * since. A guardian who lost legal authority over a pupil meanwhile must not be told the pupil's
 * news when it finally leaves, nor anyone the subject of a message recalled meanwhile.
 */
describe('notifications waiting to leave, and what changed meanwhile', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let worker: NotificationWorker;
  let now = parisInstant('2026-11-24', 10 * 60); // a Tuesday, 10:00 in Paris
  const at = (day: string, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    now = parisInstant(day, h! * 60 + m!);
  };
  const person = async (login: string) => (await hub.academie.directory.people([hub.logins.find((l) => l.login === login)!.personId]))[0]!;
  const db = () => hub.store.store.database.db;
  let lea: Student, emma: Student, sophie: Guardian, thomas: Guardian, julie: Guardian;

  let entered = 0;
  const enterAbsence = async (pupil: Student, day: string, from: string, to: string) => {
    const [school] = await hub.academie.directory.schoolsById([pupil.classes[0]!.structureId]);
    const standin = hub.vieScolaire.standins.find((s) => s.uai === school!.uai)!;
    standin.edits.absences.push({ id: `A-AUTH-${++entered}`, pupilId: pupil.id, day, from, to });
  };
  const smsTo = (guardian: Guardian) => {
    const number = mobileNumberE164(guardian.mobilePhone);
    return [...hub.notifications.smsGateway.messages.values()].filter((m) => number.ok && m.to === number.e164);
  };
  const mailsTo = (someone: { email?: string }) => hub.notifications.smtp.mails.filter((m) => m.to.includes(someone.email!));
  /** The school's records now say `adult` has no legal authority over `pupil` (AAF flag 0). */
  const loseAuthority = async (pupil: Student, adult: Guardian) => {
    const { rows } = await sql<{ links: string[] }>`SELECT attributes -> 'ENTElevePersRelEleve' AS links FROM directory_entries WHERE id = ${pupil.id}`.execute(
      db(),
    );
    const links = rows[0]!.links.map((link) => {
      const parts = link.split('$');
      if (parts[0] === adult.id) parts[3] = '0';
      return parts.join('$');
    });
    await sql`UPDATE directory_entries SET attributes = jsonb_set(attributes, '{ENTElevePersRelEleve}', ${JSON.stringify(links)}::jsonb) WHERE id = ${pupil.id}`.execute(
      db(),
    );
    const adults = await hub.academie.directory.guardiansOf(pupil.id);
    expect(adults.find((g) => g.guardian?.id === adult.id)?.link.legal).toBe(0);
  };
  /** The states of a queue's jobs for one delivery or digest. */
  const jobsOf = async (queue: string, key: string, id: string) =>
    (await sql<{ state: string }>`SELECT state FROM pgboss.job WHERE name = ${queue} AND data ->> ${key} = ${id}`.execute(db())).rows.map((r) => r.state);
  const pass = async () => {
    await worker.detect();
    await worker.tick();
  };

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-notifications-authority-')),
      ...(await testHubOptions()),
      notifications: { clock: () => now, schedule: { tickMs: 0, detect: false }, config: { retry: { limit: 20, delaySeconds: 1 } }, jobPollingSeconds: 0.5 },
    });
    worker = hub.notifications.worker;
    [lea, emma] = (await Promise.all(['lea.martin', 'emma.robert'].map(person))) as Student[] as [Student, Student];
    sophie = (await person('sophie.martin')) as Guardian;
    const adultsOf = async (pupil: Student) => (await hub.academie.directory.guardiansOf(pupil.id)).filter((g) => g.link.legal === 1).map((g) => g.guardian!);
    thomas = (await adultsOf(lea)).find((g) => g.firstName === 'Thomas')!;
    julie = (await adultsOf(emma)).find((g) => g.firstName === 'Julie')!;
    // Emma's mother chose the weekly digest for everything, and no SMS.
    for (const category of CATEGORIES) await worker.store.setPreference(julie.id, { category, inApp: true, email: 'WEEKLY', sms: 'NEVER' });
    await pass(); // the baseline
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('an SMS held by the quiet hours goes at 07:00 to the guardian who still has authority, not to the one who lost it overnight', async () => {
    at('2026-11-24', '22:30');
    await enterAbsence(lea, '2026-11-24', '15:00', '16:00');
    await pass();
    await loseAuthority(lea, thomas);
    at('2026-11-25', '07:00');
    await worker.tick();
    await until(async () => smsTo(sophie).some((m) => m.text.includes('Léa')), 15_000);
    await until(
      async () =>
        (await sql<{ state: string }>`SELECT state FROM notification_deliveries WHERE person_id = ${thomas.id}`.execute(db())).rows.every(
          (r) => r.state !== 'queued' && r.state !== 'sending',
        ),
      15_000,
    );
    const { rows: held } = await sql<{ state: string }>`SELECT state FROM notification_deliveries WHERE person_id = ${thomas.id} AND channel = 'sms'`.execute(
      db(),
    );
    // Thomas's SMS was held, then not sent.
    expect(held).toEqual([{ state: 'failed' }]);
    expect(smsTo(thomas)).toHaveLength(0);
    expect(mailsTo(thomas).filter((m) => m.text.includes('Léa'))).toHaveLength(0);
  });

  it('the weekly digest of a guardian who lost authority during the week says nothing of that pupil', async () => {
    at('2026-11-25', '14:00');
    await enterAbsence(emma, '2026-11-25', '14:00', '15:00');
    await pass();
    await loseAuthority(emma, julie);
    at('2026-11-30', '07:30');
    await worker.tick();
    const digestOfJulie = async () => (await sql<{ state: string }>`SELECT state FROM notification_digests WHERE person_id = ${julie.id}`.execute(db())).rows;
    await until(async () => (await digestOfJulie()).length > 0 && (await digestOfJulie()).every((d) => d.state !== 'sending'), 15_000);
    expect(mailsTo(julie).filter((m) => m.text.includes('Emma'))).toHaveLength(0);
  });

  it('an e-mail retried while the relay is down does not go once its message is recalled', async () => {
    at('2026-12-01', '10:00');
    await worker.store.setPreference(sophie.id, { category: 'MESSAGE', inApp: true, email: 'IMMEDIATE', sms: 'NEVER' });
    const { ask } = hubSession(hub);
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    hub.notifications.smtp.faults.down = true;
    const subject = 'Convocation de Léa en conseil de discipline';
    const sent = await ask(teacher, `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, {
      input: { to: [sophie.id], subject, body: '<p>Merci de prendre contact avec la direction.</p>' },
    });
    expect(sent.errors).toBeUndefined();
    await worker.tick();
    const mailDelivery = async () =>
      (
        await sql<{ id: string; state: string; error: string | null }>`
          SELECT d.id, d.state, d.error FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
          WHERE e.dedup_key = ${`message|${sent.data.sendMessage.id}`} AND d.person_id = ${sophie.id} AND d.channel = 'email'`.execute(db())
      ).rows;
    // The relay refused a first attempt: the e-mail waits for the queue's next one.
    await until(async () => (await mailDelivery()).some((d) => d.error !== null), 15_000);
    const [delivery] = await mailDelivery();
    const recalled = await ask(teacher, `mutation Recall($id: ID!) { recallMessage(id: $id) }`, { id: sent.data.sendMessage.id });
    expect(recalled.data.recallMessage).toBe(1);
    // The relay stays down until the queue is done with the e-mail: an attempt already past its
    // reading when the recall committed fails against it, and the next one finds nothing to send.
    // (Were the relay back at once, such an attempt would send: a mail cannot be taken back once it leaves.)
    await until(async () => {
      const states = await jobsOf('notification-delivery', 'deliveryId', delivery!.id);
      return states.length > 0 && states.every((state) => state === 'completed');
    }, 20_000);
    hub.notifications.smtp.faults.down = false;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await mailDelivery()).toEqual([]);
    expect(mailsTo(sophie).filter((m) => m.subject.includes('message') || m.text.includes(subject))).toHaveLength(0);
  });

  it('a daily digest retried while the relay is down, whose only line was a message recalled meanwhile, sends nothing', async () => {
    at('2026-12-02', '17:00');
    await worker.store.setPreference(sophie.id, { category: 'MESSAGE', inApp: true, email: 'DAILY', sms: 'NEVER' });
    const { ask } = hubSession(hub);
    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const sent = await ask(teacher, `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, {
      input: { to: [sophie.id], subject: 'Rendez-vous demandé', body: '<p>Pouvez-vous passer demain ?</p>' },
    });
    expect(sent.errors).toBeUndefined();
    await worker.tick();
    const before = mailsTo(sophie).length;
    hub.notifications.smtp.faults.down = true;
    at('2026-12-02', '18:01');
    await worker.tick();
    const digest = async () =>
      (
        await sql<{
          state: string;
          error: string | null;
        }>`SELECT state, error FROM notification_digests WHERE person_id = ${sophie.id} AND period = '2026-12-02'`.execute(db())
      ).rows;
    // The digest's first attempt met the relay down: the job queue retries it.
    await until(
      async () =>
        (await digest()).length === 1 &&
        (await sql<{ n: string }>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'notification-digest' AND state = 'retry'`.execute(db())).rows[0]!.n !==
          '0',
      15_000,
    );
    expect((await ask(teacher, `mutation Recall($id: ID!) { recallMessage(id: $id) }`, { id: sent.data.sendMessage.id })).data.recallMessage).toBe(1);
    // The relay stays down until the digest is settled (see the test above): its next attempt finds no line left.
    await until(async () => (await digest()).every((d) => d.state !== 'sending'), 20_000);
    expect(await digest()).toEqual([{ state: 'failed', error: 'nothing left to tell' }]);
    hub.notifications.smtp.faults.down = false;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(
      mailsTo(sophie)
        .slice(before)
        .map((m) => m.subject),
    ).toEqual([]);
  });
});
