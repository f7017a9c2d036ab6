import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { QuotaExceededError } from '../../../connectors/vie-scolaire/outbox.ts';
import { hashFeedToken, type CalendarFeed, type FeedStore, type NewCalendarFeed } from '../../../store/feeds/feed.ts';

// The feed and the store's interface are the hub store's (store/feeds/): one definition for both stores.
export type { CalendarFeed, FeedStore } from '../../../store/feeds/feed.ts';

/**
 * Calendar feeds, kept in one JSON file written atomically; small (a few per person). Writes go one
 * at a time, each to a temporary file of its own renamed over the file: concurrent creations never
 * share a temporary file, and the file on disk is always a whole state, the last one written.
 * For one vie scolaire subgraph instance without a database (`DATABASE_URL` unset); with one,
 * `PostgresFeedStore` (store/feeds/postgres-store.ts).
 */
export class FileFeedStore implements FeedStore {
  #feeds = new Map<string, CalendarFeed>();
  /** The same feeds by token hash: a calendar app's GET finds its feed without a scan. */
  #byHash = new Map<string, CalendarFeed>();
  /** The write in progress (settled, never rejected: the next write waits for it either way). */
  #writing: Promise<void> = Promise.resolve();
  /** A write waiting for its turn: every change made before it starts is in it, so later changes join it. */
  #queued: Promise<void> | undefined;

  constructor(readonly file: string) {}

  async init(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    try {
      for (const feed of JSON.parse(await readFile(this.file, 'utf8')) as CalendarFeed[]) this.#add(feed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  #add(feed: CalendarFeed): void {
    this.#feeds.set(feed.id, feed);
    this.#byHash.set(feed.tokenHash, feed);
  }

  #delete(feed: CalendarFeed): void {
    this.#feeds.delete(feed.id);
    this.#byHash.delete(feed.tokenHash);
  }

  /** Saves the feeds as they are when the write starts: after the write in progress, joined with one already waiting. */
  #save(): Promise<void> {
    if (this.#queued) return this.#queued;
    const write = this.#writing.then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = write;
    this.#writing = write.catch(() => undefined);
    return write;
  }

  async #write(): Promise<void> {
    const temp = `${this.file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify([...this.#feeds.values()]));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** The quota is checked and taken synchronously, so concurrent creations cannot pass it. */
  async create(feed: NewCalendarFeed, maxPerOwner: number): Promise<{ feed: CalendarFeed; token: string }> {
    if (this.#ownedBy(feed.ownerId).length >= maxPerOwner) throw new QuotaExceededError('feedsPerPerson', maxPerOwner);
    const token = randomBytes(32).toString('base64url');
    const created: CalendarFeed = { ...feed, id: randomUUID(), tokenHash: hashFeedToken(token), createdAt: new Date().toISOString() };
    this.#add(created);
    try {
      await this.#save();
    } catch (error) {
      // Not on disk: the token would not survive a restart, so it is not given out (nor the quota used).
      this.#delete(created);
      throw error;
    }
    return { feed: created, token };
  }

  /** Every feed kept (to move them into the database). */
  all(): CalendarFeed[] {
    return [...this.#feeds.values()];
  }

  async byToken(token: string): Promise<CalendarFeed | undefined> {
    return this.#byHash.get(hashFeedToken(token));
  }

  async ownedBy(ownerId: string): Promise<CalendarFeed[]> {
    return this.#ownedBy(ownerId);
  }

  #ownedBy(ownerId: string): CalendarFeed[] {
    return [...this.#feeds.values()].filter((f) => f.ownerId === ownerId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(id: string, ownerId: string): Promise<boolean> {
    const feed = this.#feeds.get(id);
    if (!feed || feed.ownerId !== ownerId) return false;
    return this.remove(id);
  }

  async remove(id: string): Promise<boolean> {
    const feed = this.#feeds.get(id);
    if (!feed) return false;
    this.#delete(feed);
    await this.#save();
    return true;
  }
}

/**
 * A hub moving to the database (`PostgresFeedStore`) keeps the feeds of its JSON file: they are
 * copied in (same token hashes: the URLs in calendar apps keep working) and the file is renamed
 * `….imported`, so it is read once. Returns how many feeds were added (0 without a file).
 */
export async function moveFileFeeds(file: string, into: { adopt(feeds: readonly CalendarFeed[]): Promise<number> }): Promise<number> {
  try {
    await access(file);
  } catch {
    return 0;
  }
  const kept = new FileFeedStore(file);
  await kept.init();
  const added = await into.adopt(kept.all());
  await rename(file, `${file}.imported`);
  return added;
}
