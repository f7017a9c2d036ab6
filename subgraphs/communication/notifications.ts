import { displayNameOf, type Person } from '../../connectors/directory/model.ts';
import { InvalidNotificationCursorError } from '../../store/notifications/postgres-store.ts';
import { preferenceFor } from '../../workers/notifications/fan-out.ts';
import { CATEGORIES, DEFAULT_QUIET_HOURS, type Category, type QuietHours, type RecipientProfile } from '../../workers/notifications/model.ts';
import { minutesOfTimeOfDay, timeOfDay } from '../../lib/french-dates.ts';
import { badInput } from './compose.ts';
import type { CommunicationContext } from './context.ts';
import { personOf as viewerPerson } from './viewer.ts';
import type { NotificationPreferenceInput, Resolvers } from './generated/resolvers-types.ts';

const personOf = (ctx: CommunicationContext) => viewerPerson(ctx, 'to see notifications');

const PAGE_MAX = 50;
function minutesArgument(name: string, value: string): number {
  const minutes = minutesOfTimeOfDay(value);
  if (minutes === undefined) throw badInput(`${name} must be a time of day, HH:mm (00:00 to 23:59), got ${JSON.stringify(value.slice(0, 20))}.`);
  return minutes;
}

const profileOf = (person: Person | undefined): RecipientProfile => (person ? person.kind : 'staff');

/** The viewer's settings: their choices, else their profile's defaults, and their quiet hours. */
async function settingsOf(ctx: CommunicationContext, personId: string) {
  const [self, chosen, quiet] = await Promise.all([
    ctx.perimeter.self(),
    ctx.notifications.preferencesOf([personId]),
    ctx.notifications.quietHoursOf([personId]),
  ]);
  const profile = profileOf(self);
  const hours: QuietHours = quiet.get(personId) ?? DEFAULT_QUIET_HOURS;
  return {
    preferences: CATEGORIES.map((category) => preferenceFor(profile, category, chosen.get(personId))),
    quietFrom: timeOfDay(hours.from),
    quietTo: timeOfDay(hours.to),
    smsAvailable: profile === 'guardian',
  };
}

/** A page of the person's notifications, newest first, the children they are about named. */
export async function notificationsPage(ctx: CommunicationContext, personId: string, first: number, after: string | null | undefined) {
  if (first < 1 || first > PAGE_MAX) throw badInput(`first must be from 1 to ${PAGE_MAX}.`);
  let page;
  try {
    page = await ctx.notifications.notificationsOf(personId, first, after ?? undefined);
  } catch (error) {
    if (error instanceof InvalidNotificationCursorError) throw badInput('after is not a cursor this list gave.', { reason: error.code });
    throw error;
  }
  // The children named, in one directory call for the page.
  const childIds = [...new Set(page.items.flatMap((n) => (n.childId ? [n.childId] : [])))];
  const children = new Map((await ctx.directory.people(childIds)).flatMap((p) => (p ? [[p.id, { id: p.id, displayName: displayNameOf(p) }] as const] : [])));
  return {
    items: page.items.map((n) => ({
      id: n.id,
      category: n.category as Category,
      title: n.title,
      body: n.body,
      link: n.link,
      child: n.childId ? (children.get(n.childId) ?? null) : null,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
    endCursor: page.endCursor ?? null,
    hasNextPage: page.hasNextPage,
  };
}

export const notificationResolvers: Resolvers = {
  Query: {
    viewer: (_, __, ctx) => ({ personId: personOf(ctx) }),
    contactProblems: async (_, { first }, ctx) => {
      personOf(ctx);
      const size = first ?? 50;
      if (size < 1 || size > 200) throw badInput('first must be from 1 to 200.');
      // The schools where the viewer directs or runs the vie scolaire now, from the directory: a scope granted elsewhere shows nothing.
      const schoolIds = await ctx.audience.schoolsWhereViewerHolds(['DIR', 'EDU']);
      const uais = (await ctx.directory.schoolsById(schoolIds)).flatMap((s) => (s ? [s.uai] : []));
      const problems = await ctx.notifications.contactProblems(uais, size);
      const people = await ctx.directory.people(problems.map((p) => p.person_id));
      return problems.map((p, i) => ({
        person: { id: p.person_id, displayName: people[i] ? displayNameOf(people[i]) : '(plus dans l’annuaire)' },
        uai: p.uai,
        channel: p.channel,
        problem: p.problem,
        firstSeenAt: p.first_seen_at.toISOString(),
        lastSeenAt: p.last_seen_at.toISOString(),
        occurrences: p.occurrences,
      }));
    },
  },
  Viewer: {
    notifications: ({ personId }, { first, after }, ctx) => notificationsPage(ctx, personId, first, after),
    unreadNotifications: ({ personId }, _, ctx) => ctx.notifications.unreadCount(personId),
    notificationPreferences: ({ personId }, _, ctx) => settingsOf(ctx, personId),
  },
  Mutation: {
    markNotificationsRead: async (_, { ids }, ctx) => {
      if (ids && ids.length > PAGE_MAX) throw badInput(`At most ${PAGE_MAX} ids at once (or none: all).`);
      // The person's own only: another person's id changes nothing.
      return ctx.notifications.markRead(personOf(ctx), ids ?? 'all');
    },
    setNotificationPreferences: async (_, { preferences }, ctx) => {
      const personId = personOf(ctx);
      if (preferences.length > CATEGORIES.length) throw badInput(`At most one preference per category (${CATEGORIES.length}).`);
      const categories = new Set(preferences.map((p) => p.category));
      if (categories.size !== preferences.length) throw badInput('A category appears twice.');
      const profile = profileOf(await ctx.perimeter.self());
      const refusedSms = preferences.find((p: NotificationPreferenceInput) => p.sms === 'IMMEDIATE' && profile !== 'guardian');
      if (refusedSms) throw badInput('SMS notifications are for guardians (their mobile number comes from the school’s records).');
      for (const p of preferences) await ctx.notifications.setPreference(personId, { category: p.category, inApp: p.inApp, email: p.email, sms: p.sms });
      return settingsOf(ctx, personId);
    },
    setQuietHours: async (_, { from, to }, ctx) => {
      const personId = personOf(ctx);
      await ctx.notifications.setQuietHours(personId, { from: minutesArgument('from', from), to: minutesArgument('to', to) });
      return settingsOf(ctx, personId);
    },
  },
};
