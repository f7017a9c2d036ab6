import { describe, expect, it } from 'vitest';
import type { Grade } from '../../connectors/vie-scolaire/client.ts';
import { periodAverages, subjectAverage } from './averages.ts';

const g = (over: Partial<Grade>): Grade => ({
  id: Math.random().toString(36),
  pupilId: 'p',
  subject: { code: '061300', label: 'MATHEMATIQUES' },
  value: 10,
  outOf: 20,
  coefficient: 1,
  date: '2026-10-01',
  periodId: 'T1',
  bonus: false,
  optional: false,
  scaleTo20: false,
  ...over,
});

describe('averages, computed as Pronote does', () => {
  it('weights by coefficient', () => {
    expect(subjectAverage([g({ value: 10 }), g({ value: 16, coefficient: 2 })])).toBe(14);
  });
  it('a grade on another scale weighs with its scale, unless it is brought back to 20', () => {
    // 5/10 and 15/20: Σ = 20 / 30 → 13.33; brought back to 20, 5/10 is 10/20 → (10 + 15) / 40 → 12.5.
    expect(subjectAverage([g({ value: 5, outOf: 10 }), g({ value: 15 })])).toBe(13.33);
    expect(subjectAverage([g({ value: 5, outOf: 10, scaleTo20: true }), g({ value: 15 })])).toBe(12.5);
  });
  it('special kinds do not count, except those that count as zero', () => {
    expect(subjectAverage([g({ value: 14 }), g({ value: undefined, kind: 'ABSENT' }), g({ value: undefined, kind: 'EXEMPTED' })])).toBe(14);
    expect(subjectAverage([g({ value: 14 }), g({ value: undefined, kind: 'ABSENT_COUNTS_ZERO' })])).toBe(7);
    expect(subjectAverage([g({ value: 14 }), g({ value: undefined, kind: 'NOT_RETURNED_COUNTS_ZERO' })])).toBe(7);
    expect(subjectAverage([g({ value: undefined, kind: 'ABSENT' })])).toBeUndefined();
  });
  it('an optional grade counts only if it raises the average', () => {
    expect(subjectAverage([g({ value: 12 }), g({ value: 8, optional: true })])).toBe(12);
    expect(subjectAverage([g({ value: 12 }), g({ value: 18, optional: true })])).toBe(15);
  });
  it('a bonus grade adds only the points above half its scale', () => {
    // 12/20 plus a bonus of 16/20: 6 points above 10 → (12 + 6) / 20.
    expect(subjectAverage([g({ value: 12 }), g({ value: 16, bonus: true })])).toBe(18);
    expect(subjectAverage([g({ value: 12 }), g({ value: 8, bonus: true })])).toBe(12);
    expect(subjectAverage([g({ value: 19 }), g({ value: 20, bonus: true })])).toBe(20);
  });
  it('the overall average is the mean of the subject averages, for the period asked', () => {
    const grades = [g({ value: 10 }), g({ value: 16, subject: { code: '020700', label: 'FRANCAIS' } }), g({ value: 2, periodId: 'T2' })];
    const result = periodAverages('T1', grades);
    expect(result.overall).toBe(13);
    expect(result.subjects.map((s) => [s.subjectLabel, s.average])).toEqual([
      ['FRANCAIS', 16],
      ['MATHEMATIQUES', 10],
    ]);
  });
});
