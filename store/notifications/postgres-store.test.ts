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
    );
    expect(done).toBe(2);
    expect(await count('notifications', planned.get('school-event')!)).toBe(people.length);
    expect(await count('notification_deliveries', planned.get('school-event')!)).toBe(people.length);
    expect(await count('notifications', planned.get('absence')!)).toBe(1);
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
