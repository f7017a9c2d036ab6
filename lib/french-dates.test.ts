import { describe, expect, it } from 'vitest';
import { FrenchDateError, frenchDayToIso, isoDayToFrench, parisDayOf, parisOffsetMinutesAt, parisWallTimeToIso } from './french-dates.ts';

describe('French dates', () => {
  it('reads and writes dd/MM/yyyy days, refusing other formats and days that do not exist', () => {
    expect(frenchDayToIso('01/09/2026')).toBe('2026-09-01');
    expect(frenchDayToIso('29/02/2028')).toBe('2028-02-29');
    expect(isoDayToFrench('2026-09-01')).toBe('01/09/2026');
    expect(isoDayToFrench('2026-09-01T08:00:00+02:00')).toBe('01/09/2026');
    for (const bad of ['31/02/2026', '29/02/2027', '2026-09-01', '1/9/2026', '01/13/2026', '00/01/2026', ' 01/09/2026']) {
      expect(() => frenchDayToIso(bad), bad).toThrow(FrenchDateError);
    }
  });

  it('gives Europe/Paris its offset from the tz database, on both sides of each change', () => {
    expect(parisOffsetMinutesAt(Date.parse('2026-01-15T12:00:00Z'))).toBe(60);
    expect(parisOffsetMinutesAt(Date.parse('2026-07-15T12:00:00Z'))).toBe(120);
    expect(parisWallTimeToIso('2026-11-23', '08:00:00')).toBe('2026-11-23T08:00:00+01:00');
    expect(parisWallTimeToIso('2026-06-15', '14:30:00')).toBe('2026-06-15T14:30:00+02:00');
    expect(parisWallTimeToIso('2026-03-29', '01:59:00')).toBe('2026-03-29T01:59:00+01:00');
    expect(parisWallTimeToIso('2026-03-29', '03:00:00')).toBe('2026-03-29T03:00:00+02:00');
    expect(parisWallTimeToIso('2026-10-25', '03:30:00')).toBe('2026-10-25T03:30:00+01:00');
    // Years the hand-written rule never saw: the tz database knows them.
    expect(parisWallTimeToIso('2031-03-30', '03:00:00')).toBe('2031-03-30T03:00:00+02:00');
  });

  it("gives an instant's day in Paris, which is not UTC's around midnight, in winter and in summer", () => {
    expect(parisDayOf(new Date('2026-11-23T22:59:59Z'))).toBe('2026-11-23');
    expect(parisDayOf(new Date('2026-11-23T23:00:00Z'))).toBe('2026-11-24'); // midnight in Paris (UTC+1)
    expect(parisDayOf(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
    expect(parisDayOf(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02'); // midnight in Paris (UTC+2)
    expect(parisDayOf(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    // The same as the tz database's own formatting, hour by hour over a year.
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });
    for (let t = Date.parse('2026-01-01T00:30:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 3600_000) {
      expect(parisDayOf(new Date(t))).toBe(intl.format(t));
    }
  });

  it('moves a time of the spring gap forward by the gap (02:30 does not exist on 29 March 2026)', () => {
    expect(parisWallTimeToIso('2026-03-29', '02:30:00')).toBe('2026-03-29T03:30:00+02:00');
    expect(parisWallTimeToIso('2026-03-29', '02:00:00')).toBe('2026-03-29T03:00:00+02:00');
    // The same instant as 01:30 UTC: never earlier than the wall clock says.
    expect(Date.parse(parisWallTimeToIso('2026-03-29', '02:30:00'))).toBe(Date.parse('2026-03-29T01:30:00Z'));
  });

  it('takes the earlier of the two 02:30 of 25 October 2026 (still summer time)', () => {
    expect(parisWallTimeToIso('2026-10-25', '02:30:00')).toBe('2026-10-25T02:30:00+02:00');
    expect(parisWallTimeToIso('2026-10-25', '02:00:00')).toBe('2026-10-25T02:00:00+02:00');
    expect(parisWallTimeToIso('2026-10-25', '02:59:59')).toBe('2026-10-25T02:59:59+02:00');
  });
});
