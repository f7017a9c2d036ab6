import { appendFile, mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidJournalCursorError, type AuditEvent, type AuditStore, type JournalEntry } from './event.ts';

/**
 * Audit events as JSON lines in `dir/audit-YYYY-MM-DD.jsonl`, one file a day, rotated to
 * `….N.jsonl` when a file passes `maxFileBytes`. Appends are whole batches, so a crash loses at
 * most the batch being written. Reading goes from the newest event backwards and stops when the
 * page is full or a byte budget is spent: one read never costs the whole journal. The cursor is
 * a count of a person's events to skip (the files are only appended to, newest last, so the count
 * stays right while no file is rotated away); the PostgreSQL journal pages by index instead.
 */
export class FileAuditStore implements AuditStore {
  #ready: Promise<unknown> | undefined;
  #scanned = 0;

  /** Bytes read by every `about` so far (what reading the journal has cost). */
  get bytesScanned(): number {
    return this.#scanned;
  }

  constructor(
    readonly dir: string,
    private readonly options: {
      maxFileBytes?: number;
      /** Most bytes one `about` reads (`ROUTER_AUDIT_MAX_SCAN_BYTES`); older events are then not found by that read. */
      maxScanBytes?: number;
      maxLineBytes?: number;
    } = {},
  ) {}

  async append(events: AuditEvent[]): Promise<void> {
    if (!events.length) return;
    this.#ready ??= mkdir(this.dir, { recursive: true });
    await this.#ready;
    const file = join(this.dir, `audit-${events[0]!.at.slice(0, 10)}.jsonl`);
    await this.#rotateIfFull(file);
    await appendFile(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  }

  async #rotateIfFull(file: string): Promise<void> {
    const max = this.options.maxFileBytes ?? 100 * 1024 * 1024;
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size < max) return;
    for (let n = 1; ; n++) {
      const target = file.replace(/\.jsonl$/, `.${n}.jsonl`);
      if (
        !(await stat(target).then(
          () => true,
          () => false,
        ))
      ) {
        await rename(file, target);
        return;
      }
    }
  }

  async about(personId: string, limit: number, after?: string): Promise<JournalEntry[]> {
    const skip = after === undefined ? 0 : offsetOfCursor(after);
    const files = await readdir(this.dir).catch(() => [] as string[]);
    // Newest day first; within a day the rotated files (older) after the live one.
    const ordered = files.filter((f) => f.startsWith('audit-') && f.endsWith('.jsonl')).sort((a, b) => order(b) - order(a));
    const found: AuditEvent[] = [];
    // One read costs at most this much of the disk, whatever the journal's size: files are read
    // from their end (newest events first) and the read stops as soon as the page is full.
    const allowed = this.options.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES;
    const budget = { remaining: allowed };
    for (const file of ordered) {
      for await (const line of linesFromTheEnd(join(this.dir, file), budget, this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
        if (!line.includes(personId)) continue;
        let event: AuditEvent;
        try {
          event = JSON.parse(line) as AuditEvent;
        } catch {
          continue; // a line cut by a crash mid-write
        }
        if (!Array.isArray(event.targets) || !event.targets.includes(personId)) continue;
        found.push(event);
        if (found.length >= skip + limit) break;
      }
      if (found.length >= skip + limit || budget.remaining <= 0) break;
    }
    this.#scanned += allowed - budget.remaining;
    return found.slice(skip, skip + limit).map((event, i) => ({ ...event, cursor: `o${skip + i + 1}` }));
  }
}

function offsetOfCursor(cursor: string): number {
  const match = /^o(\d{1,9})$/.exec(cursor);
  if (!match) throw new InvalidJournalCursorError('not a cursor of this journal');
  return Number(match[1]);
}

/** 32 MiB: weeks of a school's journal, read in well under a second. */
const DEFAULT_MAX_SCAN_BYTES = 32 * 1024 * 1024;
/** Events are bounded (see `boundEvent`); a longer line is not one of ours and is skipped unread. */
const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const CHUNK_BYTES = 64 * 1024;

/**
 * The lines of a file, last first, read backwards in chunks. Stops when `budget` (bytes, shared
 * by the caller across files) is spent; a line longer than `maxLineBytes` is skipped without
 * being held whole.
 */
async function* linesFromTheEnd(path: string, budget: { remaining: number }, maxLineBytes: number): AsyncGenerator<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    let position = (await handle.stat()).size;
    let carry = Buffer.alloc(0);
    let discarding = false;
    while (position > 0 && budget.remaining > 0) {
      const size = Math.min(CHUNK_BYTES, position, budget.remaining);
      position -= size;
      budget.remaining -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, position);
      const buffer = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      let end = buffer.length;
      for (let i = buffer.length - 1; i >= 0; i--) {
        if (buffer[i] !== 0x0a) continue;
        if (!discarding && end > i + 1) yield buffer.toString('utf8', i + 1, end);
        discarding = false;
        end = i;
      }
      carry = buffer.subarray(0, end);
      if (carry.length > maxLineBytes) {
        discarding = true;
        carry = Buffer.alloc(0);
      }
    }
    // The first line of the file, when the budget reached it whole.
    if (position === 0 && !discarding && carry.length) yield carry.toString('utf8');
  } finally {
    await handle.close();
  }
}

function order(file: string): number {
  const m = /^audit-(\d{4})-(\d{2})-(\d{2})(?:\.(\d+))?\.jsonl$/.exec(file);
  if (!m) return 0;
  const day = Number(`${m[1]}${m[2]}${m[3]}`);
  // The live file (no N) is newer than any rotated file of the same day.
  return day * 10_000 + (m[4] ? 5_000 - Number(m[4]) : 9_999);
}
