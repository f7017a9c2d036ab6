import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { Guardian, Student } from '../../connectors/directory/model.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { directoryChange } from '../../test/helpers/directory-change.ts';
import { until } from '../../test/helpers/until.ts';
import { writeEmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import { AnswerChanges, type AnswerChange } from '../answer-changes.ts';
import type { HubDatabase } from '../database.ts';
import { importAafIntoDatabase } from './aaf-writer.ts';
import { CachedDirectory, type DirectoryChangeFeed } from './cached-directory.ts';
import { PostgresDirectory } from './postgres-directory.ts';

const log = createLogger('cached-directory-test', 'silent');
let database: HubDatabase;
let changes: AnswerChanges;
let postgres: PostgresDirectory;

beforeAll(async () => {
  database = await openTestDatabase();
  const { aafDir } = await writeEmbeddedAcademie(mkdtempSync(join(tmpdir(), 'hub-cached-directory-')));
  await importAafIntoDatabase(database, aafDir);
  postgres = new PostgresDirectory(database.db);
  changes = await AnswerChanges.start(database, log);
});
afterAll(async () => {
  await changes?.close();
  await database?.close();
});

/** The real directory, counting the calls that reach PostgreSQL, by method, and the ids they asked for. */
function counted(inner: Directory): { directory: Directory; calls: Map<string, unknown[][]> } {
  const calls = new Map<string, unknown[][]>();
  const directory = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), [...(calls.get(String(name)) ?? []), args]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { directory, calls };
}

const options = { maxRecords: 1000, maxAgeMs: 60_000 };
/** A pupil with two guardians and a class, from the imported directory. */
let pupil: Student;
let classmates: Student[];
beforeAll(async () => {
  const schools = await postgres.allSchools();
  for (const school of schools) {
    for (const candidate of await postgres.studentsOfSchool(school.id)) {
      if (candidate.guardians.length >= 2 && candidate.classes.length) {
        pupil = candidate;
        classmates = await postgres.studentsOfClass(candidate.classes[0]!);
        return;
      }
    }
  }
  throw new Error('no pupil with two guardians in the demo académie');
});

/** Runs `write` and waits until the cache's feed has told it of the change (the database's notification). */
const changed = (write: () => Promise<unknown>) => directoryChange(changes, write);

describe('CachedDirectory', () => {
  let directory: CachedDirectory;
  let calls: Map<string, unknown[][]>;
  beforeEach(() => {
    const inner = counted(postgres);
    calls = inner.calls;
    directory = new CachedDirectory(inner.directory, changes, options);
    return () => directory.close();
  });

  it('answers a second ask for the same people, class and children without reading the directory, with the same records', async () => {
    const guardianIds = pupil.guardians.map((link) => link.adultId);
    const readAll = async () => ({
      people: await directory.people([pupil.id, ...guardianIds]),
      klass: await directory.studentsOfClass(pupil.classes[0]!),
      children: await directory.childrenOfMany(guardianIds),
      guardians: await directory.guardiansOf(pupil.id),
      schools: await directory.schoolsById(pupil.schoolIds),
    });
    const first = await readAll();
    const readsAfterFirst = [...calls.values()].flat().length;
    const second = await readAll();
    expect([...calls.values()].flat()).toHaveLength(readsAfterFirst);
    expect(second).toEqual(first);
    // And what it answers is what PostgreSQL answers.
    expect(second.people).toEqual(await postgres.people([pupil.id, ...guardianIds]));
    expect(second.klass).toEqual(classmates);
    expect(second.children).toEqual(await postgres.childrenOfMany(guardianIds));
    expect(directory.stats).toMatchObject({ bypasses: 0 });
    expect(directory.stats.hits).toBeGreaterThanOrEqual(second.people.length + 4);
  });

  it('reads only the ids it does not hold, in one call, and answers in the order asked with repeats and unknown ids', async () => {
    const [a, b, c] = classmates.map((s) => s.id);
    await directory.people([a!, b!]);
    const answer = await directory.people([c!, 'nobody-by-this-id', b!, c!, a!]);
    expect(answer.map((p) => p?.id)).toEqual([c, undefined, b, c, a]);
    expect(calls.get('people')).toEqual([[[a, b]], [[c, 'nobody-by-this-id']]]);
    // Nobody by that id is not kept (anyone may ask for ids that exist nowhere): asked again.
    expect(await directory.people(['nobody-by-this-id', c!])).toEqual([undefined, expect.objectContaining({ id: c })]);
    expect(calls.get('people')).toEqual([[[a, b]], [[c, 'nobody-by-this-id']], [['nobody-by-this-id']]]);
  });

  it('keeps no list that found nothing: a class code that exists nowhere is asked again', async () => {
    const nowhere = { structureId: pupil.schoolIds[0]!, code: 'NO-SUCH-CLASS' };
    expect(await directory.studentsOfClass(nowhere)).toEqual([]);
    expect(await directory.studentsOfClass(nowhere)).toEqual([]);
    expect(calls.get('studentsOfClass')).toHaveLength(2);
  });

  it('keeps each kind apart: a class key never answers for a group or for the class’s teachers', async () => {
    const klass = pupil.classes[0]!;
    const students = await directory.studentsOfClass(klass);
    const teachers = await directory.teachersOfClass(klass);
    const group = await directory.studentsOfGroup(klass);
    expect(students.map((s) => s.id)).toEqual(classmates.map((s) => s.id));
    expect(teachers).toEqual(await postgres.teachersOfClass(klass));
    expect(group).toEqual(await postgres.studentsOfGroup(klass));
    expect(teachers.every((t) => !students.some((s) => s.id === t.id))).toBe(true);
  });

  it('forgets everything when the directory changes, whoever wrote it: the next read sees the change', async () => {
    const [before] = (await directory.people([pupil.id])) as Student[];
    await changed(() =>
      sql`UPDATE directory_entries SET attributes = jsonb_set(attributes, '{sn}', '["RENOMMÉ"]') WHERE id = ${pupil.id}`.execute(database.db),
    );
    try {
      const [after] = (await directory.people([pupil.id])) as Student[];
      expect(after!.lastName).toBe('RENOMMÉ');
      expect(calls.get('people')).toHaveLength(2);
    } finally {
      await changed(() =>
        sql`UPDATE directory_entries SET attributes = jsonb_set(attributes, '{sn}', ${JSON.stringify([before!.lastName])}::jsonb) WHERE id = ${pupil.id}`.execute(
          database.db,
        ),
      );
    }
    expect(((await directory.people([pupil.id])) as Student[])[0]!.lastName).toBe(before!.lastName);
  });

  it('a guardian link removed reaches the next read of the children and of the guardians (the perimeter is decided from them)', async () => {
    const guardianId = pupil.guardians[0]!.adultId;
    expect((await directory.childrenOf(guardianId)).map((c) => c.student.id)).toContain(pupil.id);
    const removed = await database.db
      .selectFrom('directory_links')
      .selectAll()
      .where('relation', '=', 'guardian')
      .where('target', '=', guardianId)
      .where('entry_id', '=', pupil.id)
      .execute();
    expect(removed.length).toBeGreaterThan(0);
    await changed(() =>
      database.db.deleteFrom('directory_links').where('relation', '=', 'guardian').where('target', '=', guardianId).where('entry_id', '=', pupil.id).execute(),
    );
    try {
      expect((await directory.childrenOf(guardianId)).map((c) => c.student.id)).not.toContain(pupil.id);
    } finally {
      await changed(() => database.db.insertInto('directory_links').values(removed).execute());
    }
    expect((await directory.childrenOf(guardianId)).map((c) => c.student.id)).toContain(pupil.id);
  });

  it('keeps nothing read while a change was heard: a read that started before the change is not served after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Directory = Object.assign(Object.create(postgres) as Directory, {
      people: async (ids: readonly string[]) => {
        const answer = await postgres.people(ids);
        await gate;
        return answer;
      },
    });
    const feed = fakeFeed();
    const cached = new CachedDirectory(slow, feed, options);
    const pending = cached.people([pupil.id]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    feed.tell({ kind: 'all' });
    release();
    await pending;
    await cached.people([pupil.id]);
    expect(cached.stats).toMatchObject({ hits: 0, misses: 2 });
  });

  it('while changes are not heard (the listening connection lost), every read goes to the directory and nothing is kept', async () => {
    const feed = fakeFeed();
    const inner = counted(postgres);
    const cached = new CachedDirectory(inner.directory, feed, options);
    await cached.people([pupil.id]);
    feed.listening = false;
    feed.tell({ kind: 'all' });
    await cached.people([pupil.id]);
    await cached.studentsOfClass(pupil.classes[0]!);
    await cached.studentsOfClass(pupil.classes[0]!);
    feed.listening = true;
    await cached.people([pupil.id]);
    await cached.people([pupil.id]);
    expect(inner.calls.get('people')).toHaveLength(3);
    expect(inner.calls.get('studentsOfClass')).toHaveLength(2);
    expect(cached.stats).toEqual({ hits: 1, misses: 2, bypasses: 3 });
  });

  it('with the real feed: a lost listening connection is a gap, and the cache reads through until it listens again', async () => {
    await directory.people([pupil.id]);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`.execute(
      database.db,
    );
    await until(async () => !changes.listening, 5000, 10);
    await directory.people([pupil.id]);
    expect(directory.stats.bypasses).toBe(1);
    await until(async () => changes.listening, 10_000);
    await directory.people([pupil.id]);
    await directory.people([pupil.id]);
    // Forgotten at the gap: read again once listening, then kept.
    expect(calls.get('people')).toHaveLength(3);
  });

  it('a person’s own write and the outbox’s changes leave the directory as it was: the cache keeps what it holds', async () => {
    const feed = fakeFeed();
    const cached = new CachedDirectory(postgres, feed, options);
    await cached.people([pupil.id]);
    feed.tell({ kind: 'person', personId: pupil.id });
    feed.tell({ kind: 'outbox' });
    await cached.people([pupil.id]);
    expect(cached.stats).toMatchObject({ hits: 1, misses: 1 });
    // Changes that may have been missed (`all`) are forgotten like the directory's.
    feed.tell({ kind: 'all' });
    await cached.people([pupil.id]);
    expect(cached.stats).toMatchObject({ hits: 1, misses: 2 });
  });

  it('shares frozen records: a caller that changes one fails instead of changing the next request’s answer', async () => {
    const [first] = (await directory.people([pupil.id])) as Student[];
    expect(() => ((first as { lastName: string }).lastName = 'X')).toThrow(TypeError);
    expect(() => (first!.guardians as unknown[]).push({})).toThrow(TypeError);
    const klass = await directory.studentsOfClass(pupil.classes[0]!);
    expect(() => klass.sort()).toThrow(TypeError);
    const [again] = (await directory.people([pupil.id])) as Student[];
    expect(again!.lastName).toBe(pupil.lastName);
    expect(again!.guardians).toEqual(pupil.guardians);
  });

  it('is bounded: at most maxRecords records (a list counts its records; a list larger than the cache is not kept), the least recent forgotten first', async () => {
    const feed = fakeFeed();
    const inner = counted(postgres);
    const small = new CachedDirectory(inner.directory, feed, { maxRecords: 3, maxAgeMs: 60_000 });
    const [a, b, c, d] = classmates.map((s) => s.id) as [string, string, string, string];
    await small.people([a, b, c]);
    await small.people([a]);
    await small.people([d]); // b, the least recent, goes
    await small.people([b, c]);
    expect(inner.calls.get('people')).toEqual([[[a, b, c]], [[d]], [[b]]]);
    expect(classmates.length).toBeGreaterThan(3);
    await small.studentsOfClass(pupil.classes[0]!);
    await small.studentsOfClass(pupil.classes[0]!);
    expect(inner.calls.get('studentsOfClass')).toHaveLength(2);
  });

  it('forgets what it holds after maxAgeMs even when no change is heard', async () => {
    const inner = counted(postgres);
    const short = new CachedDirectory(inner.directory, fakeFeed(), { maxRecords: 100, maxAgeMs: 50 });
    await short.people([pupil.id]);
    await short.people([pupil.id]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await short.people([pupil.id]);
    expect(inner.calls.get('people')).toHaveLength(2);
  });

  it('never keeps what is typed by users or read once: searches, login lookups, a school’s whole pupils', async () => {
    const [guardian] = (await directory.people([pupil.guardians[0]!.adultId])) as Guardian[];
    for (let i = 0; i < 2; i++) {
      await directory.searchPeople(pupil.lastName.slice(0, 3), { limit: 5 });
      await directory.findPeople({ lastName: guardian!.lastName, firstName: guardian!.firstName });
      await directory.studentsOfSchool(pupil.schoolIds[0]!);
    }
    expect(calls.get('searchPeople')).toHaveLength(2);
    expect(calls.get('findPeople')).toHaveLength(2);
    expect(calls.get('studentsOfSchool')).toHaveLength(2);
  });

  it('checks its options when created', () => {
    expect(() => new CachedDirectory(postgres, fakeFeed(), { maxRecords: 0, maxAgeMs: 1000 })).toThrow(RangeError);
    expect(() => new CachedDirectory(postgres, fakeFeed(), { maxRecords: 1.5, maxAgeMs: 1000 })).toThrow(RangeError);
    expect(() => new CachedDirectory(postgres, fakeFeed(), { maxRecords: 10, maxAgeMs: 0 })).toThrow(RangeError);
    expect(() => new CachedDirectory(postgres, fakeFeed(), { maxRecords: 10, maxAgeMs: Number.NaN })).toThrow(RangeError);
  });
});

/** A change feed the test drives: whether it listens, and each change it tells. */
function fakeFeed(): DirectoryChangeFeed & { listening: boolean; tell(change: AnswerChange): void } {
  const listeners = new Set<(change: AnswerChange) => void>();
  return {
    listening: true,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    tell(change) {
      for (const listener of listeners) listener(change);
    },
  };
}
