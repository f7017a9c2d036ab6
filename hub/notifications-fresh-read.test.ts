import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Student } from '../connectors/directory/model.ts';
import { parisInstant } from '../lib/french-dates.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';
import type { NotificationWorker } from '../workers/notifications/worker.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/** The least time between two polls of a school's kind of data when fresh reads ask (short, for the test). */
const GAP_MS = 3_000;

/**
 * The change detector's early poll (docs/notifications.md, « Fresh reads »): a guardian's read that
 * fetched fresh data from a school's system makes the detector poll that school and kind of data
 * without waiting for its schedule, and not twice within the gap. Nobody calls `worker.detect()`
 * after the baseline: the worker's own fresh-read check does it (enabled for this test only).
 */
describe('notifications after a fresh read', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let worker: NotificationWorker;
  let lea: Student;
  let uai: string;
  const today = '2026-11-24';
  const now = parisInstant(today, 10 * 60);

  const absenceEvents = async () =>
    (
      await sql<{ details: { start: string } }>`SELECT details FROM notification_events WHERE kind = 'absence' AND pupil_id = ${lea.id}`.execute(
        hub.store.store.database.db,
      )
    ).rows.map((r) => r.details.start.slice(0, 16));
  /** When the detector last recorded a poll of this school's kind of data (the database's clock). */
  const lastPoll = async (kind: string) =>
    (
      await hub.store.store.database.db
        .selectFrom('notification_baselines')
        .select('read_at')
        .where('uai', '=', uai)
        .where('kind', '=', kind)
        .executeTakeFirstOrThrow()
    ).read_at.getTime();
  const LEA_ABSENCES = `{ viewer { children { id absences(from: "${today}", to: "${today}") { start } } } }`;
  const readAbsences = async () => {
    const answer = await hubSession(hub).ask('sophie.martin', LEA_ABSENCES);
    expect(answer.errors).toBeUndefined();
    return (answer.data.viewer.children as { id: string; absences: { start: string }[] }[])
      .find((c) => c.id === lea.id)!
      .absences.map((a) => a.start.slice(0, 16));
  };

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-fresh-read-')),
      ...(await testHubOptions()),
      notifications: { clock: () => now, schedule: { tickMs: 0, detect: false, freshReads: true }, config: { freshReadMinGapMs: GAP_MS } },
    });
    worker = hub.notifications.worker;
    const leaId = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    lea = (await hub.academie.directory.people([leaId]))[0] as Student;
    const [school] = await hub.academie.directory.schoolsById([lea.classes[0]!.structureId]);
    uai = school!.uai;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('a guardian’s fresh read makes the detector notice a new absence without waiting for its schedule, and once per gap', async () => {
    // The first poll is still the baseline: nothing is sent for what was there.
    expect([...(await worker.detect()).values()].flat().every((o) => o === 'baseline')).toBe(true);
    const gradesPolled = await lastPoll('grades');
    const standin = hub.vieScolaire.standins.find((s) => s.uai === uai)!;

    standin.edits.absences.push({ id: 'A-FRESH-1', pupilId: lea.id, day: today, from: '08:00', to: '09:00' });
    // Sophie opens her daughter's absences: the subgraph fetches them fresh from the school's system.
    expect(await readAbsences()).toContain(`${today}T08:00`);
    await until(async () => (await absenceEvents()).length === 1, 15_000);
    expect(await absenceEvents()).toEqual([`${today}T08:00`]);
    const earlyPoll = await lastPoll('life-events');
    // Only the kind of data that was read fresh was polled again (no grades were read).
    expect(await lastPoll('grades')).toBe(gradesPolled);

    // A second fresh read right after (another absence, the subgraph's cache emptied): within the gap, no poll.
    standin.edits.absences.push({ id: 'A-FRESH-2', pupilId: lea.id, day: today, from: '14:00', to: '15:00' });
    hub.vieScolaire.cache.invalidate('lifeEvents', uai, lea.id);
    expect(await readAbsences()).toContain(`${today}T14:00`);
    await new Promise((resolve) => setTimeout(resolve, GAP_MS / 3));
    expect(await absenceEvents()).toHaveLength(1);
    expect(await lastPoll('life-events')).toBe(earlyPoll);

    // Once the gap has passed, the read still waiting is polled once: one extra poll per gap at most.
    await until(async () => (await absenceEvents()).length === 2, 15_000);
    expect(await lastPoll('life-events')).toBeGreaterThanOrEqual(earlyPoll + GAP_MS);
    const second = await lastPoll('life-events');
    await new Promise((resolve) => setTimeout(resolve, GAP_MS + 1_000));
    // Nobody read anything since: no poll more.
    expect(await lastPoll('life-events')).toBe(second);
  });
});
