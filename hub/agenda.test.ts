import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { directoryChange } from '../test/helpers/directory-change.ts';
import ical, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Student } from '../connectors/directory/model.ts';
import { parisInstant, parisWallClock, parisWallTimeToIso } from '../lib/french-dates.ts';
import { addDays } from '../lib/iso-days.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/** The shared agenda (issue 16) through the router, over the embedded académie's people and the notifications worker. */
const CREATE = `mutation Create($input: SchoolEventInput!) { createSchoolEvent(input: $input) {
  id title description category startsAt endsAt location canceled editable createdBy { id displayName } audience { uai schoolName kind code } } }`;
const CANCEL = `mutation Cancel($id: ID!) { cancelSchoolEvent(id: $id) { id canceled } }`;
const LIST = `query List($from: String!, $to: String!) { schoolEvents(from: $from, to: $to) { id title canceled editable audience { kind code } } }`;

describe('the shared agenda through the hub', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  let now = new Date();
  let uai: string;
  let collegeId: string;
  const today = parisWallClock(new Date()).day;
  const range = { from: today, to: addDays(today, 30) };
  const personOf = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const loginOf = (personId: string) => hub.logins.find((l) => l.personId === personId)!.login;
  const demo = (description: RegExp) => hub.academie.demo.find((d) => description.test(d.description))!;
  const teacher5 = () => demo(/teacher of .*5EA/);
  const teacher4 = () => demo(/teacher of .*4EA/);
  const principal = () => demo(/^principal, /);
  /** A day from today at a Paris wall time, as ISO 8601 with its offset. */
  const when = (days: number, time: string) => parisWallTimeToIso(addDays(today, days), `${time}:00`);
  const input = (overrides: Record<string, unknown> = {}) => ({
    uai,
    audience: 'CLASS',
    code: '5EA',
    category: 'SORTIE',
    title: 'Sortie au Louvre',
    description: 'Départ à 8 h devant le collège.\nPrévoir un pique-nique.',
    startsAt: when(3, '09:00'),
    endsAt: when(3, '16:00'),
    location: 'Musée du Louvre',
    ...overrides,
  });
  const seen = async (login: string) =>
    ((await ask(login, LIST, range)).data?.schoolEvents ?? []) as { id: string; title: string; canceled: boolean; editable: boolean }[];
  const notified = async (personId: string) => (await hub.notifications.worker.store.notificationsOf(personId, 50)).items.map((n) => n.title);
  let lea: Student;
  let classmates: Student[];

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-agenda-')),
      ...(await testHubOptions()),
      notifications: { clock: () => now, schedule: { tickMs: 0, detect: false } },
    });
    ({ ask } = hubSession(hub));
    lea = (await hub.academie.directory.people([personOf('lea.martin')]))[0] as Student;
    collegeId = lea.classes[0]!.structureId;
    uai = (await hub.academie.directory.schoolsById([collegeId]))[0]!.uai;
    classmates = await hub.academie.directory.studentsOfClass({ structureId: collegeId, code: '5EA' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('a teacher puts a class event in the agenda: its pupils and their legal guardians see it; another class’s family does not', async () => {
    const created = await ask(teacher5().login, CREATE, { input: input() });
    expect(created.errors).toBeUndefined();
    const event = created.data.createSchoolEvent;
    expect(event).toMatchObject({
      title: 'Sortie au Louvre',
      description: 'Départ à 8 h devant le collège.\nPrévoir un pique-nique.',
      category: 'SORTIE',
      startsAt: when(3, '09:00'),
      canceled: false,
      editable: true,
      createdBy: { id: teacher5().id },
      audience: { uai, kind: 'CLASS', code: '5EA', schoolName: expect.any(String) },
    });
    expect(event.createdBy.displayName).not.toBe('');

    for (const login of ['lea.martin', 'sophie.martin', 'thomas.martin', loginOf(classmates.find((p) => p.id !== lea.id)!.id)]) {
      expect(
        (await seen(login)).map((e) => e.id),
        login,
      ).toContain(event.id);
    }
    // Another class's family, a father without legal authority: nothing.
    for (const login of [demo(/separated mother/).login, demo(/separated father/).login]) {
      expect(
        (await seen(login)).map((e) => e.id),
        login,
      ).not.toContain(event.id);
    }
    // The school's teachers and direction see it; only its author and the direction may cancel it.
    expect((await seen(teacher4().login)).find((e) => e.id === event.id)).toMatchObject({ editable: false });
    expect((await seen(principal().login)).find((e) => e.id === event.id)).toMatchObject({ editable: true });
    expect((await seen('lea.martin')).find((e) => e.id === event.id)).toMatchObject({ editable: false });
  });

  it('a teacher may not put an event for a class they do not teach, nor for the whole school; a guardian not at all', async () => {
    const other = await ask(teacher4().login, CREATE, { input: input({ title: 'Pas ma classe' }) });
    expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(other.errors?.[0]?.message).toMatch(/classes and groups you teach/);
    const school = await ask(teacher5().login, CREATE, { input: input({ audience: 'SCHOOL', code: null }) });
    expect(school.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    // A guardian holds no `agenda:write`: the router refuses before the subgraph.
    const guardian = await ask('sophie.martin', CREATE, { input: input({ title: 'Fête' }) });
    expect(guardian.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(guardian.data?.createSchoolEvent ?? null).toBeNull();
    // The direction puts one for the whole school: every family of the school sees it.
    const open = await ask(principal().login, CREATE, {
      input: input({ audience: 'SCHOOL', code: null, category: 'REUNION_PARENTS', title: 'Portes ouvertes' }),
    });
    expect(open.errors).toBeUndefined();
    expect((await seen(demo(/separated mother/).login)).map((e) => e.title)).toContain('Portes ouvertes');
    expect((await seen('lea.martin')).map((e) => e.title)).not.toContain('Pas ma classe');
    expect((await seen('lea.martin')).map((e) => e.title)).not.toContain('Fête');
  });

  it('a « personne en charge » does not see her grandchild’s class events (the perimeter’s default); the legal guardians do; a group’s pupils see their group’s', async () => {
    const emma = (await hub.academie.directory.people([personOf('emma.robert')]))[0] as Student;
    const [school] = await hub.academie.directory.schoolsById([emma.classes[0]!.structureId]);
    const direction = hub.academie.demo.find((d) => d.description === `principal, ${school!.name}`)!;
    const klass = emma.classes[0]!.code;
    const created = await ask(direction.login, CREATE, {
      input: input({ uai: school!.uai, code: klass, title: `Conseil ${klass}`, category: 'CONSEIL_DE_CLASSE' }),
    });
    expect(created.errors).toBeUndefined();
    const { id } = created.data.createSchoolEvent;
    const legal = emma.guardians.filter((l) => l.legal === 1).map((l) => loginOf(l.adultId));
    const inCharge = emma.guardians.filter((l) => l.legal === 2).map((l) => loginOf(l.adultId));
    expect(legal.length).toBeGreaterThan(0);
    expect(inCharge.length).toBeGreaterThan(0);
    for (const login of ['emma.robert', ...legal])
      expect(
        (await seen(login)).map((e) => e.id),
        login,
      ).toContain(id);
    for (const login of inCharge)
      expect(
        (await seen(login)).map((e) => e.id),
        login,
      ).not.toContain(id);

    const [group] = (await hub.academie.directory.schoolsById([collegeId]))[0]!.groups;
    const members = await hub.academie.directory.studentsOfGroup({ structureId: collegeId, code: group! });
    const outsider = classmates.find((p) => !members.some((m) => m.id === p.id));
    const groupEvent = await ask(principal().login, CREATE, { input: input({ audience: 'GROUP', code: group, title: `Groupe ${group}` }) });
    expect(groupEvent.errors).toBeUndefined();
    const member = members.find((m) => hub.logins.some((l) => l.personId === m.id))!;
    expect((await seen(loginOf(member.id))).map((e) => e.title)).toContain(`Groupe ${group}`);
    expect(outsider).toBeDefined();
    expect((await seen(loginOf(outsider!.id))).map((e) => e.title)).not.toContain(`Groupe ${group}`);
  });

  it('refuses bad input with a clear BAD_USER_INPUT', async () => {
    for (const [overrides, message] of [
      [{ title: ' ' }, /title takes 1 to 200/],
      [{ title: 'x'.repeat(201) }, /title takes 1 to 200/],
      [{ description: '<b>Sortie</b>' }, /plain text/],
      [{ description: 'x'.repeat(2001) }, /at most 2000/],
      [{ title: 'Sortie\u202Eevil' }, /not text/],
      [{ startsAt: addDays(today, 3) }, /date-time with its offset/],
      [{ startsAt: `${addDays(today, 3)}T09:00:00` }, /date-time with its offset/],
      [{ endsAt: when(3, '08:00') }, /end after it starts/],
      [{ endsAt: when(20, '08:00') }, /at most 14 days/],
      [{ code: '9ZZ' }, /has no class 9ZZ/],
      [{ code: null }, /names its class code/],
      [{ code: 'x'.repeat(1000) }, /No class or group has this code/],
      [{ uai: 'not-a-uai' }, /must be a UAI/],
    ] as const) {
      const answer = await ask(teacher5().login, CREATE, { input: input(overrides) });
      expect(answer.errors?.[0]?.extensions?.code, JSON.stringify(overrides)).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    const tooLong = await ask('lea.martin', LIST, { from: today, to: addDays(today, 62) });
    expect(tooLong.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/at most 62 days/) });
    expect((await ask('lea.martin', LIST, { from: today, to: addDays(today, 61) })).errors).toBeUndefined();
  });

  it('only its author or the school’s direction cancels an event', async () => {
    const { id } = (await ask(teacher5().login, CREATE, { input: input({ title: 'Examen blanc', category: 'EXAMEN_BLANC' }) })).data.createSchoolEvent;
    // Another teacher of the school is refused by the subgraph; a guardian by the router (no `agenda:write`).
    const other = await ask(teacher4().login, CANCEL, { id });
    expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/author or the school’s direction/) });
    expect((await ask('sophie.martin', CANCEL, { id })).errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect((await seen('lea.martin')).find((e) => e.id === id)).toMatchObject({ canceled: false });
    const canceled = await ask(principal().login, CANCEL, { id });
    expect(canceled.errors).toBeUndefined();
    expect(canceled.data.cancelSchoolEvent).toEqual({ id, canceled: true });
    expect((await seen('lea.martin')).find((e) => e.id === id)).toMatchObject({ canceled: true });
  });

  it('reaches the families as notifications after a pass of the worker, the cancellation too; not another class’s', async () => {
    const { id } = (await ask(teacher5().login, CREATE, { input: input({ title: 'Réunion 5EA', category: 'REUNION_PARENTS' }) })).data.createSchoolEvent;
    await hub.notifications.worker.tick();
    expect(await notified(lea.id)).toContain('Agenda : Réunion 5EA');
    expect(await notified(personOf('sophie.martin'))).toContain('Agenda : Réunion 5EA');
    expect(await notified(personOf('thomas.martin'))).toContain('Agenda : Réunion 5EA');
    expect(await notified(demo(/separated mother/).id)).not.toContain('Agenda : Réunion 5EA');
    expect(await notified(demo(/separated father/).id)).not.toContain('Agenda : Réunion 5EA');
    expect(await ask(teacher5().login, CANCEL, { id })).toMatchObject({ data: { cancelSchoolEvent: { id, canceled: true } } });
    // Canceling twice tells nobody twice.
    await ask(teacher5().login, CANCEL, { id });
    await hub.notifications.worker.tick();
    expect((await notified(personOf('sophie.martin'))).filter((t) => t === 'Annulé : Réunion 5EA')).toHaveLength(1);
  });

  it('saves an event and its announcement together: when the announcement cannot be recorded, neither is (and a cancellation likewise)', async () => {
    const db = hub.store.store.database.db;
    const { id } = (await ask(principal().login, CREATE, { input: input({ title: 'Carnaval' }) })).data.createSchoolEvent;
    // The notifications' table refuses every new row for a moment (a full disk, a lost connection).
    await sql`CREATE FUNCTION refuse_notification_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no room'; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_notification_event BEFORE INSERT ON notification_events FOR EACH ROW EXECUTE FUNCTION refuse_notification_event()`.execute(
      db,
    );
    try {
      const created = await ask(principal().login, CREATE, { input: input({ title: 'Kermesse' }) });
      expect(created.errors?.[0]).toBeDefined();
      const canceled = await ask(principal().login, CANCEL, { id });
      expect(canceled.errors?.[0]).toBeDefined();
    } finally {
      await sql`DROP TRIGGER refuse_notification_event ON notification_events`.execute(db);
      await sql`DROP FUNCTION refuse_notification_event()`.execute(db);
    }
    // Nobody sees an event nobody was told of, nor a cancellation nobody hears of.
    const titles = (await seen('lea.martin')).filter((e) => e.title === 'Kermesse' || e.id === id);
    expect(titles).toEqual([expect.objectContaining({ id, title: 'Carnaval', canceled: false })]);
    // Once the store is back, the cancellation goes through and is told.
    expect((await ask(principal().login, CANCEL, { id })).data.cancelSchoolEvent).toEqual({ id, canceled: true });
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM notification_events WHERE dedup_key = ${`school-event-canceled|${id}`}`.execute(db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('reminds the families the day before, once', async () => {
    const { id } = (
      await ask(teacher5().login, CREATE, {
        input: input({ title: 'Conseil de classe', category: 'CONSEIL_DE_CLASSE', startsAt: when(5, '17:00'), endsAt: when(5, '19:00') }),
      })
    ).data.createSchoolEvent;
    expect(id).toBeDefined();
    const reminders = async () => (await notified(personOf('sophie.martin'))).filter((t) => t === 'Rappel : Conseil de classe');
    // Two days before: not yet.
    now = parisInstant(addDays(today, 3), 10 * 60);
    await hub.notifications.worker.tick();
    expect(await reminders()).toHaveLength(0);
    now = parisInstant(addDays(today, 4), 8 * 60);
    await hub.notifications.worker.tick();
    expect(await reminders()).toHaveLength(1);
    expect(await notified(lea.id)).toContain('Rappel : Conseil de classe');
    now = parisInstant(addDays(today, 4), 18 * 60);
    await hub.notifications.worker.tick();
    expect(await reminders()).toHaveLength(1);
  });

  it('holds the per-person quota of events a day (QUOTA_EXCEEDED, naming it)', async () => {
    const cpe = demo(/^CPE, /);
    // Events already over, for a class no other test reads: news to nobody.
    const past = { code: '3EA', startsAt: when(-10, '09:00'), endsAt: when(-10, '10:00') };
    for (let i = 0; i < 50; i++)
      expect((await ask(cpe.login, CREATE, { input: input({ ...past, title: `Quota ${i}` }) })).errors, `event ${i}`).toBeUndefined();
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM notification_events WHERE details->>'title' LIKE 'Quota %'`.execute(
      hub.store.store.database.db,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const refused = await ask(cpe.login, CREATE, { input: input({ ...past, title: 'Une de trop' }) });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'QUOTA_EXCEEDED', quota: 'schoolEventsPerDay', limit: 50 } });
  });

  it('the calendar feed of a pupil holds the school events of her audiences, canceled ones CANCELLED', async () => {
    const { id: tripId } = (await ask(teacher5().login, CREATE, { input: input({ title: 'Sortie théâtre' }) })).data.createSchoolEvent;
    const { id: gone } = (
      await ask(teacher5().login, CREATE, { input: input({ title: 'Sortie annulée', startsAt: when(6, '09:00'), endsAt: when(6, '12:00') }) })
    ).data.createSchoolEvent;
    await ask(teacher5().login, CANCEL, { id: gone });
    const { id: elsewhere } = (await ask(teacher4().login, CREATE, { input: input({ code: '4EA', title: 'Sortie 4EA' }) })).data.createSchoolEvent;
    const feed = await ask('sophie.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { url } }', { p: lea.id });
    expect(feed.errors).toBeUndefined();
    const text = await (await fetch(feed.data.createCalendarFeed.url)).text();
    const events = Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
    const byUid = (id: string) => events.find((e) => e.uid === `school-event-${id}@ent-hub`);
    expect(byUid(tripId)).toMatchObject({ summary: 'Sortie théâtre', location: 'Musée du Louvre', status: 'CONFIRMED' });
    expect(byUid(tripId)!.start.toISOString()).toBe(new Date(when(3, '09:00')).toISOString());
    expect(byUid(gone)).toMatchObject({ status: 'CANCELLED' });
    expect(byUid(elsewhere)).toBeUndefined();
  });

  it('an author who left the school no longer cancels its events (the direction still does)', async () => {
    const author = teacher4();
    const { id } = (await ask(author.login, CREATE, { input: input({ code: '4EA', title: 'Conseil de classe' }) })).data.createSchoolEvent;
    // The académie's next export no longer attaches the teacher to the school.
    await directoryChange(hub.answerChanges, () =>
      sql`UPDATE directory_entries SET attributes = attributes - 'ENTPersonStructRattach' - 'ENTPersonFonctions' WHERE id = ${personOf(author.login)}`.execute(
        hub.store.store.database.db,
      ),
    );
    const refused = await ask(author.login, CANCEL, { id });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await ask(principal().login, CANCEL, { id })).data.cancelSchoolEvent).toEqual({ id, canceled: true });
  });
});
