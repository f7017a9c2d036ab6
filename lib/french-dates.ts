import { boundedCache } from './bounded-cache.ts';
import { HubError } from './errors.ts';

/**
 * French school systems write days as `dd/MM/yyyy` (AAF, the SDET directory, Pronote) and times as
 * Europe/Paris wall-clock times. One module converts both ways, so every reader and writer of those
 * formats agrees, and the time zone comes from the platform's tz database (Intl), never a hand-coded
 * summer-time rule.
 */

/** Text that is not a `dd/MM/yyyy` day, or names a day that does not exist; callers say where it was. */
export class FrenchDateError extends HubError {
  static override readonly code = 'ERR_FRENCH_DATE';
}

/** `dd/MM/yyyy` → `yyyy-MM-dd`; anything else (another format, 31/02) is a FrenchDateError. */
export function frenchDayToIso(text: string): string {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) throw new FrenchDateError(`"${text}" is not a dd/MM/yyyy date`);
  const [, day, month, year] = match;
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) throw new FrenchDateError(`"${text}" is not a real date`);
  return iso;
}

/** `yyyy-MM-dd` (a day, or the day of an ISO date-time) → `dd/MM/yyyy`. */
export function isoDayToFrench(iso: string): string {
  const [year, month, day] = iso.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

const PARIS = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/** Paris changes its offset on the hour, so an offset is memoized per UTC hour (a timetable reuses a few). */
const offsetByHour = boundedCache<number, number>({ maxEntries: 10_000 });

/** The offset of Europe/Paris at an instant, in minutes east of UTC (60 in winter, 120 in summer). */
export function parisOffsetMinutesAt(instantMs: number): number {
  const hour = Math.floor(instantMs / 3600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const name = PARIS.formatToParts(hour * 3600_000).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    offset = match?.[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/**
 * The Europe/Paris day of an instant, `yyyy-MM-dd`: from the memoized offset, not a new
 * Intl.DateTimeFormat each time (150 µs: 6 % of the vie scolaire subgraph's CPU under the
 * benchmark's load, where it is asked at every request).
 */
export function parisDayOf(instant: Date): string {
  return parisIsoOf(instant).slice(0, 10);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/**
 * A Europe/Paris wall-clock time (`yyyy-MM-dd`, `HH:mm:ss`) → ISO 8601 with its offset, e.g.
 * `2026-11-23T08:00:00+01:00`. Twice a year the wall clock is not a plain function of the instant;
 * we decide as Temporal's "compatible" disambiguation (and most calendars) do:
 * - a time that does not exist (the last Sunday of March, 02:00 to 02:59) is moved forward by the
 *   gap: `02:30` becomes `03:30+02:00`, the instant a clock that was not changed would show;
 * - a time that exists twice (the last Sunday of October, 02:00 to 02:59) is the earlier one,
 *   still in summer time: `02:30+02:00`.
 */
export function parisWallTimeToIso(isoDay: string, time: string): string {
  const wallAsUtc = Date.parse(`${isoDay}T${time}Z`);
  // The offsets in force a few hours around that wall time: one, or the two of a transition.
  const before = parisOffsetMinutesAt(wallAsUtc - 3 * 3600_000);
  const after = parisOffsetMinutesAt(wallAsUtc + 3 * 3600_000);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtc - offset * 60_000)
    .filter((instant) => wallAsUtc - parisOffsetMinutesAt(instant) * 60_000 === instant);
  // None: the wall time falls in the spring gap, read it with the offset before the change.
  const instant = candidates.length ? Math.min(...candidates) : wallAsUtc - before * 60_000;
  return parisIsoOf(new Date(instant));
}

/** An instant as ISO 8601 with the Paris offset of that instant, to the second: `2026-11-23T08:00:00+01:00`. */
export function parisIsoOf(instant: Date): string {
  const offset = parisOffsetMinutesAt(instant.getTime());
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** An instant as Europe/Paris reads it: its day (`yyyy-MM-dd`), minutes after midnight, weekday (1 Monday … 7 Sunday). */
export function parisWallClock(instant: Date): { day: string; minutes: number; weekday: number } {
  const local = new Date(instant.getTime() + parisOffsetMinutesAt(instant.getTime()) * 60_000);
  return {
    day: local.toISOString().slice(0, 10),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
  };
}

/** The instant a Europe/Paris day shows a wall time given in minutes after midnight. */
export function parisInstant(isoDay: string, minutes: number): Date {
  return new Date(parisWallTimeToIso(isoDay, `${timeOfDay(minutes)}:00`));
}

/** Minutes after midnight as a time of day, `HH:mm`. */
export const timeOfDay = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

/** A time of day `HH:mm` (00:00 to 23:59) as minutes after midnight; undefined for anything else. */
export function minutesOfTimeOfDay(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
