/**
 * How the change detector compares what a school's system says now with what the hub saw last
 * time, for one pupil and one kind of data. Pure: the detector (detector.ts) feeds it and stores
 * what it returns.
 */

/** What the hub keeps of an item it saw: id → [fingerprint, day]. */
export type Seen = Record<string, [fingerprint: string, day: string]>;

/** An item as observed now; `day` is '' for data that is not read by date range (grades). */
export interface Observed<T> {
  id: string;
  day: string;
  fingerprint: string;
  item: T;
}

export type Change<T> =
  | { change: 'added'; id: string; item: T; fingerprint: string }
  | { change: 'changed'; id: string; item: T; fingerprint: string; before: string }
  | { change: 'removed'; id: string; fingerprint: string; day: string };

export interface DayRange {
  from: string;
  to: string;
}

const within = (day: string, range: DayRange | undefined) => range !== undefined && (day === '' || (range.from <= day && day <= range.to));

/**
 * The changes of one pupil's items, and what to keep for next time.
 * - `previous` undefined: the hub never saw this pupil (a first poll, a pupil who just arrived):
 *   everything is taken as it is, nothing is a change.
 * - An item is `added` only if its day was covered by the previous poll: a day that just entered
 *   the window (tomorrow's lessons at midnight) was never seen, so it is not news.
 * - An item is `removed` only if its day is covered by both polls (one that left the window is
 *   forgotten silently).
 * - Duplicate ids in an answer (an upstream that repeats itself) count once: the first wins.
 */
export function diffPupil<T>(
  previous: Seen | undefined,
  observed: readonly Observed<T>[],
  covered: { before: DayRange | undefined; now: DayRange },
): { changes: Change<T>[]; next: Seen } {
  const next: Seen = {};
  const changes: Change<T>[] = [];
  for (const o of observed) {
    if (next[o.id]) continue;
    next[o.id] = [o.fingerprint, o.day];
    if (!previous) continue;
    const seen = previous[o.id];
    if (!seen) {
      if (within(o.day, covered.before)) changes.push({ change: 'added', id: o.id, item: o.item, fingerprint: o.fingerprint });
    } else if (seen[0] !== o.fingerprint) {
      changes.push({ change: 'changed', id: o.id, item: o.item, fingerprint: o.fingerprint, before: seen[0] });
    }
  }
  if (previous) {
    for (const [id, [fingerprint, day]] of Object.entries(previous)) {
      if (!next[id] && within(day, covered.before) && within(day, covered.now)) changes.push({ change: 'removed', id, fingerprint, day });
    }
  }
  return { changes, next };
}

/** Whether two snapshots hold the same items (key order aside: the database's jsonb sorts keys its own way). */
export function sameSeen(a: Seen, b: Seen): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((id) => {
    const other = b[id];
    return other !== undefined && other[0] === a[id]![0] && other[1] === a[id]![1];
  });
}
