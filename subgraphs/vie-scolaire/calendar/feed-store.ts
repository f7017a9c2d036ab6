import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { QuotaExceededError } from '../../../connectors/vie-scolaire/outbox.ts';

export interface CalendarFeed {
  id: string;
  /** SHA-256 of the secret token: the URL cannot be rebuilt from what is stored. */
  tokenHash: string;
  /** Who created it (and may list and revoke it). */
  ownerId: string;
  /** Whose timetable and homework it shows (the owner, or one of their children). */
  pupilId: string;
  /**
   * Feeds of an earlier version kept the schools the owner's session listed at creation; no longer
   * used: the schools to ask, and whether the owner may still follow the pupil, come from the
   * directory each time the feed is served.
   */
  schools?: string[];
  createdAt: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Calendar feeds, kept in one JSON file written atomically; small (a few per person). Writes go one
 * at a time, each to a temporary file of its own renamed over the file: concurrent creations never
 * share a temporary file, and the file on disk is always a whole state, the last one written.
 */
export class FeedStore {
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

  /**
   * Creates a feed; the token is returned once, never stored. At most `maxPerOwner` feeds per owner
   * (checked and taken synchronously, so concurrent creations cannot pass it).
   */
  async create(feed: Omit<CalendarFeed, 'id' | 'tokenHash' | 'createdAt' | 'schools'>, maxPerOwner: number): Promise<{ feed: CalendarFeed; token: string }> {
    if (this.ownedBy(feed.ownerId).length >= maxPerOwner) throw new QuotaExceededError('feedsPerPerson', maxPerOwner);
    const token = randomBytes(32).toString('base64url');
    const created: CalendarFeed = { ...feed, id: randomUUID(), tokenHash: hash(token), createdAt: new Date().toISOString() };
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

  byToken(token: string): CalendarFeed | undefined {
    return this.#byHash.get(hash(token));
  }

  ownedBy(ownerId: string): CalendarFeed[] {
    return [...this.#feeds.values()].filter((f) => f.ownerId === ownerId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(id: string, ownerId: string): Promise<boolean> {
    const feed = this.#feeds.get(id);
    if (!feed || feed.ownerId !== ownerId) return false;
    return this.remove(id);
  }

  /** Ends a feed whatever its owner (its owner no longer may follow the pupil). */
  async remove(id: string): Promise<boolean> {
    const feed = this.#feeds.get(id);
    if (!feed) return false;
    this.#delete(feed);
    await this.#save();
    return true;
  }
}
