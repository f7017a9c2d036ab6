import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisInstant } from '../../lib/french-dates.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import type { HubDatabase } from '../database.ts';
import { QuotaExceededError } from '../quota.ts';
import { MAX_LISTED_EVENTS, PostgresAgendaStore, type NewSchoolEvent, type SchoolEvent } from './postgres-store.ts';

let database: HubDatabase;
let store: PostgresAgendaStore;
beforeAll(async () => {
  // Enough connections for several instances claiming at once.
  database = await openTestDatabase({ poolMax: 12 });
  store = new PostgresAgendaStore(database);
});
afterAll(() => database?.close());

const at = (day: string, hhmm: string) => parisInstant(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
let made = 0;
const event = (overrides: Partial<NewSchoolEvent> = {}): NewSchoolEvent => ({
  uai: '0750001A',
  audience: { kind: 'class', code: '5A' },
  category: 'SORTIE',
  title: `Sortie ${++made}`,
  description: '',
  location: null,
  startsAt: at('2026-12-03', '09:00'),
  endsAt: at('2026-12-03', '12:00'),
  createdBy: { id: 'teacher-1', name: 'Anne PROF' },
  ...overrides,
});
const create = (overrides: Partial<NewSchoolEvent> = {}) => store.create(event(overrides), { perDay: 1_000 });
const titles = (events: SchoolEvent[]) => events.map((e) => e.title);
const december = { from: at('2026-12-01', '00:00'), to: at('2027-01-01', '00:00') };

describe('the shared agenda in PostgreSQL', () => {
  it('creates, gets and cancels an event; an id the store never gave is no event (and no SQL error)', async () => {
    const created = await create({ title: 'Conseil de classe', location: 'Salle 12' });
    expect(created).toMatchObject({ title: 'Conseil de classe', location: 'Salle 12', audience: { kind: 'class', code: '5A' }, canceledAt: null });
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.get('not-an-id')).toBeUndefined();
    const first = await store.cancel(created.id);
    expect(first?.canceled).toBe(true);
    expect(first?.event.canceledAt).toBeInstanceOf(Date);
    // Canceled once: a second call changes nothing and says so.
    const second = await store.cancel(created.id);
    expect(second).toMatchObject({ canceled: false, event: { id: created.id, canceledAt: first!.event.canceledAt } });
    expect(await store.cancel('not-an-id')).toBeUndefined();
  });

  it('lists by audience: a pupil sees the school’s own events and their class’s and group’s, staff all of the school’s; never another school’s', async () => {
    const uai = '0750002B';
    await create({ uai, title: 'Portes ouvertes', audience: { kind: 'school', code: null } });
    await create({ uai, title: 'Sortie 5A', audience: { kind: 'class', code: '5A' } });
    await create({ uai, title: 'Sortie 5B', audience: { kind: 'class', code: '5B' } });
    await create({ uai, title: 'Latin', audience: { kind: 'group', code: 'LATIN' } });
    await create({ uai: '0750003C', title: 'Ailleurs', audience: { kind: 'school', code: null } });
    const pupil = await store.list([{ uai, all: false, classes: ['5A'], groups: ['LATIN'] }], december);
    expect(titles(pupil).sort()).toEqual(['Latin', 'Portes ouvertes', 'Sortie 5A']);
    const staff = await store.list([{ uai, all: true, classes: [], groups: [] }], december);
    expect(titles(staff).sort()).toEqual(['Latin', 'Portes ouvertes', 'Sortie 5A', 'Sortie 5B']);
    // A class code of another school names nothing here.
    expect(titles(await store.list([{ uai: '0750003C', all: false, classes: ['5A'], groups: [] }], december))).toEqual(['Ailleurs']);
    expect(await store.list([], december)).toEqual([]);
  });

  it('lists the events overlapping the range, by start, bounded', async () => {
    const uai = '0750004D';
    await create({ uai, title: 'Avant', startsAt: at('2026-11-28', '09:00'), endsAt: at('2026-11-28', '10:00') });
    await create({ uai, title: 'À cheval', startsAt: at('2026-11-30', '09:00'), endsAt: at('2026-12-02', '17:00') });
    await create({ uai, title: 'Dedans', startsAt: at('2026-12-10', '09:00'), endsAt: at('2026-12-10', '10:00') });
    await create({ uai, title: 'Après', startsAt: at('2027-01-01', '00:00'), endsAt: at('2027-01-01', '10:00') });
    const audience = [{ uai, all: true, classes: [], groups: [] }];
    expect(titles(await store.list(audience, december))).toEqual(['À cheval', 'Dedans']);
    expect(titles(await store.list(audience, december, 1))).toEqual(['À cheval']);
    expect((await store.list(audience, december, 100_000)).length).toBeLessThanOrEqual(MAX_LISTED_EVENTS);
  });

  it('never returns more than 500 events, however many match', async () => {
    const uai = '0750005E';
    await database.db
      .insertInto('school_events')
      .values(
        Array.from({ length: MAX_LISTED_EVENTS + 20 }, (_, i) => ({
          id: crypto.randomUUID(),
          uai,
          audience_kind: 'school' as const,
          audience_code: null,
          subject_code: null,
          category: 'AUTRE',
          title: `E${i}`,
          description: '',
          location: null,
          starts_at: at('2026-12-05', '08:00'),
          ends_at: at('2026-12-05', '09:00'),
          created_by: 'bulk',
          created_by_name: 'Bulk',
        })),
      )
      .execute();
    expect(await store.list([{ uai, all: true, classes: [], groups: [] }], december, 10_000)).toHaveLength(MAX_LISTED_EVENTS);
  });

  it('holds the per-person quota of creations in 24 hours, even asked all at once', async () => {
    const author = { id: 'busy-teacher', name: 'Busy' };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.create(event({ createdBy: author }), { perDay: 5 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.reason instanceof QuotaExceededError && r.reason.quota === 'schoolEventsPerDay')).toBe(true);
    // Another person is not counted against it.
    await expect(store.create(event({ createdBy: { id: 'other-teacher', name: 'Other' } }), { perDay: 5 })).resolves.toBeDefined();
  });

  it('claims tomorrow’s events for a reminder once, whatever the number of instances; not canceled ones, nor ones created since', async () => {
    const uai = '0750006F';
    const tomorrow = { from: at('2026-12-08', '00:00'), to: at('2026-12-09', '00:00') };
    const created = await Promise.all(
      ['08:00', '10:00', '14:00', '23:30'].map((time) =>
        create({ uai, title: `Demain ${time}`, startsAt: at('2026-12-08', time), endsAt: at('2026-12-08', '23:59') }),
      ),
    );
    await create({ uai, title: 'Après-demain', startsAt: at('2026-12-09', '00:00'), endsAt: at('2026-12-09', '01:00') });
    const canceled = await create({ uai, title: 'Annulé', startsAt: at('2026-12-08', '09:00'), endsAt: at('2026-12-08', '10:00') });
    await store.cancel(canceled.id);
    const reminded: string[] = [];
    const claim = (createdBefore: Date) =>
      store.claimReminders({ ...tomorrow, createdBefore }, 2, async (events) => {
        // Slow enough for the instances' claims to overlap.
        await new Promise((resolve) => setTimeout(resolve, 50));
        reminded.push(...events.filter((e) => e.uai === uai).map((e) => e.title));
      });
    // Events created after `createdBefore` (announced today) are left alone.
    expect(await claim(new Date(Date.now() - 3_600_000))).toBe(0);
    const later = new Date(Date.now() + 60_000);
    const counts = await Promise.all(Array.from({ length: 4 }, () => claim(later)));
    counts.push(await claim(later), await claim(later));
    expect(reminded.sort()).toEqual(created.map((e) => e.title).sort());
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect((await store.get(created[0]!.id))?.remindedAt).toBeInstanceOf(Date);
    expect(await claim(later)).toBe(0);
  });

  it('a reminder that fails to record leaves the events for the next pass', async () => {
    const uai = '0750007G';
    const day = { from: at('2026-12-15', '00:00'), to: at('2026-12-16', '00:00'), createdBefore: new Date(Date.now() + 60_000) };
    const e = await create({ uai, startsAt: at('2026-12-15', '10:00'), endsAt: at('2026-12-15', '11:00') });
    await expect(
      store.claimReminders(day, 10, async () => {
        throw new Error('the notifications store is down');
      }),
    ).rejects.toThrow('down');
    expect((await store.get(e.id))?.remindedAt).toBeNull();
    const again: string[] = [];
    expect(await store.claimReminders(day, 10, async (events) => void again.push(...events.map((x) => x.id)))).toBe(1);
    expect(again).toEqual([e.id]);
  });
});
