import { addDays } from '../../lib/iso-days.ts';
import { parisInstant, parisWallClock } from '../../lib/french-dates.ts';

/**
 * What a person configures: one preference per category of event. The kinds of event the hub
 * notices (below) each belong to one category.
 */
export const CATEGORIES = ['ABSENCE', 'GRADE', 'HOMEWORK', 'PUNISHMENT', 'TIMETABLE', 'JUSTIFICATION', 'MESSAGE', 'SCHOOL_EVENT'] as const;
export type Category = (typeof CATEGORIES)[number];

export const EVENT_KINDS = [
  'absence',
  'absence-canceled',
  'lateness',
  'punishment',
  'grade',
  'grade-changed',
  'homework',
  'homework-due',
  'lesson-canceled',
  'lesson-moved',
  'justification',
  'message',
  'school-event',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const isEventKind = (kind: string): kind is EventKind => (EVENT_KINDS as readonly string[]).includes(kind);

export const CATEGORY_OF: Record<EventKind, Category> = {
  absence: 'ABSENCE',
  'absence-canceled': 'ABSENCE',
  lateness: 'ABSENCE',
  punishment: 'PUNISHMENT',
  grade: 'GRADE',
  'grade-changed': 'GRADE',
  homework: 'HOMEWORK',
  'homework-due': 'HOMEWORK',
  'lesson-canceled': 'TIMETABLE',
  'lesson-moved': 'TIMETABLE',
  justification: 'JUSTIFICATION',
  message: 'MESSAGE',
  'school-event': 'SCHOOL_EVENT',
};

/** E-mail: at once, in the daily or the weekly digest, or never. */
export type EmailFrequency = 'IMMEDIATE' | 'DAILY' | 'WEEKLY' | 'NEVER';
/** SMS is for what cannot wait: at once or never (an SMS digest would be an e-mail). */
export type SmsFrequency = 'IMMEDIATE' | 'NEVER';

export interface Preference {
  category: Category;
  /** In the app's list of notifications (and its unread count). */
  inApp: boolean;
  email: EmailFrequency;
  sms: SmsFrequency;
}

export type RecipientProfile = 'guardian' | 'student' | 'teacher' | 'staff';

/**
 * Defaults that avoid the flood: absences and lateness by SMS at once for guardians (the promise
 * to families); grades and homework in the daily digest; messages in the app at once and in the
 * daily e-mail; school events in the weekly digest. Pupils and staff get no SMS by default.
 */
const DEFAULTS: Record<Category, { inApp: boolean; email: EmailFrequency; guardianSms: SmsFrequency }> = {
  ABSENCE: { inApp: true, email: 'NEVER', guardianSms: 'IMMEDIATE' },
  GRADE: { inApp: true, email: 'DAILY', guardianSms: 'NEVER' },
  HOMEWORK: { inApp: true, email: 'DAILY', guardianSms: 'NEVER' },
  PUNISHMENT: { inApp: true, email: 'IMMEDIATE', guardianSms: 'NEVER' },
  TIMETABLE: { inApp: true, email: 'DAILY', guardianSms: 'NEVER' },
  JUSTIFICATION: { inApp: true, email: 'NEVER', guardianSms: 'NEVER' },
  MESSAGE: { inApp: true, email: 'DAILY', guardianSms: 'NEVER' },
  SCHOOL_EVENT: { inApp: true, email: 'WEEKLY', guardianSms: 'NEVER' },
};

export function defaultPreference(profile: RecipientProfile, category: Category): Preference {
  const d = DEFAULTS[category];
  return { category, inApp: d.inApp, email: d.email, sms: profile === 'guardian' ? d.guardianSms : 'NEVER' };
}

/** Quiet hours, minutes after midnight Europe/Paris: no SMS or e-mail from `from` until `to` (what falls in them waits). */
export interface QuietHours {
  from: number;
  to: number;
}
export const DEFAULT_QUIET_HOURS: QuietHours = { from: 21 * 60, to: 7 * 60 };

/** When a message due at `at` may leave: `at` itself, or the end of the quiet hours it falls in. */
export function afterQuietHours(at: Date, quiet: QuietHours): Date {
  if (quiet.from === quiet.to) return at;
  const { day, minutes } = parisWallClock(at);
  const overnight = quiet.from > quiet.to;
  const inQuiet = overnight ? minutes >= quiet.from || minutes < quiet.to : minutes >= quiet.from && minutes < quiet.to;
  if (!inQuiet) return at;
  // Overnight hours started this evening end tomorrow morning.
  const endDay = overnight && minutes >= quiet.from ? addDays(day, 1) : day;
  return parisInstant(endDay, quiet.to);
}

/** When the digests leave: the daily one every day at `dailyAt`, the weekly one on Mondays at `weeklyAt` (minutes, Europe/Paris). */
export interface DigestSchedule {
  dailyAt: number;
  weeklyAt: number;
}
export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = { dailyAt: 18 * 60, weeklyAt: 7 * 60 + 30 };

export type DigestFrequency = 'daily' | 'weekly';

/**
 * The latest digest time at or before `now`: the digest of that period holds what was waiting
 * before it. Its `period` (the day it fell on) names it, once per person: an instance that missed
 * the time (down, restarted) sends it late, but never twice.
 */
export function latestDigestTime(now: Date, frequency: DigestFrequency, schedule: DigestSchedule): { period: string; at: Date } {
  const { day, minutes, weekday } = parisWallClock(now);
  if (frequency === 'daily') {
    const period = minutes >= schedule.dailyAt ? day : addDays(day, -1);
    return { period, at: parisInstant(period, schedule.dailyAt) };
  }
  const daysSinceMonday = weekday - 1;
  const monday = addDays(day, -daysSinceMonday);
  const period = daysSinceMonday === 0 && minutes < schedule.weeklyAt ? addDays(monday, -7) : monday;
  return { period, at: parisInstant(period, schedule.weeklyAt) };
}

/** The frequency column of a delivery, from a person's e-mail or SMS preference. */
export function deliveryFrequency(preference: EmailFrequency | SmsFrequency): 'immediate' | 'daily' | 'weekly' | undefined {
  switch (preference) {
    case 'IMMEDIATE':
      return 'immediate';
    case 'DAILY':
      return 'daily';
    case 'WEEKLY':
      return 'weekly';
    case 'NEVER':
      return undefined;
  }
}
