import { LRUCache } from 'lru-cache';
import { codeKey, type ChildLink, type Directory, type GuardianOfStudent, type PersonCriteria } from '../../connectors/directory/directory.ts';
import type { EducationStaff, Mef, Person, School, Student, StructureCode, Subject } from '../../connectors/directory/model.ts';
import type { AnswerChange } from '../answer-changes.ts';

/** What the cache needs of store/answer-changes.ts: whether changes are heard, and each change. */
export interface DirectoryChangeFeed {
  /** True while changes are being received: nothing is served from the cache otherwise. */
  readonly listening: boolean;
  onChange(listener: (change: AnswerChange) => void): () => void;
}

export interface DirectoryCacheOptions {
  /** The most records kept: a list counts its records. At least 1. */
  maxRecords: number;
  /** The longest anything is kept, even with no change heard: a bound on what a missed change could leave. */
  maxAgeMs: number;
}

/** What the cache served since it started: lookups answered from it, and lookups that read the directory. */
export interface DirectoryCacheStats {
  hits: number;
  misses: number;
  /** Lookups that read the directory because changes were not being heard. */
  bypasses: number;
}

/**
 * The imported directory through a per-process cache, for the subgraphs: every request of a
 * dashboard asks again for the same guardian, children, classes and schools, and the directory
 * changes once a night (an AAF import). Each query read from PostgreSQL costs the subgraph its
 * serialization and parsing and the database its work, for an answer that has not changed.
 *
 * Kept correct by the database's word on what changed (store/answer-changes.ts): the triggers of
 * migrations 0015 and 0016 say `directory` whenever a statement changes the directory's tables,
 * whoever wrote it, and the cache forgets everything (on `all` too: changes may have been missed).
 * While changes are not being heard (the listening connection is lost, or not yet made again),
 * nothing is served from the cache and nothing is kept. A read that started before a change is not
 * kept (its answer may predate the change). What is left: the moment between a change's commit and
 * its notification reaching this process (milliseconds on a working connection; at worst the
 * heartbeat's LONGEST_UNNOTICED_SILENCE_MS on one that silently died). The router keeps none of
 * the answers it gets in that time (its response cache's `directorySettleMs`).
 *
 * Kept per key, exactly as asked: a person by id, a class's pupils by the class's key, a guardian's
 * children by the guardian's id. Who may see what is decided by the callers from these records, as
 * before: the cache changes when the directory is read, never what a read returns.
 *
 * Records are frozen when kept (they are shared by every request of the process): a caller that
 * changes one fails loudly instead of changing what the next request sees.
 *
 * Not kept: what is read rarely, or once per person typed: the GAR export's pupils of a school, the
 * login's `findPeople`, the search's `searchPeople` (text typed by anyone must not fill the cache);
 * and what found nothing (an id of nobody, a class with no pupils): anyone may ask for those.
 */
export class CachedDirectory implements Directory {
  readonly #inner: Directory;
  readonly #changes: DirectoryChangeFeed;
  readonly #kept: LRUCache<string, object>;
  readonly #stop: () => void;
  /** Incremented with each change heard: a read that started before it keeps nothing. */
  #generation = 0;
  readonly #stats: DirectoryCacheStats = { hits: 0, misses: 0, bypasses: 0 };

  constructor(inner: Directory, changes: DirectoryChangeFeed, options: DirectoryCacheOptions) {
    if (!Number.isInteger(options.maxRecords) || options.maxRecords < 1)
      throw new RangeError(`maxRecords must be a positive integer (got ${options.maxRecords})`);
    if (!Number.isFinite(options.maxAgeMs) || options.maxAgeMs <= 0) throw new RangeError(`maxAgeMs must be positive (got ${options.maxAgeMs})`);
    this.#inner = inner;
    this.#changes = changes;
    this.#kept = new LRUCache<string, object>({
      maxSize: options.maxRecords,
      // A list larger than the whole cache is not kept (lru-cache refuses it); an empty one never is (foundSomething).
      sizeCalculation: (value) => (Array.isArray(value) ? value.length : 1),
      ttl: options.maxAgeMs,
      ttlAutopurge: false,
    });
    // The directory changed, or changes may have been missed (`all`). A person's own write and the
    // outbox's changes leave the directory as it was.
    this.#stop = changes.onChange((change) => {
      if (change.kind !== 'directory' && change.kind !== 'all') return;
      this.#generation++;
      this.#kept.clear();
    });
  }

  /** Lookups so far (a copy): for metrics and tests. */
  get stats(): DirectoryCacheStats {
    return { ...this.#stats };
  }

  /** The records held now (a list counts its records). */
  get records(): number {
    return this.#kept.calculatedSize;
  }

  /** Stops hearing changes and forgets everything (the feed itself is its owner's to close). */
  close(): void {
    this.#stop();
    this.#kept.clear();
  }

  people(ids: readonly string[]): Promise<(Person | undefined)[]> {
    return this.#many('person', ids, (missing) => this.#inner.people(missing));
  }

  schoolsByUai(uais: readonly string[]): Promise<(School | undefined)[]> {
    return this.#many('school-uai', uais, (missing) => this.#inner.schoolsByUai(missing));
  }

  schoolsById(ids: readonly string[]): Promise<(School | undefined)[]> {
    return this.#many('school', ids, (missing) => this.#inner.schoolsById(missing));
  }

  allSchools(): Promise<School[]> {
    return this.#one('all-schools', '', () => this.#inner.allSchools());
  }

  studentsOfClass(klass: StructureCode): Promise<Student[]> {
    return this.#one('class-students', codeKey(klass), () => this.#inner.studentsOfClass(klass));
  }

  studentsOfGroup(group: StructureCode): Promise<Student[]> {
    return this.#one('group-students', codeKey(group), () => this.#inner.studentsOfGroup(group));
  }

  teachersOfClass(klass: StructureCode): Promise<EducationStaff[]> {
    return this.#one('class-teachers', codeKey(klass), () => this.#inner.teachersOfClass(klass));
  }

  teachersOfGroup(group: StructureCode): Promise<EducationStaff[]> {
    return this.#one('group-teachers', codeKey(group), () => this.#inner.teachersOfGroup(group));
  }

  async childrenOf(guardianId: string): Promise<ChildLink[]> {
    return (await this.childrenOfMany([guardianId]))[0]!;
  }

  childrenOfMany(guardianIds: readonly string[]): Promise<ChildLink[][]> {
    return this.#many<ChildLink[]>('children', guardianIds, (missing) => this.#inner.childrenOfMany(missing));
  }

  guardiansOf(studentId: string): Promise<GuardianOfStudent[]> {
    return this.#one('guardians', studentId, () => this.#inner.guardiansOf(studentId));
  }

  staffOfSchool(schoolId: string): Promise<EducationStaff[]> {
    return this.#one('school-staff', schoolId, () => this.#inner.staffOfSchool(schoolId));
  }

  studentsOfSchool(schoolId: string): Promise<Student[]> {
    return this.#inner.studentsOfSchool(schoolId);
  }

  subjects(codes: readonly string[]): Promise<(Subject | undefined)[]> {
    return this.#many('subject', codes, (missing) => this.#inner.subjects(missing));
  }

  mefs(codes: readonly string[]): Promise<(Mef | undefined)[]> {
    return this.#many('mef', codes, (missing) => this.#inner.mefs(missing));
  }

  findPeople(criteria: PersonCriteria): Promise<Person[]> {
    return this.#inner.findPeople(criteria);
  }

  searchPeople(text: string, options: { limit: number }): Promise<Person[]> {
    return this.#inner.searchPeople(text, options);
  }

  /** The cache's key: the kind (no `:` in it) first, so that keys of two kinds never meet. */
  static #key(kind: string, key: string): string {
    return `${kind}:${key}`;
  }

  /** One answer per key (a list, a record), read once and kept while nothing changes. */
  async #one<V>(kind: string, key: string, read: () => Promise<V>): Promise<V> {
    if (!this.#changes.listening) {
      this.#stats.bypasses++;
      return read();
    }
    const cacheKey = CachedDirectory.#key(kind, key);
    const kept = this.#kept.get(cacheKey);
    if (kept) {
      this.#stats.hits++;
      return kept as V;
    }
    this.#stats.misses++;
    const generation = this.#generation;
    const value = await read();
    if (foundSomething(value) && this.#keepable(generation)) this.#kept.set(cacheKey, deepFreeze(value));
    return value;
  }

  /** Answers by key in the order asked, reading only the keys not kept, in one call. */
  async #many<V>(kind: string, keys: readonly string[], read: (missing: string[]) => Promise<V[]>): Promise<V[]> {
    if (!this.#changes.listening) {
      this.#stats.bypasses += keys.length;
      return read([...keys]);
    }
    const out = new Array<V>(keys.length);
    const missingAt = new Map<string, number[]>();
    keys.forEach((key, i) => {
      const kept = this.#kept.get(CachedDirectory.#key(kind, key));
      if (kept) {
        out[i] = kept as V;
        this.#stats.hits++;
        return;
      }
      const at = missingAt.get(key);
      if (at) at.push(i);
      else missingAt.set(key, [i]);
    });
    if (!missingAt.size) return out;
    this.#stats.misses += missingAt.size;
    const missing = [...missingAt.keys()];
    const generation = this.#generation;
    const values = await read(missing);
    const keep = this.#keepable(generation);
    missing.forEach((key, j) => {
      const kept = keep && foundSomething(values[j]);
      const value = kept ? deepFreeze(values[j]) : values[j];
      for (const i of missingAt.get(key)!) out[i] = value as V; // the directory answers in the order asked, one per key
      if (kept) this.#kept.set(CachedDirectory.#key(kind, key), value as object);
    });
    return out;
  }

  /** A read may be kept when no change was heard since it started and changes are still heard. */
  #keepable(generation: number): boolean {
    return generation === this.#generation && this.#changes.listening;
  }
}

/**
 * Whether a read found something worth keeping: nobody by an id, or a list that matched nothing (a
 * class code that exists nowhere), is read again next time. Anyone may ask for those, and they must
 * not push out what is really asked for.
 */
function foundSomething(value: unknown): value is object {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** Freezes a record and everything in it, so that it can be shared by every request. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  // Frozen before its contents: a record met again (a child's guardian link, shared) is not walked twice.
  Object.freeze(value);
  for (const inner of Object.values(value as object)) deepFreeze(inner);
  return value;
}
