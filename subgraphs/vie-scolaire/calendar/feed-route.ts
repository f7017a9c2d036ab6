import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VieScolaireClient } from '../../../connectors/vie-scolaire/client.ts';
import { addDays } from '../days.ts';
import { renderCalendar, type CalendarEvent } from './ical.ts';
import type { FeedStore } from './feed-store.ts';

const plainText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ').trim();

/**
 * `GET /calendar/{token}.ics`: a person's (or a child's) timetable for the week behind and the four
 * ahead, cancelled lessons marked CANCELLED, and homework due dates as all-day events. The token is
 * the only credential (calendar apps send nothing else): unknown or revoked, it is a plain 404.
 */
export function calendarFeedRoute(options: { store: FeedStore; client: VieScolaireClient; today: () => string }) {
  return {
    prefix: '/calendar/',
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const token = /^\/calendar\/([\w-]{20,100})\.ics$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
      const feed = token ? options.store.byToken(token) : undefined;
      if (req.method !== 'GET' || !feed) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found');
        return;
      }
      const today = options.today();
      const lessonsRange = { from: addDays(today, -7), to: addDays(today, 28) };
      const homeworkRange = { from: today, to: addDays(today, 28) };
      const schools = feed.schools.filter((uai) => options.client.upstreams.has(uai));
      const answers = await Promise.allSettled(
        schools.map(async (uai) => ({
          lessons: (await options.client.timetable(uai, [feed.pupilId], lessonsRange)).get(feed.pupilId) ?? [],
          homework: (await options.client.homework(uai, [feed.pupilId], homeworkRange)).get(feed.pupilId) ?? [],
        })),
      );
      const fulfilled = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      if (!fulfilled.length && answers.length) {
        // Calendar apps retry later; a stale calendar is better than an empty one.
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '300' });
        res.end('The school’s system is unavailable; try again later.');
        return;
      }
      const events: CalendarEvent[] = [
        ...fulfilled.flatMap((f) =>
          f.lessons.map((lesson) => ({
            uid: `${lesson.id}@ent-hub`,
            start: lesson.start,
            end: lesson.end,
            summary: lesson.canceled ? `${lesson.subject.label} (annulé)` : lesson.subject.label,
            description: [lesson.teachers.join(', '), lesson.status].filter(Boolean).join(' — ') || undefined,
            location: lesson.rooms.join(', ') || undefined,
            status: lesson.canceled ? ('CANCELLED' as const) : ('CONFIRMED' as const),
          })),
        ),
        ...fulfilled.flatMap((f) =>
          f.homework.map((h) => ({
            uid: `${h.id}@ent-hub`,
            start: h.dueOn,
            end: addDays(h.dueOn, 1),
            summary: `Devoir : ${h.subject.label}`,
            description: plainText(h.descriptionHtml) || undefined,
          })),
        ),
      ];
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' });
      res.end(renderCalendar('Emploi du temps et devoirs', events));
    },
  };
}
