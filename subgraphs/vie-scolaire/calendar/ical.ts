/**
 * A small RFC 5545 writer: CRLF line endings, lines folded at 75 octets (never inside a UTF-8
 * character), TEXT values escaped, times in UTC.
 */

export interface CalendarEvent {
  uid: string;
  /** ISO date-time with an offset (a timed event), or `yyyy-MM-dd` (an all-day event). */
  start: string;
  end: string;
  summary: string;
  description?: string;
  location?: string;
  status?: 'CONFIRMED' | 'CANCELLED';
}

export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line: at most 75 octets a line, continuation lines starting with one space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = out.length === 0 ? 75 : 74; // continuation lines lose one octet to the leading space
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utc = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const day = (isoDay: string) => isoDay.replace(/-/g, '');
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

export function renderCalendar(name: string, events: CalendarEvent[], now = new Date()): string {
  const stamp = utc(now.toISOString());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ENT federation hub//Vie scolaire//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    'X-WR-TIMEZONE:Europe/Paris',
  ];
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${stamp}`,
      isDay(event.start) ? `DTSTART;VALUE=DATE:${day(event.start)}` : `DTSTART:${utc(event.start)}`,
      isDay(event.end) ? `DTEND;VALUE=DATE:${day(event.end)}` : `DTEND:${utc(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
    lines.push(`STATUS:${event.status ?? 'CONFIRMED'}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
