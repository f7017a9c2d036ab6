import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../../../connectors/directory/directory.ts';
import type { VieScolaireClient } from '../../../connectors/vie-scolaire/client.ts';
import { Perimeter, type PerimeterOptions } from '../../perimeter/perimeter.ts';
import { schoolsOfPupil } from '../pupil-schools.ts';
import { addDays } from '../days.ts';
import { renderCalendar, type CalendarEvent } from './ical.ts';
import type { FeedStore } from './feed-store.ts';

const plainText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ').trim();

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
};

/**
 * Whether a person may have a calendar feed of a pupil: the pupil themselves, or a guardian with
 * authority over them, as the directory says now. Checked when the feed is created and each time
 * it is served (a feed outlives any session: a parent who loses legal authority loses the feed).
 */
export const mayFollowPupil = (perimeter: Perimeter, pupilId: string) => perimeter.isPupilOrGuardianOf(pupilId);

/**
 * `GET /calendar/{token}.ics`: a person's (or a child's) timetable for the week behind and the four
 * ahead, cancelled lessons marked CANCELLED, and homework due dates as all-day events. The token is
 * the only credential (calendar apps send nothing else): unknown or revoked, it is a plain 404; its
 * owner no longer allowed to follow the pupil, it is ended and answers 410 Gone.
 */
export function calendarFeedRoute(options: { store: FeedStore; client: VieScolaireClient; today: () => string; directory: Directory; perimeter: PerimeterOptions }) {
  return {
    prefix: '/calendar/',
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const token = /^\/calendar\/([\w-]{20,100})\.ics$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
      const feed = token ? options.store.byToken(token) : undefined;
      if (req.method !== 'GET' || !feed) return text(res, 404, 'Not found');
      let schools: string[];
      try {
        const owner = new Perimeter({ kind: 'person', personId: feed.ownerId, scopes: [], policies: [] }, options.directory, options.perimeter);
        if (!(await mayFollowPupil(owner, feed.pupilId))) {
          await options.store.remove(feed.id);
          return text(res, 410, 'This calendar feed has ended.');
        }
        const [pupil] = await options.directory.people([feed.pupilId]);
        schools = pupil?.kind === 'student' ? await schoolsOfPupil(options.directory, pupil, new Set(options.client.upstreams.schools)) : [];
      } catch {
        // The directory unreachable: nothing is served that was not checked.
        return text(res, 503, 'The directory is unavailable; try again later.', { 'retry-after': '300' });
      }
      const today = options.today();
      const lessonsRange = { from: addDays(today, -7), to: addDays(today, 28) };
      const homeworkRange = { from: today, to: addDays(today, 28) };
      const answers = await Promise.allSettled(
        schools.map(async (uai) => ({
          // Each feed is its own caller upstream: polling one URL hard fills that feed's lane, nobody else's.
          lessons: (await options.client.timetable(uai, [feed.pupilId], lessonsRange, { caller: `feed:${feed.id}` })).get(feed.pupilId) ?? [],
          homework: (await options.client.homework(uai, [feed.pupilId], homeworkRange, { caller: `feed:${feed.id}` })).get(feed.pupilId) ?? [],
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
