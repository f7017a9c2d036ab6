import { access, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxItem, StoredFile } from './item.ts';

/** An item as the file outbox of an earlier version wrote it: its file's content inline (`base64`) in the oldest versions. */
type FileOutboxItem = OutboxItem & { file?: Omit<StoredFile, 'bytes'> & { bytes?: number; base64?: string } };

/**
 * A hub moving to the database keeps what its file outbox held (one `{id}.json` per item, its file's
 * content beside it in `{id}.file` or inline): each item is copied in with its id, state and times,
 * a pending one with its file, one file at a time; then the folder is renamed `….imported`, so it is
 * read once. Returns how many items were added (0 without a folder). Idempotent: an item already in
 * the database is skipped, so an import cut short is simply run again at the next start.
 */
export async function moveFileOutbox(dir: string, into: { adopt(item: OutboxItem, base64: string | undefined): Promise<boolean> }): Promise<number> {
  try {
    await access(dir);
  } catch {
    return 0;
  }
  let added = 0;
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    const stored = JSON.parse(await readFile(join(dir, name), 'utf8')) as FileOutboxItem;
    let base64: string | undefined;
    let item: OutboxItem = stored;
    if (stored.file) {
      const { base64: inline, ...meta } = stored.file;
      base64 = inline ?? (await readBeside(join(dir, `${stored.id}.file`)));
      item = { ...stored, file: { ...meta, bytes: meta.bytes ?? (base64 === undefined ? 0 : Buffer.byteLength(base64, 'base64')) } };
    }
    if (await into.adopt(item, base64)) added++;
  }
  await rename(dir, `${dir}.imported`);
  return added;
}

/** The content kept beside an item; none once the school had it. */
async function readBeside(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
