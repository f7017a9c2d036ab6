import { describe, expect, it } from 'vitest';
import { diffPupil, sameSeen, type Observed, type Seen } from './diff.ts';

const item = (id: string, day: string, fingerprint = 'v1'): Observed<string> => ({ id, day, fingerprint, item: id });
const covered = { before: { from: '2026-11-10', to: '2026-11-24' }, now: { from: '2026-11-11', to: '2026-11-25' } };

describe('comparing what a school says with what the hub saw', () => {
  it('a pupil never seen is a baseline: nothing is a change', () => {
    const { changes, next } = diffPupil(undefined, [item('a', '2026-11-20')], covered);
    expect(changes).toEqual([]);
    expect(next).toEqual({ a: ['v1', '2026-11-20'] });
  });

  it('added, changed and removed items of covered days are changes', () => {
    const previous: Seen = { a: ['v1', '2026-11-20'], b: ['v1', '2026-11-21'] };
    const { changes } = diffPupil(previous, [item('a', '2026-11-20', 'v2'), item('c', '2026-11-24')], covered);
    expect(changes.map((c) => [c.change, c.id])).toEqual([
      ['changed', 'a'],
      ['added', 'c'],
      ['removed', 'b'],
    ]);
  });

  it('a day that just entered the window is not news, and one that left it is forgotten silently', () => {
    const previous: Seen = { old: ['v1', '2026-11-10'] };
    const { changes, next } = diffPupil(previous, [item('tomorrow', '2026-11-25')], covered);
    expect(changes).toEqual([]);
    expect(next).toEqual({ tomorrow: ['v1', '2026-11-25'] });
  });

  it('an item answered twice counts once', () => {
    const { changes, next } = diffPupil({}, [item('a', '2026-11-20'), item('a', '2026-11-20', 'v2')], covered);
    expect(changes.map((c) => c.change)).toEqual(['added']);
    expect(next).toEqual({ a: ['v1', '2026-11-20'] });
  });

  it('data not read by date (grades) compares whole', () => {
    const all = { from: '0000-01-01', to: '9999-12-31' };
    const { changes } = diffPupil({ g1: ['12', ''] }, [item('g1', '', '14'), item('g2', '', '9')], { before: all, now: all });
    expect(changes.map((c) => [c.change, c.id])).toEqual([
      ['changed', 'g1'],
      ['added', 'g2'],
    ]);
  });

  it('snapshots compare by content, whatever their key order', () => {
    expect(sameSeen({ a: ['1', 'd'], bb: ['2', 'd'] }, { bb: ['2', 'd'], a: ['1', 'd'] })).toBe(true);
    expect(sameSeen({ a: ['1', 'd'] }, { a: ['2', 'd'] })).toBe(false);
    expect(sameSeen({ a: ['1', 'd'] }, { a: ['1', 'd'], b: ['1', 'd'] })).toBe(false);
  });
});
