/**
 * The opaque cursor of a list read newest first by keyset (a time, then an id to break ties): the
 * journal, a message folder, the notifications. What a client sends back is checked whole before
 * it reaches a query: a cursor that is not one the store gave is refused, never half-used.
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/** Longest cursor read (a real one is under 100 characters): no parsing of a client's megabyte. */
const MAX_CURSOR_LENGTH = 200;

export function encodeKeysetCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one `encodeKeysetCursor` made with an id `isId` accepts. */
export function decodeKeysetCursor(cursor: string, isId: (id: string) => boolean): KeysetPosition | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
  try {
    const [at, id, ...rest] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(at));
    // Exactly what `encodeKeysetCursor` writes, years 0000 to 9999: a forged `-271821-04-20T…` (a valid
    // JavaScript date) is past what PostgreSQL holds, and would fail the query instead of being refused.
    const written = !Number.isNaN(date.getTime()) && /^\d{4}-/.test(String(at)) && date.toISOString() === at;
    if (rest.length === 0 && typeof at === 'string' && typeof id === 'string' && isId(id) && written) return { at: date, id };
  } catch {
    // Not JSON: not one of ours, said below.
  }
  return undefined;
}
