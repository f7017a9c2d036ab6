/**
 * A directory's phone number as the SMS gateway wants it: E.164, and a mobile (an SMS to a fixed line
 * is lost). libphonenumber-js does the parsing; its `max` metadata is needed to tell a mobile from a
 * fixed line (the default `min` build knows no number types).
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

export type MobileNumber = { ok: true; e164: string } | { ok: false; reason: 'missing' | 'invalid' | 'not-mobile' };

/**
 * The overseas departments and collectivities that share France's national numbering plan: from
 * France, `0692 12 34 56` is a Réunion mobile (+262), `0690…` a Guadeloupe one (+590), though
 * libphonenumber files them under their own country codes. The directory writes them the French way.
 */
const FRENCH_PLAN_OVERSEAS: readonly CountryCode[] = ['RE', 'YT', 'GP', 'MQ', 'GF', 'PM'];

/**
 * Types an SMS can reach. `FIXED_LINE_OR_MOBILE` is what numbering plans that do not tell them apart
 * give (the United States, Canada): the gateway's delivery receipt says whether it arrived.
 */
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** A directory's longest sane phone field; beyond it the value is not a phone number. */
const MAX_RAW_LENGTH = 64;

/**
 * `raw` (`0612345678`, `06 12 34 56 78`, `+33 6…`, `0033 6…`, `0692…` for Réunion, a foreign number
 * with its `+`) as an E.164 mobile number, or why not: `missing` (empty), `invalid` (not a number
 * that exists), `not-mobile` (a fixed line, VoIP, premium rate…: no SMS reaches it).
 */
export function mobileNumberE164(raw: string | undefined, defaultCountry: CountryCode = 'FR'): MobileNumber {
  const text = raw?.trim() ?? '';
  if (!text) return { ok: false, reason: 'missing' };
  if (text.length > MAX_RAW_LENGTH) return { ok: false, reason: 'invalid' };
  const number = validNumber(text, defaultCountry);
  if (!number) return { ok: false, reason: 'invalid' };
  return TEXTABLE.has(number.getType() ?? '') ? { ok: true, e164: number.number } : { ok: false, reason: 'not-mobile' };
}

function validNumber(text: string, defaultCountry: CountryCode): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (parsed?.isValid()) return parsed;
  // A French-plan number that is not metropolitan: try the overseas regions that share the plan
  // (`0692…`, and `+33 692…`, which people write though it is not dialable).
  if (parsed?.countryCallingCode !== '33') return undefined;
  const national = `0${parsed.nationalNumber}`;
  for (const region of FRENCH_PLAN_OVERSEAS) {
    const overseas = parsePhoneNumberFromString(national, region);
    if (overseas?.isValid()) return overseas;
  }
  return undefined;
}
