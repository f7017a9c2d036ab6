import { describe, expect, it } from 'vitest';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.ts';

const digits = (id: string) => /^\d+$/.test(id);

describe('keyset cursors', () => {
  it('give back the position they were made from', () => {
    const at = new Date('2026-11-24T08:00:00.123Z');
    expect(decodeKeysetCursor(encodeKeysetCursor(at, '42'), digits)).toEqual({ at, id: '42' });
  });

  it.each([
    ['an id the list would not hold', encodeKeysetCursor(new Date(), "1' OR 1=1")],
    ['not base64 JSON', 'bm9wZQ'],
    ['a date that is not one', Buffer.from(JSON.stringify(['yesterday', '1'])).toString('base64url')],
    ['more than a position', Buffer.from(JSON.stringify([new Date().toISOString(), '1', 'x'])).toString('base64url')],
    ['an object where text belongs', Buffer.from(JSON.stringify([{}, '1'])).toString('base64url')],
    ['a huge string', 'A'.repeat(10_000)],
  ])('refuse %s', (_, cursor) => {
    expect(decodeKeysetCursor(cursor, digits)).toBeUndefined();
  });
});
