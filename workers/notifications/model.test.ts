import { describe, expect, it } from 'vitest';
import { parisInstant } from '../../lib/french-dates.ts';
import { afterQuietHours, DEFAULT_DIGEST_SCHEDULE, DEFAULT_QUIET_HOURS, defaultPreference, latestDigestTime } from './model.ts';

const paris = (day: string, hhmm: string) => parisInstant(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));

describe('quiet hours (Europe/Paris)', () => {
  it.each([
    ['2026-11-24', '20:59', '2026-11-24T19:59:00.000Z'],
    ['2026-11-24', '21:00', '2026-11-25T06:00:00.000Z'],
    ['2026-11-24', '23:59', '2026-11-25T06:00:00.000Z'],
    ['2026-11-25', '03:00', '2026-11-25T06:00:00.000Z'],
    ['2026-11-25', '07:00', '2026-11-25T06:00:00.000Z'],
    // Summer time: 07:00 in Paris is 05:00 UTC.
    ['2026-07-01', '22:00', '2026-07-02T05:00:00.000Z'],
    // The night the clocks go back (25 October 2026): still 07:00 on the wall.
    ['2026-10-24', '23:00', '2026-10-25T06:00:00.000Z'],
  ])('a message due %s %s leaves at %s', (day, time, expected) => {
    expect(afterQuietHours(paris(day, time), DEFAULT_QUIET_HOURS).toISOString()).toBe(expected);
  });

  it('daytime quiet hours and none at all', () => {
    expect(afterQuietHours(paris('2026-11-24', '12:30'), { from: 12 * 60, to: 14 * 60 }).toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(afterQuietHours(paris('2026-11-24', '23:30'), { from: 0, to: 0 }).toISOString()).toBe('2026-11-24T22:30:00.000Z');
  });
});

describe('digest times', () => {
  it('the daily digest of a day leaves at 18:00; before that, the previous day’s is the latest', () => {
    expect(latestDigestTime(paris('2026-11-24', '17:59'), 'daily', DEFAULT_DIGEST_SCHEDULE)).toEqual({
      period: '2026-11-23',
      at: paris('2026-11-23', '18:00'),
    });
    expect(latestDigestTime(paris('2026-11-24', '18:00'), 'daily', DEFAULT_DIGEST_SCHEDULE)).toEqual({
      period: '2026-11-24',
      at: paris('2026-11-24', '18:00'),
    });
  });

  it('the weekly digest leaves on Monday morning', () => {
    expect(latestDigestTime(paris('2026-11-29', '20:00'), 'weekly', DEFAULT_DIGEST_SCHEDULE).period).toBe('2026-11-23');
    expect(latestDigestTime(paris('2026-11-30', '07:29'), 'weekly', DEFAULT_DIGEST_SCHEDULE).period).toBe('2026-11-23');
    expect(latestDigestTime(paris('2026-11-30', '07:30'), 'weekly', DEFAULT_DIGEST_SCHEDULE)).toEqual({
      period: '2026-11-30',
      at: paris('2026-11-30', '07:30'),
    });
    expect(latestDigestTime(paris('2026-12-02', '09:00'), 'weekly', DEFAULT_DIGEST_SCHEDULE).period).toBe('2026-11-30');
  });
});

describe('default preferences avoid the flood', () => {
  it('absences by SMS at once for guardians only; grades and homework in the daily digest; school events weekly', () => {
    expect(defaultPreference('guardian', 'ABSENCE')).toEqual({ category: 'ABSENCE', inApp: true, email: 'NEVER', sms: 'IMMEDIATE' });
    expect(defaultPreference('student', 'ABSENCE').sms).toBe('NEVER');
    expect(defaultPreference('guardian', 'GRADE')).toMatchObject({ email: 'DAILY', sms: 'NEVER' });
    expect(defaultPreference('guardian', 'HOMEWORK')).toMatchObject({ email: 'DAILY', sms: 'NEVER' });
    expect(defaultPreference('teacher', 'MESSAGE')).toMatchObject({ inApp: true, email: 'DAILY' });
    expect(defaultPreference('guardian', 'SCHOOL_EVENT')).toMatchObject({ email: 'WEEKLY' });
  });
});
