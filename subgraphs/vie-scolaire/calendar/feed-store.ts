import { access, readFile, rename } from 'node:fs/promises';
import type { CalendarFeed } from '../../../store/feeds/feed.ts';

// The feed and the store's interface are the hub store's (store/feeds/): one definition for every use.
export type { CalendarFeed, FeedStore } from '../../../store/feeds/feed.ts';

/**
 * An earlier version kept calendar feeds in one JSON file of the data folder (an array of feeds,
 * token hashes only); the feeds are now in the hub's database (`PostgresFeedStore`). The file's
 * feeds are copied in (same token hashes: the URLs in calendar apps keep working) and the file is
 * renamed `….imported`, so it is read once. Returns how many feeds were added (0 without a file).
 */
export async function moveFileFeeds(file: string, into: { adopt(feeds: readonly CalendarFeed[]): Promise<number> }): Promise<number> {
  try {
    await access(file);
  } catch {
    return 0;
  }
  const added = await into.adopt(JSON.parse(await readFile(file, 'utf8')) as CalendarFeed[]);
  await rename(file, `${file}.imported`);
  return added;
}
