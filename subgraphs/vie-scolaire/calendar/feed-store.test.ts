import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFeedStore } from './feed-store.ts';

const storeIn = async (dir: string) => {
  const store = new FileFeedStore(join(dir, 'calendar-feeds.json'));
  await store.init();
  return store;
};

describe('calendar feed store', () => {
  it('10 feeds created at once all succeed, and every token still works after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-feed-store-'));
    const store = await storeIn(dir);
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => store.create({ ownerId: `owner-${i % 3}`, pupilId: `pupil-${i}` }, 10)));
    expect(created).toHaveLength(10);

    const restarted = await storeIn(dir);
    for (const { feed, token } of created) expect((await restarted.byToken(token))?.id).toBe(feed.id);
    expect(await restarted.ownedBy('owner-0')).toHaveLength(4);
    // No temporary file left behind.
    expect(readdirSync(dir)).toEqual(['calendar-feeds.json']);
  });

  it('creations and removals interleaved: what is on disk is the last state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-feed-store-'));
    const store = await storeIn(dir);
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => store.create({ ownerId: 'o', pupilId: `p${i}` }, 20)));
    await Promise.all([
      ...first.slice(0, 3).map(({ feed }) => store.revoke(feed.id, 'o')),
      ...Array.from({ length: 5 }, (_, i) => store.create({ ownerId: 'o', pupilId: `q${i}` }, 20)),
    ]);
    const restarted = await storeIn(dir);
    expect((await restarted.ownedBy('o')).map((f) => f.pupilId).sort()).toEqual(['p3', 'p4', 'q0', 'q1', 'q2', 'q3', 'q4']);
  });
});
