import { envSchema, integer, mergeEnv, readEnv, type Env } from '../../lib/config/env.ts';

const DAY_MS = 86_400_000;

/**
 * `VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS`: how long a settled submission (accepted, rejected, a homework
 * received) and its file are kept. Declared once here: the vie scolaire subgraph prunes its outbox
 * with it, and the daily purge applies it to the outbox table.
 */
export const OUTBOX_RETENTION_ENV = envSchema({
  VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS: integer({ min: 1, max: 3650, default: 90 }),
});

/** How long each kind of data the hub keeps lives (docs/privacy.md, the register of processing). */
export const RETENTION_ENV = mergeEnv(
  OUTBOX_RETENTION_ENV,
  envSchema({
    /** The access journal: events older are deleted (whole months by dropping their partitions). */
    HUB_RETENTION_JOURNAL_DAYS: integer({ min: 1, max: 3650, default: 365 }),
    /** Login history (`viewer { loginHistory }`). */
    HUB_RETENTION_LOGIN_HISTORY_DAYS: integer({ min: 1, max: 3650, default: 365 }),
    /** A calendar feed no calendar app fetched for this long (or never, since its creation) is revoked. */
    HUB_RETENTION_FEED_UNUSED_DAYS: integer({ min: 1, max: 3650, default: 365 }),
    /** A revoked calendar feed's row is deleted this long after its revocation. */
    HUB_RETENTION_REVOKED_FEED_DAYS: integer({ min: 1, max: 3650, default: 30 }),
    /** The record of a data export request (not its document: that goes at download or expiry). */
    HUB_RETENTION_DATA_EXPORT_DAYS: integer({ min: 1, max: 3650, default: 30 }),
    /** Messages (the communication subgraph), with their copies and signatures, this long after they were sent. */
    HUB_RETENTION_MESSAGES_DAYS: integer({ min: 1, max: 3650, default: 365 }),
    /** A message put in the trash is deleted this long after (until then it can be restored). */
    HUB_RETENTION_MESSAGE_TRASH_DAYS: integer({ min: 1, max: 3650, default: 30 }),
    /** Notifications, the events behind them and their deliveries and digests, this long after the event. */
    HUB_RETENTION_NOTIFICATIONS_DAYS: integer({ min: 1, max: 3650, default: 90 }),
    /** How often the purge runs, across all instances together. */
    HUB_RETENTION_PURGE_EVERY_HOURS: integer({ min: 1, max: 24 * 7, default: 24 }),
  }),
);

/** Retention periods, in milliseconds. */
export interface RetentionConfig {
  journalMs: number;
  loginHistoryMs: number;
  feedUnusedMs: number;
  revokedFeedMs: number;
  dataExportMs: number;
  outboxMs: number;
  messagesMs: number;
  messageTrashMs: number;
  notificationsMs: number;
  /** Time between two runs of the purge (one instance runs it each time). */
  purgeEveryMs: number;
}

export const DEFAULT_RETENTION: RetentionConfig = retentionConfigFromEnv({});

/** The retention periods from the environment; a ConfigError names every bad variable. */
export function retentionConfigFromEnv(env: Env): RetentionConfig {
  const v = readEnv(RETENTION_ENV, env);
  return {
    journalMs: v.HUB_RETENTION_JOURNAL_DAYS * DAY_MS,
    loginHistoryMs: v.HUB_RETENTION_LOGIN_HISTORY_DAYS * DAY_MS,
    feedUnusedMs: v.HUB_RETENTION_FEED_UNUSED_DAYS * DAY_MS,
    revokedFeedMs: v.HUB_RETENTION_REVOKED_FEED_DAYS * DAY_MS,
    dataExportMs: v.HUB_RETENTION_DATA_EXPORT_DAYS * DAY_MS,
    outboxMs: v.VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS * DAY_MS,
    messagesMs: v.HUB_RETENTION_MESSAGES_DAYS * DAY_MS,
    messageTrashMs: v.HUB_RETENTION_MESSAGE_TRASH_DAYS * DAY_MS,
    notificationsMs: v.HUB_RETENTION_NOTIFICATIONS_DAYS * DAY_MS,
    purgeEveryMs: v.HUB_RETENTION_PURGE_EVERY_HOURS * 3_600_000,
  };
}
