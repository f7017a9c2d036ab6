import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Guardian, Student } from '../connectors/directory/model.ts';
import { mobileNumberE164 } from '../connectors/sms/phone-number.ts';
import { parisInstant } from '../lib/french-dates.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { until } from '../test/helpers/until.ts';
import type { NotificationWorker } from '../workers/notifications/worker.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/**
 * A school's vie scolaire system is an upstream the hub does not control: what it answers may be
 * text the database cannot keep as is (a NUL character, an id of thousands of characters). Its
 * families still hear of its other news, and no other school's families lose theirs.
 */
describe('notifications from a school system answering what the database cannot keep', { timeout: 120_000 }, () => {
  let hub: EmbeddedHub;
  let worker: NotificationWorker;
  const now = parisInstant('2026-11-24', 10 * 60); // a Tuesday, 10:00 in Paris

  const smsTo = (guardian: Guardian) => {
    const number = mobileNumberE164(guardian.mobilePhone);
    return [...hub.notifications.smsGateway.messages.values()].filter((m) => number.ok && m.to === number.e164);
  };
  /** A pupil of the school with a legal guardian whom an SMS reaches. */
  const familyOf = async (uai: string): Promise<{ pupil: Student; guardian: Guardian }> => {
    const { directory } = hub.academie;
    const [school] = await directory.schoolsByUai([uai]);
    for (const pupil of await directory.studentsOfSchool(school!.id)) {
      const adult = (await directory.guardiansOf(pupil.id)).find((g) => g.link.legal === 1 && g.guardian && mobileNumberE164(g.guardian.mobilePhone).ok);
      if (adult) return { pupil, guardian: adult.guardian as Guardian };
    }
    throw new Error(`no family to notify in ${uai}`);
  };
  const standin = (uai: string) => hub.vieScolaire.standins.find((s) => s.uai === uai)!;

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-notifications-upstream-')),
      ...(await testHubOptions()),
      notifications: { clock: () => now, schedule: { tickMs: 0, detect: false }, jobPollingSeconds: 0.5 },
    });
    worker = hub.notifications.worker;
    await worker.detect(); // the baseline
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('ids with a NUL character or thousands of characters: that school’s other absences and the other schools’ are told', async () => {
    const schools = hub.notifications.client.upstreams.schools;
    expect(schools.length).toBeGreaterThan(1);
    // The school polled first lies; the one polled last does not.
    const lying = await familyOf(schools[0]!);
    const honest = await familyOf(schools.at(-1)!);
    const absence = (id: string, pupil: Student, from: string, to: string) => ({ id, pupilId: pupil.id, day: '2026-11-24', from, to });
    standin(schools[0]!).edits.absences.push(
      absence('A-NUL-\u0000', lying.pupil, '10:00', '11:00'),
      absence(`A-LONG-${randomBytes(6_000).toString('base64url')}`, lying.pupil, '11:00', '12:00'),
      absence('A-PLAIN-1', lying.pupil, '08:00', '09:00'),
    );
    standin(schools.at(-1)!).edits.absences.push(absence('A-PLAIN-2', honest.pupil, '08:00', '09:00'));
    const outcomes = await worker.detect().catch((error: unknown) => error);
    await worker.tick();
    await until(async () => smsTo(honest.guardian).some((m) => m.text.includes('de 08:00 à 09:00')), 15_000);
    // The lying school's families hear of all three absences, the odd ids' too.
    for (const hours of ['de 08:00 à 09:00', 'de 10:00 à 11:00', 'de 11:00 à 12:00']) {
      await until(async () => smsTo(lying.guardian).some((m) => m.text.includes(hours)), 15_000);
    }
    expect(outcomes).toBeInstanceOf(Map);
  });
});
