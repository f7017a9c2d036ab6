import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
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

/** Calendar feeds, kept in one JSON file written atomically; small (a few per person). */
export class FeedStore {
  #feeds = new Map<string, CalendarFeed>();

  constructor(readonly file: string) {}

  async init(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    try {
      for (const feed of JSON.parse(await readFile(this.file, 'utf8')) as CalendarFeed[]) this.#feeds.set(feed.id, feed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async #save(): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify([...this.#feeds.values()]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }

  /**
   * Creates a feed; the token is returned once, never stored. At most `maxPerOwner` feeds per owner
   * (checked and taken synchronously, so concurrent creations cannot pass it).
   */
  async create(feed: Omit<CalendarFeed, 'id' | 'tokenHash' | 'createdAt' | 'schools'>, maxPerOwner: number): Promise<{ feed: CalendarFeed; token: string }> {
    if (this.ownedBy(feed.ownerId).length >= maxPerOwner) throw new QuotaExceededError('feedsPerPerson', maxPerOwner);
    const token = randomBytes(32).toString('base64url');
    const created: CalendarFeed = { ...feed, id: randomUUID(), tokenHash: hash(token), createdAt: new Date().toISOString() };
    this.#feeds.set(created.id, created);
    await this.#save();
    return { feed: created, token };
  }

  byToken(token: string): CalendarFeed | undefined {
    const wanted = hash(token);
    return [...this.#feeds.values()].find((f) => f.tokenHash === wanted);
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
    if (!this.#feeds.delete(id)) return false;
    await this.#save();
    return true;
  }
}
