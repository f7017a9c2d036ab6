import { z } from 'zod';
import type { MailConfig } from '../../connectors/mail/mail-sender.ts';
import { SMS_SENDER_PATTERN, type SmsGatewayConfig } from '../../connectors/sms/sms-gateway.ts';
import { boolean, envSchema, integer, parsedBy, port, readEnv, secret, text, url, type Env } from '../../lib/config/env.ts';
import { minutesOfTimeOfDay } from '../../lib/french-dates.ts';
import { DEFAULT_DIGEST_SCHEDULE, type DigestSchedule } from './model.ts';

/** `HH:mm` → minutes after midnight. */
function minutesOf(raw: string): number {
  const minutes = minutesOfTimeOfDay(raw);
  if (minutes === undefined) throw new Error('expected HH:mm (00:00 to 23:59)');
  return minutes;
}
const timeOfDay = (fallback: number) => parsedBy(minutesOf, 'a time of day, HH:mm (Europe/Paris)', { default: fallback });

/** The notifications' settings (docs/notifications.md), checked whole at start. */
export const NOTIFICATIONS_ENV = envSchema(
  {
    /** How often each school's vie scolaire system is polled for changes. */
    NOTIFICATIONS_POLL_INTERVAL_SECONDS: integer({ min: 10, max: 24 * 3600, default: 300 }),
    /**
     * A person's read that fetched fresh data of a school (a guardian opening the home) makes the
     * detector poll that school and kind early, but not sooner than this after its last poll.
     */
    NOTIFICATIONS_FRESH_READ_MIN_GAP_SECONDS: integer({ min: 1, max: 24 * 3600, default: 60 }),
    /** Pupils per upstream call when polling. */
    NOTIFICATIONS_POLL_BATCH: integer({ min: 1, max: 500, default: 50 }),
    /** More changes than this from one poll of one kind of data: taken as an upstream's glitch, a new baseline, nothing sent. */
    NOTIFICATIONS_MAX_EVENTS_PER_POLL: integer({ min: 1, max: 1_000_000, default: 500 }),
    /** When the daily digest leaves, every day (Europe/Paris). */
    NOTIFICATIONS_DAILY_DIGEST_AT: timeOfDay(DEFAULT_DIGEST_SCHEDULE.dailyAt),
    /** When the weekly digest leaves, on Mondays (Europe/Paris). */
    NOTIFICATIONS_WEEKLY_DIGEST_AT: timeOfDay(DEFAULT_DIGEST_SCHEDULE.weeklyAt),
    /** SMS one school may send per day; past it, what was due by SMS goes by e-mail. */
    NOTIFICATIONS_SMS_DAILY_BUDGET: integer({ min: 0, max: 1_000_000, default: 1_000 }),
    /** Attempts of one delivery while the relay or the gateway is down (with exponential backoff from the delay below). */
    NOTIFICATIONS_RETRY_LIMIT: integer({ min: 0, max: 100, default: 12 }),
    NOTIFICATIONS_RETRY_DELAY_SECONDS: integer({ min: 1, max: 3600, default: 30 }),
    /**
     * Attempts at fanning out one event whose planning fails (the directory down, a bug on odd data),
     * with exponential backoff from the delay below, before it is set aside (failed, counted, logged):
     * about 8.5 hours with the defaults. The events behind it do not wait for it.
     */
    NOTIFICATIONS_FAN_OUT_ATTEMPTS: integer({ min: 1, max: 30, default: 10 }),
    NOTIFICATIONS_FAN_OUT_RETRY_DELAY_SECONDS: integer({ min: 1, max: 3600, default: 30 }),
    /** The portal's address in e-mails (default: the router's public URL). */
    NOTIFICATIONS_PORTAL_URL: url({}),
    HUB_SMTP_HOST: text({}),
    HUB_SMTP_PORT: port(587),
    HUB_SMTP_SECURE: boolean({ default: false }),
    HUB_SMTP_USER: text({}),
    HUB_SMTP_PASSWORD: secret({ minBytes: 1 }),
    HUB_MAIL_FROM: text({ default: 'ENT <ne-pas-repondre@ent.localhost>' }),
    HUB_SMS_ENDPOINT: url({}),
    HUB_SMS_API_KEY: secret({ minBytes: 8 }),
    HUB_SMS_SENDER: parsedBy((raw) => z.string().regex(SMS_SENDER_PATTERN).parse(raw), '3 to 11 letters, digits or spaces, at least one letter', {
      default: 'ENT',
    }),
  },
  (v) =>
    v.HUB_SMS_ENDPOINT && !v.HUB_SMS_API_KEY
      ? [{ variable: 'HUB_SMS_API_KEY', expected: 'the SMS gateway key', detail: 'required when HUB_SMS_ENDPOINT is set' }]
      : [],
);

export interface NotificationsConfig {
  pollIntervalMs: number;
  /** The least time between two polls of a school's kind of data when a fresh read asks for an early one. */
  freshReadMinGapMs: number;
  batchSize: number;
  maxEventsPerPoll: number;
  digests: DigestSchedule;
  smsDailyBudget: number;
  retry: { limit: number; delaySeconds: number };
  /** An event whose fan-out fails: its attempts, and the delay before the second (doubling). */
  fanOut: { attempts: number; delaySeconds: number };
  portalUrl?: string;
  /** Undefined: no relay (e-mails fail as misconfigured and say so; the app still shows everything). */
  mail?: MailConfig;
  sms?: SmsGatewayConfig;
}

export function notificationsConfigFromEnv(env: Env): NotificationsConfig {
  const v = readEnv(NOTIFICATIONS_ENV, env);
  return {
    pollIntervalMs: v.NOTIFICATIONS_POLL_INTERVAL_SECONDS * 1000,
    freshReadMinGapMs: v.NOTIFICATIONS_FRESH_READ_MIN_GAP_SECONDS * 1000,
    batchSize: v.NOTIFICATIONS_POLL_BATCH,
    maxEventsPerPoll: v.NOTIFICATIONS_MAX_EVENTS_PER_POLL,
    digests: { dailyAt: v.NOTIFICATIONS_DAILY_DIGEST_AT, weeklyAt: v.NOTIFICATIONS_WEEKLY_DIGEST_AT },
    smsDailyBudget: v.NOTIFICATIONS_SMS_DAILY_BUDGET,
    retry: { limit: v.NOTIFICATIONS_RETRY_LIMIT, delaySeconds: v.NOTIFICATIONS_RETRY_DELAY_SECONDS },
    fanOut: { attempts: v.NOTIFICATIONS_FAN_OUT_ATTEMPTS, delaySeconds: v.NOTIFICATIONS_FAN_OUT_RETRY_DELAY_SECONDS },
    ...(v.NOTIFICATIONS_PORTAL_URL ? { portalUrl: v.NOTIFICATIONS_PORTAL_URL } : {}),
    ...(v.HUB_SMTP_HOST
      ? {
          mail: {
            host: v.HUB_SMTP_HOST,
            port: v.HUB_SMTP_PORT,
            secure: v.HUB_SMTP_SECURE,
            from: v.HUB_MAIL_FROM,
            ...(v.HUB_SMTP_USER ? { user: v.HUB_SMTP_USER } : {}),
            ...(v.HUB_SMTP_PASSWORD ? { password: v.HUB_SMTP_PASSWORD } : {}),
          },
        }
      : {}),
    ...(v.HUB_SMS_ENDPOINT && v.HUB_SMS_API_KEY ? { sms: { endpoint: v.HUB_SMS_ENDPOINT, apiKey: v.HUB_SMS_API_KEY, sender: v.HUB_SMS_SENDER } } : {}),
  };
}

export const DEFAULT_NOTIFICATIONS: NotificationsConfig = notificationsConfigFromEnv({});
