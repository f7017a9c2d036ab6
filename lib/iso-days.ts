const DAY_MS = 86_400_000;

/** `yyyy-MM-dd` plus some days (noon UTC avoids any daylight-saving edge). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days between two `yyyy-MM-dd`. */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY_MS;
}
