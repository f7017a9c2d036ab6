import { compile } from 'html-to-text';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../../../connectors/directory/directory.ts';
import { boundedCache } from '../../../lib/bounded-cache.ts';
import type { VieScolaireClient } from '../../../connectors/vie-scolaire/client.ts';
import type { Viewer } from '../../../lib/viewer-context.ts';
import { envSchema, integer, type EnvValues } from '../../../lib/config/env.ts';
import { MemoryRateLimitStore, retryAfterSeconds, type RateLimitStore } from '../../../lib/rate-limit-store.ts';
import { Perimeter, type PerimeterOptions } from '../../perimeter/perimeter.ts';
import { createDataSource, type PerSchool, type UpstreamBudgets, type VieScolaireCache } from '../data-source.ts';
import { readableSchools } from '../pupil-schools.ts';
import { addDays } from '../../../lib/iso-days.ts';
import { parisInstant } from '../../../lib/french-dates.ts';
import type { AgendaAudience, PostgresAgendaStore, SchoolEvent } from '../../../store/agenda/postgres-store.ts';
import { pupilAudiences } from '../../perimeter/agenda-audiences.ts';
import { renderCalendar, type CalendarEvent } from './ical.ts';
import type { FeedStore } from './feed-store.ts';

/**
 * A homework's HTML description as the text a calendar app shows: entities decoded once, paragraphs
 * and list items on their own lines, a link's address after its text. No wrapping (calendar apps
 * wrap), and headings keep their case.
 */
const plainText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
});

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

/** How a feed's URL is served (README: `VIE_SCOLAIRE_FEED_*`). */
export interface FeedServingOptions {
  /** GETs of one feed within `windowMs`; past it, 429 with Retry-After (`VIE_SCOLAIRE_FEED_REQUESTS_PER_WINDOW`). */
  requestsPerWindow: number;
  /** `VIE_SCOLAIRE_FEED_RATE_WINDOW_MS`. */
  windowMs: number;
  /** How long a served calendar is served again as it is (`VIE_SCOLAIRE_FEED_CACHE_TTL_MS`). */
  cacheTtlMs: number;
  /** Calendars and counters kept in memory at most, least recently used first out. */
  maxFeeds: number;
}

/**
 * Calendar apps poll every 15 minutes to a few hours, from a phone and a computer or two: ten GETs in
 * five minutes is room for that, and refuses a script. A calendar a few minutes old is what those
 * apps show anyway (`max-age=300`).
 */
export const DEFAULT_FEED_SERVING: FeedServingOptions = { requestsPerWindow: 10, windowMs: 300_000, cacheTtlMs: 300_000, maxFeeds: 50_000 };

/** The feeds' serving variables (README), each a positive integer; the defaults where unset. */
export const FEED_SERVING_ENV = envSchema({
  VIE_SCOLAIRE_FEED_REQUESTS_PER_WINDOW: integer({ min: 1, max: 100_000, default: DEFAULT_FEED_SERVING.requestsPerWindow }),
  VIE_SCOLAIRE_FEED_RATE_WINDOW_MS: integer({ min: 1000, max: 86_400_000, default: DEFAULT_FEED_SERVING.windowMs }),
  VIE_SCOLAIRE_FEED_CACHE_TTL_MS: integer({ min: 1000, max: 86_400_000, default: DEFAULT_FEED_SERVING.cacheTtlMs }),
});

export function feedServingOf(config: EnvValues<typeof FEED_SERVING_ENV.variables>): FeedServingOptions {
  return {
    ...DEFAULT_FEED_SERVING,
    requestsPerWindow: config.VIE_SCOLAIRE_FEED_REQUESTS_PER_WINDOW,
    windowMs: config.VIE_SCOLAIRE_FEED_RATE_WINDOW_MS,
    cacheTtlMs: config.VIE_SCOLAIRE_FEED_CACHE_TTL_MS,
  };
}

/** A pupil's items as one school says them (none when it does not know them). */
const itemsOf = <T>(answer: PerSchool<T[]>): T[] => (answer.known ? answer.value : []);

/**
 * `GET /calendar/{token}.ics`: a person's (or a child's) timetable for the week behind and the four
 * ahead, cancelled lessons marked CANCELLED, and homework due dates as all-day events. The token is
 * the only credential (calendar apps send nothing else): unknown or revoked, it is a plain 404; its
 * owner no longer allowed to follow the pupil, it is ended and answers 410 Gone.
 *
 * A feed is read as its owner reads: the owner (the person, not the feed) is the caller upstream, so
 * their feeds and their own requests share one budget and one lane, and count as one person for a
 * school's circuit breaker; the reads go through the subgraph's cache. The calendar served is reused
 * for `cacheTtlMs`, and each feed may be fetched `requestsPerWindow` times per window (the
 * owner's right to follow the pupil is checked at every GET, cached or not).
 */
export function calendarFeedRoute(options: {
  store: FeedStore;
  client: VieScolaireClient;
  /** The subgraph's cache and budgets: a feed's reads are its owner's reads. */
  cache: VieScolaireCache;
  budgets: UpstreamBudgets;
  today: () => string;
  directory: Directory;
  perimeter: PerimeterOptions;
  serving?: Partial<FeedServingOptions>;
  /** Where the per-feed counters live; in memory by default. */
  rateLimits?: RateLimitStore;
  /** The shared agenda: the pupil's school events join the calendar (none when absent). */
  agenda?: PostgresAgendaStore;
}) {
  const serving = { ...DEFAULT_FEED_SERVING, ...options.serving };
  const rateLimits = options.rateLimits ?? new MemoryRateLimitStore(serving.maxFeeds);
  const served = boundedCache<string, { today: string; body: string }>({ maxEntries: serving.maxFeeds, ttl: serving.cacheTtlMs, ttlAutopurge: false });
  const configured = new Set(options.client.upstreams.schools);
  return {
    prefix: '/calendar/',
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const token = /^\/calendar\/([\w-]{20,100})\.ics$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
      const feed = token ? await options.store.byToken(token) : undefined;
      if (req.method !== 'GET' || !feed) return text(res, 404, 'Not found');
      // Counted per feed (known tokens only: a made-up one is a 404 and no counter).
      const hit = await rateLimits.hit(`calendar-feed:${feed.id}`, serving.windowMs);
      if (hit.count > serving.requestsPerWindow) {
        return text(res, 429, 'This calendar is fetched too often; try again later.', { 'retry-after': String(retryAfterSeconds(hit)) });
      }
      const owner: Viewer = { kind: 'person', personId: feed.ownerId, scopes: [], policies: [] };
      let schools: string[];
      let audiences: AgendaAudience[] = [];
      try {
        const perimeter = new Perimeter(owner, options.directory, options.perimeter);
        if (!(await mayFollowPupil(perimeter, feed.pupilId))) {
          served.delete(feed.id);
          await options.store.remove(feed.id);
          return text(res, 410, 'This calendar feed has ended.');
        }
        schools = (await readableSchools(perimeter, feed.pupilId, configured)) ?? [];
        const pupil = options.agenda && (await perimeter.pupil(feed.pupilId));
        if (pupil) audiences = await pupilAudiences([pupil], (ids) => perimeter.schoolsById(ids));
      } catch {
        // The directory unreachable: nothing is served that was not checked.
        return text(res, 503, 'The directory is unavailable; try again later.', { 'retry-after': '300' });
      }
      const today = options.today();
      const cached = served.get(feed.id);
      if (cached?.today === today) return calendar(res, cached.body);

      const lessonsRange = { from: addDays(today, -7), to: addDays(today, 28) };
      const homeworkRange = { from: today, to: addDays(today, 28) };
      const data = createDataSource(options.client, options.cache, options.budgets.forRequest(owner));
      const answers = await Promise.allSettled(
        schools.map(async (uai) => {
          const [lessons, homework] = await Promise.all([
            data.timetable.load({ uai, pupilId: feed.pupilId, range: lessonsRange }),
            data.homework.load({ uai, pupilId: feed.pupilId, range: homeworkRange }),
          ]);
          return { lessons: itemsOf(lessons), homework: itemsOf(homework) };
        }),
      );
      const fulfilled = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      // The agenda unreadable, the rest is still served (and not kept: the next GET tries again).
      const agendaRange = { from: parisInstant(lessonsRange.from, 0), to: parisInstant(lessonsRange.to, 0) };
      const schoolEvents = await Promise.resolve(options.agenda?.list(audiences, agendaRange) ?? []).then(
        (events) => ({ ok: true, events }),
        () => ({ ok: false, events: [] as SchoolEvent[] }),
      );
      if (!fulfilled.length && answers.length) {
        // Calendar apps retry later; a stale calendar is better than an empty one.
        return text(res, 503, 'The school’s system is unavailable; try again later.', { 'retry-after': '300' });
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
            description: plainText(h.descriptionHtml).trim() || undefined,
          })),
        ),
        ...schoolEvents.events.map((e) => ({
          uid: `school-event-${e.id}@ent-hub`,
          start: e.startsAt.toISOString(),
          end: e.endsAt.toISOString(),
          summary: e.canceledAt ? `${e.title} (annulé)` : e.title,
          description: e.description || undefined,
          location: e.location ?? undefined,
          status: e.canceledAt ? ('CANCELLED' as const) : ('CONFIRMED' as const),
        })),
      ];
      const body = renderCalendar('Emploi du temps et devoirs', events);
      // Only a whole calendar is reused: one school failing is not kept for minutes.
      if (fulfilled.length === answers.length && schoolEvents.ok) served.set(feed.id, { today, body });
      calendar(res, body);
    },
  };
}

const calendar = (res: ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' });
  res.end(body);
};
