import sanitize from 'sanitize-html';

/**
 * Pronote's dialect, as the public clients (Pawnote, pronotepy) and ÉcoleDirecte show it: grades as
 * French decimal strings or special kinds, dates `dd/MM/yyyy[ HH:mm:ss]` in Europe/Paris, and HTML
 * descriptions written by teachers.
 */

/** The special grade kinds `|1`…`|8`. */
export const GRADE_KINDS = {
  '|1': 'ABSENT',
  '|2': 'EXEMPTED',
  '|3': 'NOT_GRADED',
  '|4': 'UNFIT',
  '|5': 'NOT_RETURNED',
  '|6': 'ABSENT_COUNTS_ZERO',
  '|7': 'NOT_RETURNED_COUNTS_ZERO',
  '|8': 'CONGRATULATIONS',
} as const;
export type GradeKind = (typeof GRADE_KINDS)[keyof typeof GRADE_KINDS];

export type ParsedGrade = { value: number; kind?: undefined } | { value?: undefined; kind: GradeKind };

export class DialectError extends Error {
  override readonly name = 'DialectError';
}

/** `"12,5"` → 12.5; `"|1"` → ABSENT. Anything else is a DialectError (an upstream that lies). */
export function parseGrade(raw: string): ParsedGrade {
  const kind = GRADE_KINDS[raw.trim() as keyof typeof GRADE_KINDS];
  if (kind) return { kind };
  return { value: parseDecimal(raw, 'grade') };
}

/** `"12,5"`, `"12.5"`, `"20"` → number; refuses anything that is not a plain decimal. */
export function parseDecimal(raw: string | undefined, what: string): number {
  const text = (raw ?? '').trim();
  if (!/^-?\d+([,.]\d+)?$/.test(text)) throw new DialectError(`${what}: "${raw}" is not a decimal number`);
  return Number(text.replace(',', '.'));
}

export function parseOptionalDecimal(raw: string | undefined, what: string): number | undefined {
  if (raw === undefined || raw === '' || raw.startsWith('|')) return undefined;
  return parseDecimal(raw, what);
}

/** The offset of Europe/Paris at a local time: +01:00 in winter, +02:00 in summer (EU rules). */
function parisOffsetMinutes(year: number, month: number, day: number, hour: number): number {
  // Summer time runs from the last Sunday of March, 02:00 local (01:00 UTC), to the last Sunday
  // of October, 03:00 local (01:00 UTC).
  const lastSunday = (m: number) => {
    const last = new Date(Date.UTC(year, m, 0));
    return last.getUTCDate() - last.getUTCDay();
  };
  const march = lastSunday(3);
  const october = lastSunday(10);
  const afterStart = month > 3 || (month === 3 && (day > march || (day === march && hour >= 2)));
  const beforeEnd = month < 10 || (month === 10 && (day < october || (day === october && hour < 3)));
  return afterStart && beforeEnd ? 120 : 60;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `dd/MM/yyyy[ HH:mm[:ss]]` (Europe/Paris) → ISO 8601 with the right offset, e.g. `2026-11-23T08:00:00+01:00`. */
export function parseFrenchDateTime(raw: string): string {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(raw.trim());
  if (!match) throw new DialectError(`"${raw}" is not a dd/MM/yyyy[ HH:mm:ss] date`);
  const [, d, m, y, hh = '00', mm = '00', ss = '00'] = match;
  const [day, month, year, hour] = [Number(d), Number(m), Number(y), Number(hh)];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || Number(mm) > 59 || Number(ss) > 59) {
    throw new DialectError(`"${raw}" is not a real date`);
  }
  const offset = parisOffsetMinutes(year, month, day, hour);
  return `${y}-${m}-${d}T${hh}:${mm}:${ss}+${pad(offset / 60)}:00`;
}

/** `dd/MM/yyyy` → `yyyy-MM-dd` (a day, no time zone involved). */
export function parseFrenchDate(raw: string): string {
  return parseFrenchDateTime(raw).slice(0, 10);
}

/** ISO day `yyyy-MM-dd` → `dd/MM/yyyy` for the upstream's query parameters. */
export function toFrenchDate(isoDay: string): string {
  const [y, m, d] = isoDay.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/**
 * Teachers' HTML, made safe to show: text formatting, lists, tables and links stay; scripts,
 * styles, event handlers, iframes and `javascript:` URLs go. Links open in a new tab, without
 * giving the target a handle on the ENT's window.
 */
export function sanitizeHtml(html: string): string {
  return sanitize(html, {
    allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'sub', 'sup', 'ul', 'ol', 'li', 'a', 'span', 'div', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'code', 'pre'],
    allowedAttributes: { a: ['href', 'title', 'target', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: { a: sanitize.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }) },
  });
}
