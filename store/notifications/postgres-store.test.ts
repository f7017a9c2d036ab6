import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { encodeKeysetCursor } from '../keyset-cursor.ts';
import type { HubDatabase } from '../database.ts';
import { InvalidNotificationCursorError, PostgresNotificationStore, type NewDelivery, type NewNotification } from './postgres-store.ts';

let database: HubDatabase;
let store: PostgresNotificationStore;
beforeAll(async () => {
  database = await openTestDatabase();
  store = new PostgresNotificationStore(database);
});
afterAll(() => database?.close());

const POLICY = { attempts: 3, retryDelayMs: 60_000, reasonOf: (error: unknown) => String((error as Error).message) };
const count = async (table: 'notifications' | 'notification_deliveries', eventId: string) =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE event_id = ${eventId}`.execute(database.db)).rows[0]!.n);

describe('the notifications store in PostgreSQL', () => {
  it('fans an event out to a whole large school (its pupils and their guardians): every one is told, and the other events are not held up', async () => {
    const at = new Date('2026-11-24T09:00:00Z');
    // A lycée of 3,000 pupils with two guardians each: 9,000 people for one « whole school » event.
    const people = Array.from({ length: 9_000 }, () => randomUUID());
    await store.recordEvent(
      { kind: 'school-event', uai: '0750001A', pupilId: null, key: `school-event|${randomUUID()}`, details: { title: 'Portes ouvertes' } },
      at,
    );
    await store.recordEvent({ kind: 'absence', uai: '0750001A', pupilId: 'pupil-1', key: `absence|${randomUUID()}`, details: {} }, new Date(at.getTime() + 1));
    const planned = new Map<string, string>();
    const done = await store.fanOut(
      10,
      at,
      async (event) => {
        planned.set(event.kind, event.id);
        const told = event.kind === 'school-event' ? people : ['guardian-1'];
        const notifications: NewNotification[] = told.map((personId) => ({
          personId,
          category: 'SCHOOL_EVENT',
          childId: null,
          title: 'Agenda : Portes ouvertes',
          body: 'Portes ouvertes, le 28/11 à 09:00.',
          link: '/agenda',
        }));
        const deliveries: NewDelivery[] = told.map((personId) => ({ personId, channel: 'email', frequency: 'weekly', dueAt: at }));
        return { notifications, deliveries };
      },
      async () => {},
      POLICY,
    );
    expect(done).toBe(2);
    expect(await count('notifications', planned.get('school-event')!)).toBe(people.length);
    expect(await count('notification_deliveries', planned.get('school-event')!)).toBe(people.length);
    expect(await count('notifications', planned.get('absence')!)).toBe(1);
  });

  it('an event the database refuses to record is undone alone, retried later, then set aside; the events behind it are recorded', async () => {
    const uai = `0${randomBytes(3).toString('hex').slice(0, 6)}P`;
    const at = new Date('2030-01-07T09:00:00Z');
    await store.recordEvent({ kind: 'grade', uai, pupilId: 'poison', key: `grade|${randomUUID()}`, details: {} }, at);
    await store.recordEvent({ kind: 'grade', uai, pupilId: 'fine', key: `grade|${randomUUID()}`, details: {} }, new Date(at.getTime() + 1));
    const notice = (personId: string, title: string | null): NewNotification =>
      // A NOT NULL column given null: the database refuses the row (a poison event's data).
      ({ personId, category: 'GRADE', childId: null, title: title as string, body: 'Note', link: null });
    const planned: string[] = [];
    const setAside: string[] = [];
    const pass = (when: Date) =>
      store.fanOut(
        50,
        when,
        async (event) => {
          if (event.uai !== uai) return { notifications: [], deliveries: [] };
          planned.push(event.pupilId!);
          return { notifications: [notice(`guardian-of-${event.pupilId}`, event.pupilId === 'poison' ? null : 'Nouvelle note')], deliveries: [] };
        },
        async () => {},
        { ...POLICY, onSetAside: (event, reason) => setAside.push(`${event.pupilId}: ${reason}`) },
      );
    await pass(at);
    expect((await store.notificationsOf('guardian-of-fine', 5)).items.map((n) => n.title)).toEqual(['Nouvelle note']);
    expect(planned).toEqual(['poison', 'fine']);
    // Before its backoff is over, it is not tried; after, it is, and after three attempts it is set aside.
    await pass(new Date(at.getTime() + 30_000));
    expect(planned).toEqual(['poison', 'fine']);
    await pass(new Date(at.getTime() + 61_000));
    await pass(new Date(at.getTime() + 200_000));
    expect(planned).toEqual(['poison', 'fine', 'poison', 'poison']);
    expect(setAside).toEqual([expect.stringMatching(/^poison: .*null value/)]);
    await pass(new Date(at.getTime() + 10_000_000));
    expect(planned).toHaveLength(4);
    const { rows } = await sql<{ fan_out_attempts: number; failed: boolean }>`
      SELECT fan_out_attempts, fan_out_failed_at IS NOT NULL AS failed FROM notification_events WHERE uai = ${uai} AND pupil_id = 'poison'`.execute(
      database.db,
    );
    expect(rows).toEqual([{ fan_out_attempts: 3, failed: true }]);
  });

  it('records once an event keyed by an upstream id of thousands of characters (no bound on what a school system sends)', async () => {
    const key = `absence|0750001A|pupil-1|absence:${randomBytes(6_000).toString('base64url')}`;
    const event = { kind: 'absence', uai: '0750001A', pupilId: 'pupil-1', key, details: {} };
    expect(await store.recordEvent(event)).toBe(true);
    expect(await store.recordEvent(event)).toBe(false);
    expect(await store.recordEvent({ ...event, key: `${key}-corrected` })).toBe(true);
  });

  it('refuses a forged cursor whose date PostgreSQL cannot hold as one the list never gave (not a database error)', async () => {
    const forged = (at: Date) => encodeKeysetCursor(at, randomUUID());
    for (const at of [new Date(-8.64e15), new Date('-004714-01-01T00:00:00.000Z')]) {
      await expect(store.notificationsOf('someone-never-told', 5, forged(at))).rejects.toBeInstanceOf(InvalidNotificationCursorError);
    }
    expect((await store.notificationsOf('someone-never-told', 5, forged(new Date('2026-11-24T09:00:00.000Z')))).items).toEqual([]);
  });
});
