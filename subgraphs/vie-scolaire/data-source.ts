import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { DateRange, Grade, Homework, Lesson, LessonContent, LifeEvents, Period, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';

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
  readonly #cache = new LRUCache<string, object>({ max: 100_000, ttlAutopurge: false });
  hits = 0;
  misses = 0;

  get<T extends object>(kind: Kind, key: string): T | undefined {
    const value = this.#cache.get(`${kind}|${key}`) as T | undefined;
    if (value) this.hits++;
    else this.misses++;
    return value;
  }

  set(kind: Kind, key: string, value: object): void {
    this.#cache.set(`${kind}|${key}`, value, { ttl: CACHE_TTL_MS[kind] });
  }

  /** Forgets a kind of data for one pupil of one school (after a write changed it upstream). */
  invalidate(kind: Kind, uai: string, pupilId: string): void {
    const prefix = `${kind}|${uai}|${pupilId}|`;
    for (const key of this.#cache.keys()) if (key.startsWith(prefix)) this.#cache.delete(key);
  }
}

/** What one school says of one pupil: their data, or that it does not know them. */
export type PerSchool<T> = { known: true; value: T } | { known: false };

interface PupilKey {
  uai: string;
  pupilId: string;
  range: DateRange;
}

const rangeKey = (r: DateRange) => `${r.from}..${r.to}`;

/**
 * Per request: every pupil asked for, for one kind of data, school and date range, is fetched in
 * one upstream call (DataLoader batches the request's asks; the cache serves what it holds). A
 * guardian's dashboard for three children costs at most one call per school and kind of data.
 */
export function createDataSource(client: VieScolaireClient, cache: VieScolaireCache) {
  const pupilLoader = <T>(kind: Exclude<Kind, 'periods' | 'lessonContents'>, fetch: (uai: string, ids: string[], range: DateRange) => Promise<Map<string, T>>) =>
    new DataLoader<PupilKey, PerSchool<T>, string>(
      async (keys) => {
        const results = new Map<string, PerSchool<T> | Error>();
        const missing = new Map<string, PupilKey[]>();
        for (const key of keys) {
          const id = `${key.uai}|${key.pupilId}|${rangeKey(key.range)}`;
          const cached = cache.get<PerSchool<T>>(kind, id);
          if (cached) results.set(id, cached);
          else missing.set(`${key.uai}|${rangeKey(key.range)}`, [...(missing.get(`${key.uai}|${rangeKey(key.range)}`) ?? []), key]);
        }
        // Each school settles on its own: one school's system failing fails only its keys.
        await Promise.all(
          [...missing.values()].map(async (group) => {
            const { uai, range } = group[0]!;
            let fetched: Map<string, T>;
            try {
              fetched = await fetch(uai, [...new Set(group.map((k) => k.pupilId))], range);
            } catch (error) {
              for (const key of group) results.set(`${uai}|${key.pupilId}|${rangeKey(range)}`, error as Error);
              return;
            }
            for (const key of group) {
              const id = `${uai}|${key.pupilId}|${rangeKey(range)}`;
              // A pupil missing from the answer is not a pupil of this school (and that is cached too).
              const found = fetched.get(key.pupilId);
              const value: PerSchool<T> = found === undefined ? { known: false } : { known: true, value: found };
              cache.set(kind, id, value);
              results.set(id, value);
            }
          }),
        );
        return keys.map((k) => results.get(`${k.uai}|${k.pupilId}|${rangeKey(k.range)}`)!);
      },
      { cacheKeyFn: (k) => `${k.uai}|${k.pupilId}|${rangeKey(k.range)}` },
    );
  // Arrays are cached wrapped in an object (the cache holds objects).
  const wrap = <T>(value: T[]) => ({ value });
  return {
    // One school per key; a school whose system fails yields its Error for that key only.
    periods: new DataLoader<string, Period[]>((uais) =>
      Promise.all(
        uais.map(async (uai) => {
          const cached = cache.get<{ value: Period[] }>('periods', uai);
          if (cached) return cached.value;
          try {
            const periods = await client.periods(uai);
            cache.set('periods', uai, wrap(periods));
            return periods;
          } catch (error) {
            return error as Error;
          }
        }),
      ),
    ),
    grades: pupilLoader<Grade[]>('grades', (uai, ids) => client.grades(uai, ids)),
    lifeEvents: pupilLoader<LifeEvents>('lifeEvents', (uai, ids, range) => client.lifeEvents(uai, ids, range)),
    homework: pupilLoader<Homework[]>('homework', (uai, ids, range) => client.homework(uai, ids, range)),
    timetable: pupilLoader<Lesson[]>('timetable', (uai, ids, range) => client.timetable(uai, ids, range)),
    lessonContents: async (uai: string, classCode: string, range: DateRange): Promise<LessonContent[]> => {
      const id = `${uai}|${classCode}|${rangeKey(range)}`;
      const cached = cache.get<{ value: LessonContent[] }>('lessonContents', id);
      if (cached) return cached.value;
      const value = (await client.lessonContents(uai, [classCode], range)).get(classCode) ?? [];
      cache.set('lessonContents', id, wrap(value));
      return value;
    },
  };
}

export type VieScolaireDataSource = ReturnType<typeof createDataSource>;
