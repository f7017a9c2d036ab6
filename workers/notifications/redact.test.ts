import { describe, expect, it } from 'vitest';
import { MAX_REASON_LENGTH, redactReason } from './redact.ts';

describe('what is kept of a relay’s or a gateway’s reply', () => {
  it('drops the configured secrets, credentials, phone numbers and addresses, and keeps the rest readable', () => {
    const key = 'Zk9sQ2x1c3Rlci1rZXktMTIzNDU2Nzg5';
    const kept = redactReason(
      `the SMS gateway http://127.0.0.1:3813 refused the SMS (400): key ${key} for +33 6 12 34 56 78, 06-12-34-56-78 and +447700900123 (jean.dupont@example.fr) token=abc Authorization: Bearer xyz on 2026-11-24, delivery 1b4e28ba-2fa1-11d2-883f-0016d3cca427`,
      [key],
    );
    for (const gone of [key, '12 34 56 78', '12-34-56-78', '7700900123', 'jean.dupont', 'abc', 'xyz']) expect(kept).not.toContain(gone);
    expect(kept).toMatch(/^the SMS gateway http:\/\/127\.0\.0\.1:3813 refused the SMS \(400\): key \[secret\] for \[number\]/);
    expect(kept).toMatch(/\(\[address\]\) token=\[secret\] Authorization: Bearer \[secret\] on 2026-11-24, delivery 1b4e28ba-2fa1-11d2-883f-0016d3cca427$/);
  });

  it('hides a long opaque token it was not told of, and bounds the length', () => {
    expect(redactReason('refused: sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe('refused: [secret]');
    const long = redactReason(`550 ${'mailbox unavailable '.repeat(100)}`);
    expect(long.length).toBe(MAX_REASON_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
