import { FrenchDateError, frenchDayToIso, isoDayToFrench, parisWallTimeToIso } from '../../lib/french-dates.ts';
import { HubError } from '../../lib/errors.ts';

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

export class DialectError extends HubError {
  static override readonly code = 'ERR_VIE_SCOLAIRE_DIALECT';
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

/** `dd/MM/yyyy[ HH:mm[:ss]]` (Europe/Paris) → ISO 8601 with its offset (see parisWallTimeToIso for the DST edges). */
export function parseFrenchDateTime(raw: string): string {
  const match = /^(\S+)(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(raw.trim());
  if (!match) throw new DialectError(`"${raw}" is not a dd/MM/yyyy[ HH:mm:ss] date`);
  const [, frenchDay, hh = '00', mm = '00', ss = '00'] = match;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) throw new DialectError(`"${raw}" is not a real time`);
  return parisWallTimeToIso(parseFrenchDate(frenchDay!), `${hh}:${mm}:${ss}`);
}

/** `dd/MM/yyyy` → `yyyy-MM-dd` (a day, no time zone involved). */
export function parseFrenchDate(raw: string): string {
  try {
    return frenchDayToIso(raw.trim());
  } catch (error) {
    throw error instanceof FrenchDateError ? new DialectError(error.message) : error;
  }
}

/** ISO day `yyyy-MM-dd` → `dd/MM/yyyy` for the upstream's query parameters. */
export const toFrenchDate = isoDayToFrench;

/** Teachers' HTML, made safe to show: the hub's one rule (lib/markup.ts). */
export { sanitizeHtml } from '../../lib/markup.ts';
