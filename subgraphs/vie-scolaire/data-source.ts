import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import { trace } from '@opentelemetry/api';
import { CACHE_ATTRIBUTE } from '../../lib/tracing.ts';
import { Counter, type Registry } from 'prom-client';
import {
  MAX_RANGE_DAYS,
  sliceToRange,
  type DateRange,
  type Grade,
  type Homework,
  type Lesson,
  type LessonContent,
  type LifeEvents,
  type Period,
  type VieScolaireClient,
} from '../../connectors/vie-scolaire/client.ts';
import { UpstreamError } from '../../connectors/vie-scolaire/errors.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { envSchema, integer, type EnvValues } from '../../lib/config/env.ts';
import { daysBetween } from '../../lib/iso-days.ts';
import type { AnswerFreshness } from '../kit/answer-freshness.ts';

/** How long each kind of data is reused across requests (the Monday-morning peak reads the same data). */
export const CACHE_TTL_MS = {
  periods: 3600_000,
  grades: 120_000,
  lifeEvents: 60_000,
  homework: 120_000,
  timetable: 300_000,
  lessonContents: 300_000,
} as const;

type Kind = keyof typeof CACHE_TTL_MS;

/** The cache shared by every request of the subgraph; per-request batching sits on top of it. */
export class VieScolaireCache {
  readonly #cache = boundedCache<string, object>({ maxEntries: 100_000, ttlAutopurge: false });
  readonly #lookups: Counter<'kind' | 'result'> | undefined;
  hits = 0;
  misses = 0;

  /** With a registry, lookups are counted by kind of data and result (the hit rate an operator watches). */
  constructor(metrics?: Registry) {
    this.#lookups =
      metrics &&
      new Counter({
        name: 'hub_vie_scolaire_cache_lookups_total',
        help: 'Lookups in the vie scolaire subgraph’s shared cache, by kind of data and result (hit, miss).',
        labelNames: ['kind', 'result'],
        registers: [metrics],
      });
  }

  /**
   * The cached value, if any. `reads` (the request's) learns what is left of the entry's life: the
   * answer showing it may not be reused longer than this cache would serve it (answer-freshness.ts).
   */
  get<T extends object>(kind: Kind, key: string, reads?: AnswerFreshness): T | undefined {
    const entry = `${kind}|${key}`;
    const value = this.#cache.get(entry) as T | undefined;
    if (value) reads?.readFrom(this.#cache.getRemainingTTL(entry));
    if (value) this.hits++;
    else this.misses++;
    this.#lookups?.inc({ kind, result: value ? 'hit' : 'miss' });
    // On the request's trace too: which kinds of data came from the cache, and which cost a call.
    trace.getActiveSpan()?.addEvent('vie-scolaire cache', { 'hub.cache.kind': kind, [CACHE_ATTRIBUTE]: value ? 'hit' : 'miss' });
    return value;
  }

  /** Keeps a value just fetched; `reads` (the request's that shows it) learns it lives its full time-to-live. */
  set(kind: Kind, key: string, value: object, reads?: AnswerFreshness): void {
    this.#cache.set(`${kind}|${key}`, value, { ttl: CACHE_TTL_MS[kind] });
    reads?.readFrom(CACHE_TTL_MS[kind]);
  }

  /** Forgets a kind of data for one pupil of one school (after a write changed it upstream). */
  invalidate(kind: Kind, uai: string, pupilId: string): void {
    const prefix = `${kind}|${uai}|${pupilId}|`;
    for (const key of this.#cache.keys()) if (key.startsWith(prefix)) this.#cache.delete(key);
  }
}

/** What one school says of one pupil: their data, or that it does not know them. */
export type PerSchool<T> = { known: true; value: T } | { known: false };

/**
 * How many calls to the schools' systems one request, and one viewer, may cause (cache hits are
 * free). One GraphQL request can name many date ranges (aliases), and a batch of operations reaches
 * this subgraph as several requests: without both bounds one pupil's request becomes hundreds of
 * upstream calls.
 */
export interface UpstreamBudgetOptions {
  /** Upstream calls of one request (`VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_REQUEST`). */
  perRequest: number;
  /** Upstream calls of one viewer within `windowMs`, all requests together (`VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_VIEWER`). */
  perViewer: number;
  /** `VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS`. */
  windowMs: number;
  /** Viewers remembered at once (least recently used first out): bounded memory whatever the traffic. */
  maxViewers: number;
}

/**
 * A guardian's dashboard for children in two schools costs about ten calls when nothing is cached
 * (periods, grades, timetable, homework, absences per school); a refresh costs none.
 */
export const DEFAULT_UPSTREAM_BUDGET: UpstreamBudgetOptions = { perRequest: 16, perViewer: 40, windowMs: 10_000, maxViewers: 50_000 };

/** The budgets' variables (README), each a positive integer; the defaults where unset. */
export const UPSTREAM_BUDGET_ENV = envSchema({
  VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_REQUEST: integer({ min: 1, max: 10_000, default: DEFAULT_UPSTREAM_BUDGET.perRequest }),
  VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_VIEWER: integer({ min: 1, max: 1_000_000, default: DEFAULT_UPSTREAM_BUDGET.perViewer }),
  VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS: integer({ min: 100, max: 86_400_000, default: DEFAULT_UPSTREAM_BUDGET.windowMs }),
});

export function upstreamBudgetOf(config: EnvValues<typeof UPSTREAM_BUDGET_ENV.variables>): UpstreamBudgetOptions {
  return {
    ...DEFAULT_UPSTREAM_BUDGET,
    perRequest: config.VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_REQUEST,
    perViewer: config.VIE_SCOLAIRE_MAX_UPSTREAM_CALLS_PER_VIEWER,
    windowMs: config.VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS,
  };
}

/** Who spends a budget: one key per person or service client (also the upstream's caller, for its lanes and breaker). */
export function budgetKeyOf(viewer: Viewer): string {
  if (viewer.kind === 'person' && viewer.personId) return `person:${viewer.personId}`;
  if (viewer.kind === 'service' && viewer.clientId) return `service:${viewer.clientId}`;
  return 'anonymous';
}

const budgetExceeded = (message: string, limit: 'request' | 'viewer' | 'concurrency', extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'UPSTREAM_BUDGET_EXCEEDED', limit, ...extra } });

/** The per-viewer windows, shared by every request of the subgraph (fixed windows in a bounded LRU). */
export class UpstreamBudgets {
  readonly options: UpstreamBudgetOptions;
  readonly #windows: LRUCache<string, { used: number }>;

  constructor(options: Partial<UpstreamBudgetOptions> = {}) {
    this.options = { ...DEFAULT_UPSTREAM_BUDGET, ...options };
    // An entry lives `windowMs` from the viewer's first call (its age is not renewed on use).
    this.#windows = boundedCache({ maxEntries: this.options.maxViewers, ttl: this.options.windowMs, ttlAutopurge: false });
  }

  /** The budget of one request of this viewer. */
  forRequest(viewer: Viewer): RequestBudget {
    return new RequestBudget(budgetKeyOf(viewer), this);
  }

  /** Spends one call of the viewer's window; false when it is spent. */
  takeForViewer(key: string): boolean {
    let window = this.#windows.get(key);
    if (!window) this.#windows.set(key, (window = { used: 0 }));
    if (window.used >= this.options.perViewer) return false;
    window.used++;
    return true;
  }
}

/** One request's upstream calls: counted against the request's cap and the viewer's window. */
export class RequestBudget {
  #used = 0;
  constructor(
    readonly caller: string,
    private readonly budgets: UpstreamBudgets,
  ) {}

  /** Spends one upstream call, or throws the refusal the person sees for the fields it would have served. */
  take(): void {
    const { perRequest, perViewer, windowMs } = this.budgets.options;
    if (this.#used >= perRequest) {
      throw budgetExceeded(
        `Too many upstream calls: one request may ask the schools’ systems at most ${perRequest} times; ask for fewer date ranges at once.`,
        'request',
        { max: perRequest },
      );
    }
    if (!this.budgets.takeForViewer(this.caller)) {
      throw budgetExceeded(
        `Too many upstream calls: at most ${perViewer} calls to the schools’ systems per person every ${Math.ceil(windowMs / 1000)} s; try again shortly.`,
        'viewer',
        { max: perViewer, retryAfterSeconds: Math.ceil(windowMs / 1000) },
      );
    }
    this.#used++;
  }
}

/** A failure as the fields see it: a load the school's system shed for this viewer is their budget, said plainly. */
function asFieldError(error: unknown): Error {
  if (error instanceof UpstreamError && error.reason === 'overloaded') {
    return budgetExceeded(`Too many upstream calls at once to the vie scolaire system of ${error.uai}; try again shortly.`, 'concurrency', { uai: error.uai });
  }
  return error as Error;
}

interface SubjectKey {
  uai: string;
  /** A pupil (a class for the cahier de textes). */
  pupilId: string;
  range: DateRange;
}

const rangeKey = (r: DateRange) => `${r.from}..${r.to}`;
const keyOf = (k: SubjectKey) => `${k.uai}|${k.pupilId}|${rangeKey(k.range)}`;

/**
 * Covering ranges for a set of ranges: each asked range lies in one of them, and none is longer
 * than the upstream allows. Greedy over ranges sorted by start, so ranges that overlap or lie close
 * together cost one call instead of one each.
 */
export function coveringRanges(ranges: readonly DateRange[]): DateRange[] {
  const sorted = [...ranges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const covers: DateRange[] = [];
  for (const range of sorted) {
    const last = covers.at(-1);
    const to = last && (range.to > last.to ? range.to : last.to);
    if (last && to && daysBetween(last.from, to) <= MAX_RANGE_DAYS) last.to = to;
    else covers.push({ ...range });
  }
  return covers;
}

/**
 * Per request: every subject (pupil, or class) asked for, for one kind of data and school, is fetched
 * in as few upstream calls as possible. DataLoader gathers the request's asks; the cache serves what
 * it holds; the date ranges left are merged into covering ranges (within the upstream's bound), one
 * call each for all subjects, and each field gets its own slice. A guardian's dashboard for three
 * children costs at most one call per school and kind of data, and 25 aliased ranges over a term
 * cost one. Every upstream call is counted against the request's budget: past it, the fields it
 * would have served fail with UPSTREAM_BUDGET_EXCEEDED, and the rest of the request is served.
 * `freshness` (the request's) learns what is left of the life of every entry read, and that the
 * answer may not be reused at all when a read failed (even one its fields hide: another school of
 * the pupil answered): the subgraph would ask again at the next request.
 */
export function createDataSource(client: VieScolaireClient, cache: VieScolaireCache, budget: RequestBudget, freshness?: AnswerFreshness) {
  const call = { caller: budget.caller };
  const subjectLoader = <T>(
    kind: Exclude<Kind, 'periods'>,
    fetch: (uai: string, ids: string[], range: DateRange) => Promise<Map<string, T>>,
    slice?: (value: T, range: DateRange) => T,
  ) =>
    new DataLoader<SubjectKey, PerSchool<T>, string>(
      async (keys) => {
        const results = new Map<string, PerSchool<T> | Error>();
        const missing = new Map<string, SubjectKey[]>();
        for (const key of keys) {
          const cached = cache.get<PerSchool<T>>(kind, keyOf(key), freshness);
          if (cached) results.set(keyOf(key), cached);
          else missing.set(key.uai, [...(missing.get(key.uai) ?? []), key]);
        }
        // One call per school and covering range; without a slice (no date range), one per school and range.
        const calls = [...missing.values()].flatMap((group) => {
          const covers = slice ? coveringRanges(group.map((k) => k.range)) : [...new Map(group.map((k) => [rangeKey(k.range), k.range])).values()];
          return covers.map((cover) => ({
            uai: group[0]!.uai,
            cover,
            keys: group.filter((k) => (slice ? cover.from <= k.range.from && k.range.to <= cover.to : rangeKey(k.range) === rangeKey(cover))),
          }));
        });
        // Each call settles on its own: one school's system failing (or the budget running out) fails only its keys.
        await Promise.all(
          calls.map(async ({ uai, cover, keys: covered }) => {
            let fetched: Map<string, T>;
            try {
              budget.take();
              fetched = await fetch(uai, [...new Set(covered.map((k) => k.pupilId))], cover);
            } catch (error) {
              freshness?.notReusable();
              for (const key of covered) results.set(keyOf(key), asFieldError(error));
              return;
            }
            for (const key of covered) {
              // A subject missing from the answer is not one of this school's (and that is cached too).
              const found = fetched.get(key.pupilId);
              const value: PerSchool<T> = found === undefined ? { known: false } : { known: true, value: slice ? slice(found, key.range) : found };
              cache.set(kind, keyOf(key), value, freshness);
              results.set(keyOf(key), value);
            }
          }),
        );
        return keys.map((k) => results.get(keyOf(k))!);
      },
      { cacheKeyFn: keyOf },
    );
  // Arrays are cached wrapped in an object (the cache holds objects).
  const wrap = <T>(value: T[]) => ({ value });
  const lessonContents = subjectLoader<LessonContent[]>(
    'lessonContents',
    (uai, codes, range) => client.lessonContents(uai, codes, range, call),
    sliceToRange.lessonContents,
  );
  return {
    /** The request's budget, also charged for what is refused without an upstream call (a mutation's id that is not the pupil's). */
    budget,
    // One school per key; a school whose system fails yields its Error for that key only.
    periods: new DataLoader<string, Period[]>((uais) =>
      Promise.all(
        uais.map(async (uai) => {
          const cached = cache.get<{ value: Period[] }>('periods', uai, freshness);
          if (cached) return cached.value;
          try {
            budget.take();
            const periods = await client.periods(uai, call);
            cache.set('periods', uai, wrap(periods), freshness);
            return periods;
          } catch (error) {
            freshness?.notReusable();
            return asFieldError(error);
          }
        }),
      ),
    ),
    grades: subjectLoader<Grade[]>('grades', (uai, ids) => client.grades(uai, ids, call)),
    lifeEvents: subjectLoader<LifeEvents>('lifeEvents', (uai, ids, range) => client.lifeEvents(uai, ids, range, call), sliceToRange.lifeEvents),
    homework: subjectLoader<Homework[]>('homework', (uai, ids, range) => client.homework(uai, ids, range, call), sliceToRange.homework),
    timetable: subjectLoader<Lesson[]>('timetable', (uai, ids, range) => client.timetable(uai, ids, range, call), sliceToRange.timetable),
    /** A class's cahier de textes (the classes of one school asked in one request share a call). */
    lessonContents: async (uai: string, classCode: string, range: DateRange): Promise<LessonContent[]> => {
      const answer = await lessonContents.load({ uai, pupilId: classCode, range });
      return answer.known ? answer.value : [];
    },
  };
}

export type VieScolaireDataSource = ReturnType<typeof createDataSource>;
