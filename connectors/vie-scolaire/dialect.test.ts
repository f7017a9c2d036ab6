import { describe, expect, it } from 'vitest';
import { DialectError, parseFrenchDate, parseFrenchDateTime, parseGrade, sanitizeHtml } from './dialect.ts';

describe('Pronote dialect', () => {
  it('reads decimal-comma grades and the special kinds', () => {
    expect(parseGrade('12,5')).toEqual({ value: 12.5 });
    expect(parseGrade('20')).toEqual({ value: 20 });
    expect(parseGrade('|1')).toEqual({ kind: 'ABSENT' });
    expect(parseGrade('|6')).toEqual({ kind: 'ABSENT_COUNTS_ZERO' });
    expect(parseGrade('|8')).toEqual({ kind: 'CONGRATULATIONS' });
    expect(() => parseGrade('douze')).toThrow(DialectError);
    expect(() => parseGrade('|9')).toThrow(DialectError);
    expect(() => parseGrade('12,5,3')).toThrow(DialectError);
  });

  it('reads dates in Europe/Paris, with the right offset on each side of a DST change', () => {
    expect(parseFrenchDateTime('23/11/2026 08:00:00')).toBe('2026-11-23T08:00:00+01:00');
    expect(parseFrenchDateTime('15/06/2026 14:30')).toBe('2026-06-15T14:30:00+02:00');
    // 2026: summer time from Sunday 29 March 02:00, to Sunday 25 October 03:00.
    expect(parseFrenchDateTime('29/03/2026 01:59')).toBe('2026-03-29T01:59:00+01:00');
    expect(parseFrenchDateTime('29/03/2026 03:00')).toBe('2026-03-29T03:00:00+02:00');
    expect(parseFrenchDateTime('25/10/2026 02:30')).toBe('2026-10-25T02:30:00+02:00');
    expect(parseFrenchDateTime('25/10/2026 03:30')).toBe('2026-10-25T03:30:00+01:00');
    // A time that does not exist (the spring gap) moves forward by the gap, never back to 01:30.
    expect(parseFrenchDateTime('29/03/2026 02:30')).toBe('2026-03-29T03:30:00+02:00');
    expect(() => parseFrenchDateTime('23/11/2026 24:00')).toThrow(DialectError);
    expect(parseFrenchDate('01/09/2026')).toBe('2026-09-01');
    expect(() => parseFrenchDate('31/02/2026')).toThrow(DialectError);
    expect(() => parseFrenchDate('2026-09-01')).toThrow(DialectError);
  });

  it('sanitizes HTML: no scripts or handlers, links kept and made safe', () => {
    const dirty =
      '<p onclick="steal()">Exercice <b>3</b> p. 42</p><script>alert(1)</script><a href="https://lumni.fr/x">vidéo</a><a href="javascript:alert(1)">piège</a><img src=x onerror=alert(1)><iframe src="https://evil"></iframe>';
    const clean = sanitizeHtml(dirty);
    expect(clean).toBe(
      '<p>Exercice <b>3</b> p. 42</p><a href="https://lumni.fr/x" target="_blank" rel="noopener noreferrer">vidéo</a><a target="_blank" rel="noopener noreferrer">piège</a>',
    );
  });
});
