import { createHash } from 'node:crypto';

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

/** What a new feed is given by its creator; the store adds its id, token and creation time. */
export type NewCalendarFeed = Pick<CalendarFeed, 'ownerId' | 'pupilId'>;

/**
 * The calendar feeds the vie scolaire subgraph serves: `PostgresFeedStore`, shared by every
 * instance through the hub's database.
 */
export interface FeedStore {
  /**
   * Creates a feed; the token is returned once, never stored. At most `maxPerOwner` live feeds per
   * owner, however many creations run at once (`QuotaExceededError` past it).
   */
  create(feed: NewCalendarFeed, maxPerOwner: number): Promise<{ feed: CalendarFeed; token: string }>;
  /** The live feed this token opens, if any (a calendar app's GET). */
  byToken(token: string): Promise<CalendarFeed | undefined>;
  /** An owner's live feeds, oldest first. */
  ownedBy(ownerId: string): Promise<CalendarFeed[]>;
  /** Ends one of the owner's feeds; false when it is not theirs or not live. */
  revoke(id: string, ownerId: string): Promise<boolean>;
  /** Ends a feed whatever its owner (its owner no longer may follow the pupil). */
  remove(id: string): Promise<boolean>;
}

/** The only form in which a feed's token is kept (hex SHA-256): a leaked store gives no working URL. */
export const hashFeedToken = (token: string): string => createHash('sha256').update(token).digest('hex');
