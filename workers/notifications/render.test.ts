import { describe, expect, it } from 'vitest';
import { SMS_MAX_TEXT_LENGTH } from '../../connectors/sms/sms-gateway.ts';
import { render } from './render.ts';

describe('what a notification says', () => {
  it('a school system’s overlong text still makes an SMS the gateway takes (a refused one would reach no one), and a bounded notification', () => {
    // A punishment's title, a subject's label: the school system's text, of any length.
    const long = 'Retenue pour travail non fait '.repeat(100);
    for (const [kind, details] of [
      ['punishment', { title: long, date: '2026-11-24' }],
      ['grade', { subject: long, value: 12, outOf: 20, date: '2026-11-24' }],
      ['homework', { subject: long, dueOn: '2026-11-25' }],
      ['lesson-moved', { subject: long, start: '2026-11-24T08:00:00+01:00', end: '2026-11-24T09:00:00+01:00', rooms: Array(500).fill(long) }],
    ] as const) {
      const words = render(kind, details, 'Léa');
      expect([...words.sms].length).toBeLessThanOrEqual(SMS_MAX_TEXT_LENGTH);
      expect(words.sms).toMatch(/^ENT : /);
      expect(words.body.length).toBeLessThanOrEqual(2_000);
    }
  });
});
