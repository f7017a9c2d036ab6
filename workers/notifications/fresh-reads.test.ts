import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreshAnswer } from '../../connectors/vie-scolaire/client.ts';
import { createLogger } from '../../lib/logger.ts';
import type { HubDatabase } from '../../store/database.ts';
import { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { freshReadHints } from './fresh-reads.ts';

let database: HubDatabase;
let store: PostgresNotificationStore;
beforeAll(async () => {
  database = await openTestDatabase();
  store = new PostgresNotificationStore(database);
});
afterAll(() => database?.close());

const baseline = (uai: string, kind: string) => store.recordPoll(uai, kind, { from: '2026-11-10', to: '2026-11-25' }, new Map(), [], new Date());
/** The last poll of a school's kind, as if it had been `seconds` ago. */
const polledAgo = (uai: string, kind: string, seconds: number) =>
  sql`UPDATE notification_baselines SET read_at = now() - ${seconds} * interval '1 second' WHERE uai = ${uai} AND kind = ${kind}`.execute(database.db);
const hintOf = async (uai: string, kind: string) =>
  (await database.db.selectFrom('notification_baselines').select('fresh_read_at').where('uai', '=', uai).where('kind', '=', kind).executeTakeFirst())
    ?.fresh_read_at;

describe('fresh reads: the detector’s early poll hints', () => {
  it('a fresh read of a school never polled asks nothing: its first poll is the schedule’s baseline', async () => {
    await store.noteFreshRead('0000001A', 'life-events');
    expect(await store.dueFreshReads(0)).toEqual([]);
    expect(await database.db.selectFrom('notification_baselines').selectAll().where('uai', '=', '0000001A').execute()).toEqual([]);
  });

  it('asks an early poll of that school and kind only, not before the minimum gap after its last poll', async () => {
    await baseline('0000002B', 'life-events');
    await baseline('0000002B', 'grades');
    await store.noteFreshRead('0000002B', 'life-events');
    // Just polled: within a minute's gap nothing is due; the hint waits.
    expect(await store.dueFreshReads(60_000)).toEqual([]);
    await polledAgo('0000002B', 'life-events', 61);
    expect(await store.dueFreshReads(60_000)).toEqual([{ uai: '0000002B', kind: 'life-events' }]);
  });

  it('reads while a hint waits write nothing more (one hint per school and kind), and a poll beginning clears it', async () => {
    await baseline('0000003C', 'homework');
    await polledAgo('0000003C', 'homework', 120);
    await store.noteFreshRead('0000003C', 'homework');
    const first = await hintOf('0000003C', 'homework');
    await store.noteFreshRead('0000003C', 'homework');
    expect(await hintOf('0000003C', 'homework')).toEqual(first);
    expect((await store.dueFreshReads(60_000)).filter((d) => d.uai === '0000003C')).toHaveLength(1);

    await store.clearFreshRead('0000003C', 'homework');
    await baseline('0000003C', 'homework');
    expect((await store.dueFreshReads(0)).filter((d) => d.uai === '0000003C')).toEqual([]);
    // A read after the poll began asks again, and waits the gap from that poll.
    await store.noteFreshRead('0000003C', 'homework');
    expect((await store.dueFreshReads(60_000)).filter((d) => d.uai === '0000003C')).toEqual([]);
    expect((await store.dueFreshReads(0)).filter((d) => d.uai === '0000003C')).toEqual([{ uai: '0000003C', kind: 'homework' }]);
  });
});

describe('fresh reads: the vie scolaire client’s observer', () => {
  const answer = (over: Partial<FreshAnswer>): FreshAnswer => ({ uai: '0000009Z', kind: 'lifeEvents', subjects: ['p1'], caller: 'person:g1', ...over });
  const setUp = () => {
    const noted: string[] = [];
    let failing = false;
    const observe = freshReadHints(
      {
        noteFreshRead: async (uai: string, kind: string) => {
          if (failing) throw new Error('database down');
          noted.push(`${uai}|${kind}`);
        },
      },
      createLogger('test', 'silent'),
    );
    return {
      noted,
      observe,
      fail: (on: boolean) => (failing = on),
    };
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('notes a person’s read of a watched kind under the watcher’s name; not the hub’s own reads, nor unwatched kinds', async () => {
    const { noted, observe } = setUp();
    observe(answer({ caller: undefined }));
    observe(answer({ kind: 'periods' }));
    observe(answer({ kind: 'lessonContents' }));
    observe(answer({ kind: 'lifeEvents' }));
    observe(answer({ kind: 'grades' }));
    await settle();
    expect(noted).toEqual(['0000009Z|life-events', '0000009Z|grades']);
  });

  it('a note the database refuses fails nobody’s read, and the next read tries again', async () => {
    const { noted, observe, fail } = setUp();
    fail(true);
    expect(() => observe(answer({}))).not.toThrow();
    await settle();
    fail(false);
    observe(answer({}));
    await settle();
    expect(noted).toEqual(['0000009Z|life-events']);
  });
});
