import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaExceededError } from '../quota.ts';
import { createLogger } from '../../lib/logger.ts';
import { moveFileFeeds } from '../../subgraphs/vie-scolaire/calendar/feed-store.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { openDatabase, type HubDatabase } from '../database.ts';
import { hashFeedToken } from './feed.ts';
import { PostgresFeedStore } from './postgres-store.ts';

let database: HubDatabase;
let store: PostgresFeedStore;
beforeAll(async () => {
  // Enough connections for 10 creations to really run at once.
  database = await openTestDatabase({ poolMax: 12 });
  store = new PostgresFeedStore(database);
});
afterAll(() => database?.close());

const lastUsedOf = async (id: string) =>
  (await database.db.selectFrom('calendar_feeds').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;

describe('calendar feeds in PostgreSQL', () => {
  it('creates, finds by token, lists by owner, and revokes: a revoked token opens nothing', async () => {
    const first = await store.create({ ownerId: 'parent-a', pupilId: 'child-1' }, 5);
    const second = await store.create({ ownerId: 'parent-a', pupilId: 'child-2' }, 5);
    await store.create({ ownerId: 'parent-b', pupilId: 'child-3' }, 5);

    expect(await store.byToken(first.token)).toEqual(first.feed);
    expect(first.feed).toMatchObject({ ownerId: 'parent-a', pupilId: 'child-1' });
    expect(await store.byToken(`${first.token}x`)).toBeUndefined();
    expect((await store.ownedBy('parent-a')).map((f) => f.pupilId)).toEqual(['child-1', 'child-2']);

    // Only its owner revokes it; an id the store never gave out is no feed (and no SQL error).
    expect(await store.revoke(first.feed.id, 'parent-b')).toBe(false);
    expect(await store.revoke('not-a-feed-id', 'parent-a')).toBe(false);
    expect(await store.revoke(first.feed.id, 'parent-a')).toBe(true);
    expect(await store.revoke(first.feed.id, 'parent-a')).toBe(false);
    expect(await store.byToken(first.token)).toBeUndefined();
    expect((await store.ownedBy('parent-a')).map((f) => f.id)).toEqual([second.feed.id]);
    const revoked = await database.db.selectFrom('calendar_feeds').select('revoked_at').where('id', '=', first.feed.id).executeTakeFirstOrThrow();
    expect(revoked.revoked_at).toBeInstanceOf(Date);

    // Removed whatever its owner (the owner may no longer follow the pupil).
    expect(await store.remove(second.feed.id)).toBe(true);
    expect(await store.byToken(second.token)).toBeUndefined();
    expect(await store.ownedBy('parent-a')).toEqual([]);
  });

  it('10 creations at once with a quota of 3: exactly 3 feeds, the others refused with the quota error', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create({ ownerId: 'racer', pupilId: `pupil-${i}` }, 3)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    const refusals = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    expect(refusals).toHaveLength(7);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(QuotaExceededError);
    expect(await store.ownedBy('racer')).toHaveLength(3);

    // A revoked feed frees its place in the quota.
    const [kept] = await store.ownedBy('racer');
    await store.revoke(kept!.id, 'racer');
    await expect(store.create({ ownerId: 'racer', pupilId: 'again' }, 3)).resolves.toMatchObject({ feed: { pupilId: 'again' } });
    await expect(store.create({ ownerId: 'racer', pupilId: 'more' }, 3)).rejects.toBeInstanceOf(QuotaExceededError);
  });

  it('tokens survive reopening the store (another process, a restart)', async () => {
    const created = await Promise.all(Array.from({ length: 4 }, (_, i) => store.create({ ownerId: 'restarter', pupilId: `p${i}` }, 10)));
    const reopened = await openDatabase(database.config, createLogger('feeds-test', 'silent'));
    try {
      const again = new PostgresFeedStore(reopened);
      for (const { feed, token } of created) expect(await again.byToken(token)).toEqual(feed);
      expect(await again.ownedBy('restarter')).toHaveLength(4);
    } finally {
      await reopened.close();
    }
  });

  it('keeps no token in the clear: only its SHA-256', async () => {
    const { feed, token } = await store.create({ ownerId: 'careful', pupilId: 'careful' }, 5);
    const rows = await database.db.selectFrom('calendar_feeds').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);
    const row = rows.find((r) => r.id === feed.id);
    expect(row?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('records when a feed was last used, writing at most once a minute', async () => {
    const { feed, token } = await store.create({ ownerId: 'user', pupilId: 'user' }, 5);
    expect(await lastUsedOf(feed.id)).toBeNull();
    await store.byToken(token);
    const firstUse = await lastUsedOf(feed.id);
    expect(firstUse).toBeInstanceOf(Date);
    await store.byToken(token);
    await store.byToken(token);
    expect(await lastUsedOf(feed.id)).toEqual(firstUse);

    // Over a minute later, the next GET records it again.
    await database.db
      .updateTable('calendar_feeds')
      .set({ last_used_at: sql<Date>`now() - interval '61 seconds'` })
      .where('id', '=', feed.id)
      .execute();
    const old = await lastUsedOf(feed.id);
    await store.byToken(token);
    expect((await lastUsedOf(feed.id))!.getTime()).toBeGreaterThan(old!.getTime() + 60_000);
  });

  it('feeds an earlier version kept in a file move in once: their URLs keep working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-feeds-move-'));
    const file = join(dir, 'calendar-feeds.json');
    // The file as an earlier version wrote it: an array of feeds, token hashes only.
    const kept = ['m1', 'm2'].map((pupilId) => {
      const token = randomBytes(32).toString('base64url');
      return { token, feed: { id: randomUUID(), tokenHash: hashFeedToken(token), ownerId: 'mover', pupilId, createdAt: new Date().toISOString() } };
    });
    writeFileSync(file, JSON.stringify(kept.map((k) => k.feed)));

    expect(await moveFileFeeds(file, store)).toBe(2);
    for (const { feed, token } of kept) expect(await store.byToken(token)).toEqual(feed);
    expect(readdirSync(dir)).toEqual(['calendar-feeds.json.imported']);
    // Read once; and adopting the same feeds again adds nothing.
    expect(await moveFileFeeds(file, store)).toBe(0);
    expect(await store.adopt(kept.map((k) => k.feed))).toBe(0);
    expect(await store.ownedBy('mover')).toHaveLength(2);
  });
});
