import { parisInstant, parisIsoOf, parisWallClock } from '../../lib/french-dates.ts';
import { addDays } from '../../lib/iso-days.ts';
import type { PostgresAgendaStore, SchoolEvent } from '../../store/agenda/postgres-store.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';

/** What is said of a school event: its announcement, its cancellation, the reminder the day before. */
export type SchoolEventNews = 'created' | 'canceled' | 'reminder';

/**
 * The notification event of a school event's news, keyed so that each is recorded once whatever
 * the instance or the retry. Its details are what render.ts says and what fan-out.ts reads the
 * audience from (the pupils are found in the directory when it is fanned out, not now).
 */
export function schoolEventNotification(event: SchoolEvent, news: SchoolEventNews) {
  const key = news === 'created' ? `school-event|${event.id}` : news === 'canceled' ? `school-event-canceled|${event.id}` : `school-event-reminder|${event.id}`;
  return {
    kind: 'school-event',
    uai: event.uai,
    pupilId: null,
    key,
    details: {
      eventId: event.id,
      title: event.title,
      startsAt: parisIsoOf(event.startsAt),
      location: event.location,
      audience: { uai: event.uai, kind: event.audience.kind, code: event.audience.code },
      ...(news === 'canceled' ? { canceled: true } : {}),
      ...(news === 'reminder' ? { reminder: true } : {}),
    },
  };
}

/**
 * The reminders of the day before: the events starting tomorrow (Europe/Paris) not canceled and
 * not reminded yet become `school-event` events with `reminder: true`. An event created today for
 * tomorrow was just announced: no reminder on top. Claimed under row locks, recorded in the
 * claim's transaction: once, whatever the number of instances. Returns how many were reminded.
 */
export async function remindSchoolEvents(agenda: PostgresAgendaStore, notifications: PostgresNotificationStore, now: Date, limit: number): Promise<number> {
  const today = parisWallClock(now).day;
  const window = { from: parisInstant(addDays(today, 1), 0), to: parisInstant(addDays(today, 2), 0), createdBefore: parisInstant(today, 0) };
  let total = 0;
  for (;;) {
    const claimed = await agenda.claimReminders(
      window,
      limit,
      async (events) => {
        for (const event of events) await notifications.recordEvent(schoolEventNotification(event, 'reminder'), now);
      },
      now,
    );
    total += claimed;
    if (claimed < limit) return total;
  }
}
