import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { QuotaExceededError } from '../quota.ts';
import type { HubDatabase } from '../database.ts';
import type { CalendarFeedRow } from '../schema.ts';
import { hashFeedToken, type CalendarFeed, type FeedStore, type NewCalendarFeed } from './feed.ts';

/** The most feeds one owner's list returns (the quota keeps it far below; a lowered quota too). */
const MAX_LISTED = 100;

/** A feed id the store gave out (a uuid): anything else is no feed, and never reaches a uuid column. */
const FEED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const feedOf = (row: Pick<CalendarFeedRow, 'id' | 'token_hash' | 'owner_id' | 'pupil_id' | 'created_at'>): CalendarFeed => ({
  id: row.id,
  tokenHash: row.token_hash,
  ownerId: row.owner_id,
  pupilId: row.pupil_id,
  createdAt: row.created_at.toISOString(),
});

/**
 * Calendar feeds in the hub's PostgreSQL database (table `calendar_feeds`), shared by every vie
 * scolaire subgraph instance. Only the token's SHA-256 is stored; a revoked or removed feed keeps its
 * row with `revoked_at` set and opens nothing.
 */
export class PostgresFeedStore implements FeedStore {
  constructor(private readonly database: HubDatabase) {}

  async create(feed: NewCalendarFeed, maxPerOwner: number): Promise<{ feed: CalendarFeed; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const row = await this.database.db.transaction().execute(async (trx) => {
      // The owner's creations go one at a time, on every instance: READ COMMITTED alone would let
      // concurrent transactions each count the others' uncommitted rows as absent and all pass the quota.
      // Two int4 keys: a key space apart from single-bigint advisory locks (the migrator's).
      await sql`SELECT pg_advisory_xact_lock(hashtext('calendar_feeds'), hashtext(${feed.ownerId}))`.execute(trx);
      const { live } = await trx
        .selectFrom('calendar_feeds')
        .select((eb) => eb.fn.countAll<string>().as('live'))
        .where('owner_id', '=', feed.ownerId)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(live) >= maxPerOwner) throw new QuotaExceededError('feedsPerPerson', maxPerOwner);
      return trx
        .insertInto('calendar_feeds')
        .values({ id: randomUUID(), token_hash: hashFeedToken(token), owner_id: feed.ownerId, pupil_id: feed.pupilId })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return { feed: feedOf(row), token };
  }

  /** One round trip, by the unique index on the hash; records the use at most once a minute (not a write per GET). */
  async byToken(token: string): Promise<CalendarFeed | undefined> {
    const tokenHash = hashFeedToken(token);
    const row = await this.database.db
      .with('touched', (db) =>
        db
          .updateTable('calendar_feeds')
          .set({ last_used_at: sql<Date>`now()` })
          .where('token_hash', '=', tokenHash)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)])),
      )
      .selectFrom('calendar_feeds')
      .select(['id', 'token_hash', 'owner_id', 'pupil_id', 'created_at'])
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && feedOf(row);
  }

  async ownedBy(ownerId: string): Promise<CalendarFeed[]> {
    const rows = await this.database.db
      .selectFrom('calendar_feeds')
      .select(['id', 'token_hash', 'owner_id', 'pupil_id', 'created_at'])
      .where('owner_id', '=', ownerId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(MAX_LISTED)
      .execute();
    return rows.map(feedOf);
  }

  /**
   * Takes in feeds an earlier version kept in a file (a hub upgraded to the database): same token hashes, so
   * the URLs already pasted into calendar apps keep working. Idempotent (a feed already here is
   * skipped); returns how many were added.
   */
  async adopt(feeds: readonly CalendarFeed[]): Promise<number> {
    let added = 0;
    // In slices: one statement's parameters stay far below PostgreSQL's limit (65,535).
    for (let i = 0; i < feeds.length; i += 1_000) {
      const slice = feeds.slice(i, i + 1_000).filter((f) => FEED_ID.test(f.id));
      if (!slice.length) continue;
      const result = await this.database.db
        .insertInto('calendar_feeds')
        .values(slice.map((f) => ({ id: f.id, token_hash: f.tokenHash, owner_id: f.ownerId, pupil_id: f.pupilId, created_at: f.createdAt })))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return added;
  }

  revoke(id: string, ownerId: string): Promise<boolean> {
    return this.#end(id, ownerId);
  }

  remove(id: string): Promise<boolean> {
    return this.#end(id);
  }

  async #end(id: string, ownerId?: string): Promise<boolean> {
    if (!FEED_ID.test(id)) return false;
    let update = this.database.db
      .updateTable('calendar_feeds')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null);
    if (ownerId !== undefined) update = update.where('owner_id', '=', ownerId);
    const { numUpdatedRows } = await update.executeTakeFirst();
    return numUpdatedRows > 0n;
  }
}
