/** Dates as a French family reads them, always in the schools' time zone (the phone's may differ). */
export const ZONE = 'Europe/Paris';

const dayFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long' });
const shortDayFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, weekday: 'short', day: 'numeric', month: 'short' });
const timeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short' });
const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `yyyy-MM-dd` of an instant in Paris (what the graph's date arguments take). */
export const parisDay = (at: Date = new Date()): string => isoDay.format(at);

/** The Paris day `days` after `day` (`yyyy-MM-dd`). */
export function addDays(day: string, days: number): string {
  const noon = new Date(`${day}T12:00:00Z`);
  noon.setUTCDate(noon.getUTCDate() + days);
  return noon.toISOString().slice(0, 10);
}

/** A `yyyy-MM-dd` day: « lundi 23 novembre ». */
export const formatDay = (day: string): string => dayFormat.format(new Date(`${day}T12:00:00Z`));
export const formatShortDay = (day: string): string => shortDayFormat.format(new Date(`${day}T12:00:00Z`));
/** An ISO date-time: « 08:30 ». */
export const formatTime = (at: string): string => timeFormat.format(new Date(at));
export const formatDateTime = (at: string): string => dateTimeFormat.format(new Date(at));

/** A mark out of 20, French style: « 14,5 ». */
export const formatMark = (value: number | null | undefined): string => (value == null ? '—' : value.toLocaleString('fr-FR', { maximumFractionDigits: 2 }));
