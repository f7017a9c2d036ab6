import { describe, expect, it } from 'vitest';
import { mobileNumberE164 } from './phone-number.ts';

describe('mobileNumberE164', () => {
  it.each([
    // French mobiles, as directories write them
    ['0612345678', '+33612345678'],
    ['06 12 34 56 78', '+33612345678'],
    ['06.12.34.56.78', '+33612345678'],
    ['06-12-34-56-78', '+33612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['  07 56 12 34 56 ', '+33756123456'],
    // overseas departments, written the French way or with their own code
    ['0692 12 34 56', '+262692123456'],
    ['+262 692 12 34 56', '+262692123456'],
    ['+33 692 12 34 56', '+262692123456'],
    ['0690 12 34 56', '+590690123456'],
    ['0696 12 34 56', '+596696123456'],
    ['0694 12 34 56', '+594694123456'],
    ['0639 01 23 45', '+262639012345'],
    // foreign mobiles
    ['+44 7911 123456', '+447911123456'],
    ['+32 470 12 34 56', '+32470123456'],
    ['+49 1512 3456789', '+4915123456789'],
    ['+1 415 555 2671', '+14155552671'],
  ])('%s is the mobile %s', (raw, e164) => {
    expect(mobileNumberE164(raw)).toEqual({ ok: true, e164 });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
    ['abc', 'invalid'],
    ['06123', 'invalid'],
    ['0712345678', 'invalid'], // a range that is not allocated
    ['06 12 34 56 78 90', 'invalid'],
    ['+33 6'.padEnd(80, '1'), 'invalid'],
    ['01 45 67 89 01', 'not-mobile'], // Paris fixed line
    ['+33 1 45 67 89 01', 'not-mobile'],
    ['0262 12 34 56', 'not-mobile'], // Réunion fixed line
    ['09 12 34 56 78', 'not-mobile'], // VoIP
    ['08 12 34 56 78', 'not-mobile'], // premium rate
    ['+44 20 7946 0958', 'not-mobile'], // London fixed line
  ] as const)('%s is refused: %s', (raw, reason) => {
    expect(mobileNumberE164(raw)).toEqual({ ok: false, reason });
  });

  it('reads a national number in the country it is given', () => {
    expect(mobileNumberE164('0470 12 34 56', 'BE')).toEqual({ ok: true, e164: '+32470123456' });
    // the same digits in France are a fixed line of the Lyon region
    expect(mobileNumberE164('0470 12 34 56')).toEqual({ ok: false, reason: 'not-mobile' });
  });
});
