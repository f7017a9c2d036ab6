import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEvent, AuditStore } from './event.ts';

/**
 * Audit events as JSON lines in `dir/audit-YYYY-MM-DD.jsonl`, one file a day, rotated to
 * `….N.jsonl` when a file passes `maxFileBytes`. Appends are whole batches, so a crash loses at
 * most the batch being written. Reading scans files newest first (an access journal is read
 * rarely, by one person at a time).
 */
export class FileAuditStore implements AuditStore {
  #ready: Promise<unknown> | undefined;

  constructor(
    readonly dir: string,
    private readonly options: { maxFileBytes?: number } = {},
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
    const size = await stat(file).then((s) => s.size, () => 0);
    if (size < max) return;
    for (let n = 1; ; n++) {
      const target = file.replace(/\.jsonl$/, `.${n}.jsonl`);
      if (!(await stat(target).then(() => true, () => false))) {
        await rename(file, target);
        return;
      }
    }
  }

  async about(personId: string, limit: number): Promise<AuditEvent[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    // Newest day first; within a day the rotated files (older) after the live one.
    const ordered = files.filter((f) => f.startsWith('audit-') && f.endsWith('.jsonl')).sort((a, b) => order(b) - order(a));
    const found: AuditEvent[] = [];
    for (const file of ordered) {
      const matches: AuditEvent[] = [];
      const lines = createInterface({ input: createReadStream(join(this.dir, file)) });
      for await (const line of lines) {
        if (!line.includes(personId)) continue;
        const event = JSON.parse(line) as AuditEvent;
        if (event.targets.includes(personId)) matches.push(event);
      }
      found.push(...matches.reverse());
      if (found.length >= limit) break;
    }
    return found.slice(0, limit);
  }
}

function order(file: string): number {
  const m = /^audit-(\d{4})-(\d{2})-(\d{2})(?:\.(\d+))?\.jsonl$/.exec(file);
  if (!m) return 0;
  const day = Number(`${m[1]}${m[2]}${m[3]}`);
  // The live file (no N) is newer than any rotated file of the same day.
  return day * 10_000 + (m[4] ? 5_000 - Number(m[4]) : 9_999);
}
