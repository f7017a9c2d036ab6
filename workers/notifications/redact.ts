import { findPhoneNumbersInText } from 'libphonenumber-js/max';

/** The longest reason kept (a delivery's or an event's `error`, a job's output, a log line's `reason`). */
export const MAX_REASON_LENGTH = 300;

/** Anything shaped like an e-mail address. */
const ADDRESS = /[^\s@<>()[\]"'`,;:]+@[^\s@<>()[\]"'`,;:]+\.[^\s@<>()[\]"'`,;:]+/g;
/** An HTTP authorization's credential: `Bearer …`, `Basic …`. */
const AUTHORIZATION = /\b(bearer|basic)\s+[^\s,;&)]+/gi;
/** A credential quoted with its name: `key=…`, `password: …`, `token "…"`. */
const NAMED_CREDENTIAL = /\b(api[_-]?key|apikey|key|token|secret|pass(?:word|wd)?|pwd|auth(?:orization)?)(\s*[=:]\s*|\s+)("[^"]*"|'[^']*'|[^\s,;&)]+)/gi;
/**
 * Eight digits or more with single separators, what libphonenumber-js leaves of a number it read
 * only in part (two numbers in a row); a day (`2026-11-24`) is not one.
 */
const DIGITS = /\+?\d(?:[ .-]?\d){7,}/g;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A long opaque string mixing letters and digits (a key, a token, a signature) that is not one of our uuids. */
const OPAQUE = /[A-Za-z0-9+/_=-]{32,}/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What may be kept of a failure's text: a mail relay's or an SMS gateway's reply, an error thrown
 * while planning. Those texts are the remote side's words, and a lying or chatty one quotes our key,
 * the recipient's number or address: they would end in a database column, the job queue's output
 * and the logs, kept for days and read by operators. So the configured `secrets` (the gateway key,
 * the relay's password), anything quoted as a credential or shaped like one, phone numbers (found by
 * libphonenumber-js, French numbers without their prefix included) and e-mail addresses are replaced
 * by a word saying what was there; the rest is cut at MAX_REASON_LENGTH.
 */
export function redactReason(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[secret]');
  out = out.replace(AUTHORIZATION, (_, scheme: string) => `${scheme} [secret]`);
  out = out.replace(NAMED_CREDENTIAL, (match, name: string, separator: string, value: string) =>
    /^(bearer|basic|\[secret\])$/i.test(value) ? match : `${name}${separator}[secret]`,
  );
  out = out.replace(ADDRESS, '[address]');
  out = out.replace(OPAQUE, (token) => (UUID.test(token) || !/\d/.test(token) || !/[A-Za-z]/.test(token) ? token : '[secret]'));
  // `extended`: possible numbers too, not only valid ones (a number's shape is enough to hide it).
  // From the end: each replacement leaves the positions before it as they were.
  for (const found of findPhoneNumbersInText(out, { defaultCountry: 'FR', extended: true }).reverse()) {
    out = `${out.slice(0, found.startsAt)}[number]${out.slice(found.endsAt)}`;
  }
  out = out.replace(DIGITS, (digits) => (DAY.test(digits) ? digits : '[number]'));
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_REASON_LENGTH ? `${out.slice(0, MAX_REASON_LENGTH - 1)}…` : out;
}

/** `redactReason` of an error's message (anything thrown). */
export const redactedError = (error: unknown, secrets: readonly (string | undefined)[] = []) =>
  redactReason(error instanceof Error ? error.message : String(error), secrets);
