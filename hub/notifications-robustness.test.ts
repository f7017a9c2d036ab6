import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Guardian, Student } from '../connectors/directory/model.ts';
import { parisInstant } from '../lib/french-dates.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';
import type { NotificationWorker } from '../workers/notifications/worker.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/**
 * What the notifications must survive (issue 16, after review): people the school cannot reach by
 * design (a pupil has no e-mail), an event whose fan-out always fails, a database failure right
 * after a digest left, and an SMS gateway whose replies carry what must not be kept.
 */
describe('notifications: what goes wrong', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let worker: NotificationWorker;
  let now = parisInstant('2026-11-24', 10 * 60); // a Tuesday, 10:00 in Paris
  const at = (day: string, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    now = parisInstant(day, h! * 60 + m!);
  };
  const db = () => hub.store.store.database.db;
  const person = async (login: string) => (await hub.academie.directory.people([hub.logins.find((l) => l.login === login)!.personId]))[0]!;
  const mailsTo = (someone: { email?: string }) => hub.notifications.smtp.mails.filter((m) => m.to.includes(someone.email!));
  let lea: Student, emma: Student, sophie: Guardian, thomas: Guardian;
  let uai: string;

  /** A gateway that lies: its refusals quote our key, the recipient's number and an address. */
  const GATEWAY_KEY = `k3y-${randomUUID().replaceAll('-', '')}`;
  const LEAKED_NUMBER = '+33 6 12 34 56 78';
  let gateway: Server;
  let gatewayCalls = 0;
  const lyingReply = () =>
    JSON.stringify({
      error: 'bad_request',
      message: `auth=${GATEWAY_KEY} refused for ${LEAKED_NUMBER} (0612345678, owner sophie.martin@example.fr) ${'x'.repeat(5_000)}`,
    });

  let recorded = 0;
  const record = async (kind: string, pupil: Student, details: Record<string, unknown>) => {
    await worker.store.recordEvent({ kind, uai, pupilId: pupil.id, key: `test|${kind}|${++recorded}`, details }, now);
    const { rows } = await sql<{ id: string }>`SELECT id FROM notification_events WHERE dedup_key = ${`test|${kind}|${recorded}`}`.execute(db());
    return rows[0]!.id;
  };

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      gatewayCalls++;
      req.resume();
      // The first calls: « try later »; then a final refusal. Both quote what must not be kept.
      res.writeHead(gatewayCalls <= 2 ? 503 : 400, { 'content-type': 'application/json' }).end(lyingReply());
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-notifications-robustness-')),
      ...(await testHubOptions()),
      notifications: {
        clock: () => now,
        schedule: { tickMs: 0, detect: false },
        config: {
          retry: { limit: 4, delaySeconds: 1 },
          fanOut: { attempts: 2, delaySeconds: 60 },
          sms: { endpoint: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`, apiKey: GATEWAY_KEY, sender: 'ENT' },
        },
        jobPollingSeconds: 0.5,
      },
    });
    worker = hub.notifications.worker;
    [lea, emma] = (await Promise.all(['lea.martin', 'emma.robert'].map(person))) as Student[] as [Student, Student];
    sophie = (await person('sophie.martin')) as Guardian;
    thomas = (await hub.academie.directory.guardiansOf(lea.id)).map((g) => g.guardian!).find((g) => g.firstName === 'Thomas')!;
    uai = (await hub.academie.directory.schoolsById([lea.classes[0]!.structureId]))[0]!.uai;
  });
  afterAll(async () => {
    await hub?.stop();
    await new Promise((resolve) => gateway?.close(resolve));
  });

  it('contact problems are what the school can act on: a guardian without an address, never a pupil who has none by design', async () => {
    expect(lea.email).toBeFalsy();
    // Thomas's address is gone from the school's records: his e-mail (a punishment: at once, by default) cannot leave.
    await sql`UPDATE directory_entries SET attributes = attributes - 'mail' WHERE id = ${thomas.id}`.execute(db());
    const event = await record('punishment', lea, { title: 'Retenue', date: '2026-11-24' });
    await worker.tick();
    await until(async () => mailsTo(sophie).some((m) => m.subject === 'Punition pour Léa'), 15_000);
    await until(async () => (await worker.store.deliveriesOf(event)).every((d) => d.state !== 'queued' && d.state !== 'sending'), 15_000);
    // Léa sees it in the app; no e-mail was planned for her, so nothing failed.
    expect((await worker.store.notificationsOf(lea.id, 10)).items.map((n) => n.title)).toContain('Punition');
    expect((await worker.store.deliveriesOf(event)).filter((d) => d.person_id === lea.id)).toEqual([]);
    const { ask } = hubSession(hub);
    const [college] = await hub.academie.directory.schoolsById([lea.classes[0]!.structureId]);
    const login = hub.academie.demo.find((d) => d.description === `principal, ${college!.name}`)!.login;
    const problems: { person: { id: string }; channel: string; problem: string }[] = (
      await ask(login, `{ contactProblems { person { id } uai channel problem } }`)
    ).data.contactProblems;
    expect(problems).toContainEqual(expect.objectContaining({ person: { id: thomas.id }, channel: 'email' }));
    expect(problems.filter((p) => p.person.id === lea.id)).toEqual([]);
  });

  it('an event whose fan-out always fails is set aside after its attempts; the events behind it still reach their people', async () => {
    at('2026-11-24', '11:00');
    const original = worker.store.preferencesOf.bind(worker.store);
    const spy = vi.spyOn(worker.store, 'preferencesOf').mockImplementation(async (ids) => {
      if (ids.includes(emma.id)) throw new Error(`directory said: no such person, call 06 12 34 56 78 or write to x@example.fr ${'y'.repeat(2_000)}`);
      return original(ids);
    });
    try {
      const poison = await record('punishment', emma, { title: 'Exclusion', date: '2026-11-24' });
      at('2026-11-24', '11:01');
      const behind = await record('punishment', lea, { title: 'Devoir supplémentaire', date: '2026-11-24' });
      await worker.tick();
      expect((await worker.store.notificationsOf(sophie.id, 50)).items.map((n) => n.body)).toContainEqual(expect.stringContaining('Devoir supplémentaire'));
      expect((await worker.store.deliveriesOf(behind)).length).toBeGreaterThan(0);
      // Tried again later (backoff), then set aside for good: failed, with a short reason that keeps nothing personal.
      at('2026-11-24', '11:10');
      await worker.tick();
      const { rows } = await sql<{
        fanned_out_at: Date | null;
        fan_out_failed_at: Date | null;
        fan_out_attempts: number;
        fan_out_error: string | null;
      }>`SELECT fanned_out_at, fan_out_failed_at, fan_out_attempts, fan_out_error FROM notification_events WHERE id = ${poison}`.execute(db());
      expect(rows[0]).toMatchObject({ fanned_out_at: null, fan_out_attempts: 2 });
      expect(rows[0]!.fan_out_failed_at).not.toBeNull();
      expect(rows[0]!.fan_out_error!.length).toBeLessThanOrEqual(300);
      expect(rows[0]!.fan_out_error).toMatch(/no such person/);
      expect(rows[0]!.fan_out_error).not.toMatch(/12 34 56 78|x@example\.fr/);
      at('2026-11-24', '12:00');
      await worker.tick();
      expect(spy.mock.calls.filter(([ids]) => ids.includes(emma.id))).toHaveLength(2);
      const metrics = await (await fetch(hub.vieScolaire.metricsUrl!)).text();
      expect(metrics).toMatch(/^hub_notification_events_set_aside_total\{kind="punishment"\} 1$/m);
    } finally {
      spy.mockRestore();
    }
  });

  it('a database failure right after a digest left does not send it again', async () => {
    at('2026-11-24', '14:00');
    await record('grade', lea, { subject: 'MATHÉMATIQUES', value: '15', outOf: '20', date: '2026-11-24' });
    await worker.tick();
    const before = mailsTo(sophie).length;
    const original = worker.store.settleDigest.bind(worker.store);
    let failed = 0;
    const spy = vi.spyOn(worker.store, 'settleDigest').mockImplementation(async (id, outcome) => {
      if (outcome.sent && failed++ === 0) throw new Error('Connection terminated unexpectedly');
      return original(id, outcome);
    });
    try {
      at('2026-11-24', '18:01');
      await worker.tick();
      await until(
        async () =>
          mailsTo(sophie)
            .slice(before)
            .some((m) => m.subject.startsWith('Votre journée')),
        15_000,
      );
      await until(
        async () =>
          (
            await sql<{ state: string }>`SELECT state FROM notification_digests WHERE frequency = 'daily' AND person_id = ${sophie.id}`.execute(db())
          ).rows.every((r) => r.state === 'sent'),
        15_000,
      );
      // Every attempt the job queue makes at it is over (retries included, 1 s apart here).
      const pending = sql<{ n: string }>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'notification-digest' AND state IN ('created', 'retry', 'active')`;
      await until(async () => Number((await pending.execute(db())).rows[0]!.n) === 0, 15_000);
      const digests = mailsTo(sophie)
        .slice(before)
        .filter((m) => m.subject.startsWith('Votre journée'));
      expect(failed).toBeGreaterThan(0);
      expect(digests).toHaveLength(1);
      const { rows } = await sql<{ id: string }>`SELECT d.id FROM notification_digests d WHERE d.person_id = ${sophie.id} AND d.frequency = 'daily'`.execute(
        db(),
      );
      expect(digests[0]!.messageId).toBe(`<${rows[0]!.id}@hub>`);
    } finally {
      spy.mockRestore();
    }
  });

  it('a digest whose sending cannot be recorded for long goes again only once that attempt is stale, under the same Message-ID', async () => {
    at('2026-11-25', '14:00');
    await record('grade', lea, { subject: 'HISTOIRE', value: '12', outOf: '20', date: '2026-11-25' });
    await worker.tick();
    const digestsToSophie = () => mailsTo(sophie).filter((m) => m.subject.startsWith('Votre journée') && m.text.includes('HISTOIRE'));
    const original = worker.store.settleDigest.bind(worker.store);
    let databaseDown = true;
    const spy = vi.spyOn(worker.store, 'settleDigest').mockImplementation(async (id, outcome) => {
      if (outcome.sent && databaseDown) throw new Error('Connection terminated unexpectedly');
      return original(id, outcome);
    });
    const retries = sql<{ n: number }>`SELECT max(retry_count) AS n FROM pgboss.job WHERE name = 'notification-digest' AND data->>'digestId' IN (
      SELECT id::text FROM notification_digests WHERE person_id = ${sophie.id} AND period = '2026-11-25')`;
    try {
      at('2026-11-25', '18:01');
      await worker.tick();
      await until(async () => digestsToSophie().length === 1, 15_000);
      // The job fails (the database is down), and its retries find the attempt's claim: they send nothing.
      await until(async () => Number((await retries.execute(db())).rows[0]?.n ?? 0) >= 2, 15_000);
      expect(digestsToSophie()).toHaveLength(1);
      // The database is back; ten minutes later the claim is stale: the next retry sends it again, the same mail.
      databaseDown = false;
      at('2026-11-25', '18:12');
      await until(
        async () =>
          (await sql<{ state: string }>`SELECT state FROM notification_digests WHERE person_id = ${sophie.id} AND period = '2026-11-25'`.execute(db())).rows[0]
            ?.state === 'sent',
        20_000,
      );
      const sent = digestsToSophie();
      expect(sent).toHaveLength(2);
      expect(sent[1]!.messageId).toBe(sent[0]!.messageId);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps no gateway key, phone number or address from a lying gateway’s replies, and keeps them short', async () => {
    at('2026-11-25', '10:00');
    const event = await record('absence', lea, { start: '2026-11-25T08:00:00+01:00', end: '2026-11-25T10:00:00+01:00' });
    await worker.tick();
    await until(async () => (await worker.store.deliveriesOf(event)).some((d) => d.channel === 'sms' && d.state === 'failed'), 20_000);
    expect(gatewayCalls).toBeGreaterThanOrEqual(3);
    const errors = (await worker.store.deliveriesOf(event)).filter((d) => d.channel === 'sms').map((d) => d.error ?? '');
    const { rows } = await sql<{ output: unknown }>`SELECT output FROM pgboss.job WHERE name = 'notification-delivery' AND output IS NOT NULL`.execute(db());
    const kept = [...errors, ...rows.map((r) => JSON.stringify(r.output))];
    expect(kept.some((e) => e.includes('SMS gateway'))).toBe(true);
    for (const text of kept) {
      expect(text).not.toContain(GATEWAY_KEY);
      expect(text).not.toMatch(/12 ?34 ?56 ?78|sophie\.martin@example\.fr/);
      expect(text.length).toBeLessThanOrEqual(400);
    }
  });
});
