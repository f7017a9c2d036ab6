import net from 'node:net';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aafDocument, addRequestXml, modifyRequestXml } from '../connectors/directory/aaf/write.ts';
import { createLogger } from '../lib/logger.ts';
import { openTestDatabase } from '../test/helpers/database.ts';
import { until } from '../test/helpers/until.ts';
import { announceChangeAbout, AnswerChanges, InvalidAnswerPersonIdError, MAX_ANSWER_PERSON_ID_LENGTH, type AnswerChange } from './answer-changes.ts';
import type { HubDatabase } from './database.ts';
import { directorySnapshot, importAafIntoDatabase, PostgresAafTarget } from './directory/aaf-writer.ts';
import { PostgresFeedStore } from './feeds/postgres-store.ts';
import { migrateToLatest, migratorOf } from './migrate.ts';
import { ANSWER_CHANGES_CHANNEL, ANSWER_TABLES } from './migrations/0015-answer-changes.ts';
import type { OutboxItem } from './outbox/item.ts';
import { PostgresOutboxStore } from './outbox/postgres-store.ts';
import { unusedFeedRetention } from './retention/purge.ts';

const log = createLogger('answer-changes-test', 'silent');
let database: HubDatabase;
let changes: AnswerChanges;
beforeAll(async () => {
  database = await openTestDatabase();
  changes = await AnswerChanges.start(database, log);
});
afterAll(async () => {
  await changes?.close();
  await database?.close();
});

const ALL: AnswerChange = { kind: 'all' };
const DIRECTORY: AnswerChange = { kind: 'directory' };
const OUTBOX: AnswerChange = { kind: 'outbox' };
const isPerson = (change: AnswerChange, personId: string) => change.kind === 'person' && change.personId === personId;

let markers = 0;
/**
 * What `listener` hears because of `write`, and nothing else: after the write, a marker is
 * announced, and what came before it is everything the write caused (PostgreSQL delivers the
 * notifications of transactions in the order they committed). No waiting on a clock.
 */
async function heardDuring(write: () => Promise<unknown>, listener: AnswerChanges = changes): Promise<AnswerChange[]> {
  const heard: AnswerChange[] = [];
  const stop = listener.onChange((change) => heard.push(change));
  try {
    await write();
    const marker = `marker-${++markers}`;
    await listener.announce(marker);
    await until(async () => heard.some((change) => isPerson(change, marker)));
    return heard.slice(
      0,
      heard.findIndex((change) => isPerson(change, marker)),
    );
  } finally {
    stop();
  }
}

let days = 0;
/** An AAF delta export of one file, each with a later day (an older one would be refused). */
function delta(requests: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-answer-changes-'));
  writeFileSync(join(dir, `ENT_Delta_202611${String(++days).padStart(2, '0')}_Eleve_0000.xml`), aafDocument(requests));
  return dir;
}
const pupil = (id: string, givenName = `Élève ${id}`) => addRequestXml('Eleve', id, { ENTPersonJointure: [id], sn: ['DUPONT'], givenName: [givenName] });

describe('answer changes from the directory', () => {
  it('an AAF import says `directory` once, however many rows and statements it wrote', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `a${i}`);
    // Batches of 50: six statements into the entries and six into the links, in one transaction.
    const heard = await heardDuring(() => importAafIntoDatabase(database, delta(ids.map((id) => pupil(id))), { batchSize: 50 }));
    expect(heard).toEqual([DIRECTORY]);
    expect(Object.keys((await directorySnapshot(database)).Eleve ?? {})).toHaveLength(300);
  });

  it('a modify says `directory`; an import that changes nothing says nothing', async () => {
    expect(await heardDuring(() => importAafIntoDatabase(database, delta([modifyRequestXml('Eleve', 'a1', { givenName: ['Paul'] })])))).toEqual([DIRECTORY]);
    // The same entries again under another name: the upsert writes no row.
    expect(await heardDuring(() => importAafIntoDatabase(database, delta([pupil('a2'), pupil('a3')])))).toEqual([]);
  });

  it('a rolled-back write says nothing', async () => {
    const client = await database.pool.connect();
    try {
      const target = new PostgresAafTarget(client);
      const heard = await heardDuring(() =>
        target
          .importFile(
            async (apply) => {
              const applied = await apply([
                {
                  operation: 'add',
                  category: 'Eleve',
                  id: 'rolled-back',
                  attributes: { ENTPersonJointure: ['rolled-back'], sn: ['X'], givenName: ['Y'] },
                  file: 'f',
                  line: 1,
                },
              ]);
              // Written, inside the transaction that is then rolled back.
              expect(applied).toEqual([{ ok: true }]);
              throw new Error('the file broke');
            },
            { name: 'broken.xml', sha256: 'x' },
          )
          .catch(() => undefined),
      );
      expect(heard).toEqual([]);
    } finally {
      client.release();
    }
    expect((await directorySnapshot(database)).Eleve?.['rolled-back']).toBeUndefined();
  });

  it('a TRUNCATE says `directory`', async () => {
    expect(await heardDuring(() => database.pool.query('TRUNCATE directory_links'))).toEqual([DIRECTORY]);
  });
});

describe('answer changes from the vie scolaire outbox', () => {
  const submission = () => ({
    id: randomUUID(),
    kind: 'justification' as const,
    uai: '0750001A',
    pupilId: 'a1',
    targetId: 'absence-1',
    submittedBy: 'guardian-1',
    reason: 'MALADIE',
    verified: true,
  });

  it('a submission, its failed forwarding and its settling each name its pupil; the forwarding loop claiming it says nothing', async () => {
    const store = new PostgresOutboxStore(database);
    const item = submission();
    const A1: AnswerChange = { kind: 'person', personId: 'a1' };
    expect(await heardDuring(() => store.insert(item, undefined))).toEqual([A1]);
    // Every instance claims due items every second: bookkeeping no answer shows.
    let claimed: OutboxItem[] = [];
    expect(await heardDuring(async () => (claimed = await store.claim('instance-1', 10, 60_000)))).toEqual([]);
    expect(claimed.map((c) => c.id)).toEqual([item.id]);
    expect(await heardDuring(() => store.claim('instance-1', 10, 60_000))).toEqual([]);
    // A failed attempt changes the item's updatedAt, which a justification shows.
    expect(await heardDuring(() => store.retryLater('instance-1', claimed[0]!, 'unavailable', 0))).toEqual([A1]);
    claimed = await store.claim('instance-1', 10, 60_000);
    expect(await heardDuring(() => store.settle('instance-1', claimed[0]!, { state: 'SENT', verified: true, followUpMs: 0 }))).toEqual([A1]);
    // The school has not decided yet: the follow-up of every tick reschedules, and says nothing.
    for (let i = 0; i < 3; i++) {
      claimed = await store.claim('instance-1', 10, 60_000);
      expect(claimed.map((c) => c.state)).toEqual(['SENT']);
      expect(await heardDuring(() => store.settle('instance-1', claimed[0]!, { state: 'SENT', verified: true, followUpMs: 0 }))).toEqual([]);
    }
    // Its decision changes what the guardian sees.
    claimed = await store.claim('instance-1', 10, 60_000);
    expect(await heardDuring(() => store.settle('instance-1', claimed[0]!, { state: 'ACCEPTED', verified: true, followUpMs: 0 }))).toEqual([A1]);
    // A purge with nothing past its retention deletes no row.
    expect(await heardDuring(() => store.prune(86_400_000))).toEqual([]);
  });

  it('a statement about many pupils at once (the purge) says `outbox` once; one about a few names each', async () => {
    const insertFor = (pupils: string[]) =>
      sql`INSERT INTO vie_scolaire_outbox (id, kind, uai, pupil_id, target_id, submitted_by, verified, state)
        SELECT gen_random_uuid(), 'homework', '0750001A', p, 'homework-1', 'guardian-1', true, 'PENDING' FROM unnest(${pupils}::text[]) p`.execute(database.db);
    const named = (await heardDuring(() => insertFor(['b1', 'b2', 'b2', 'b3']))).map((change) => (change.kind === 'person' ? change.personId : change.kind));
    expect(named.sort()).toEqual(['b1', 'b2', 'b3']);
    const many = Array.from({ length: 51 }, (_, i) => `c${i}`);
    expect(await heardDuring(() => insertFor(many))).toEqual([OUTBOX]);
    expect(await heardDuring(() => sql`DELETE FROM vie_scolaire_outbox WHERE pupil_id = ANY(${many}::text[])`.execute(database.db))).toEqual([OUTBOX]);
    expect(await heardDuring(() => sql`DELETE FROM vie_scolaire_outbox WHERE pupil_id = 'b2'`.execute(database.db))).toEqual([
      { kind: 'person', personId: 'b2' },
    ]);
  });

  it('a calendar feed created or revoked by the retention says nothing: no answer kept reads it', async () => {
    const feeds = new PostgresFeedStore(database);
    let token = '';
    expect(await heardDuring(async () => ({ token } = await feeds.create({ ownerId: 'guardian-1', pupilId: 'a1' }, 5)))).toEqual([]);
    expect(await heardDuring(async () => expect(await feeds.byToken(token)).toBeDefined())).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    expect(await heardDuring(() => unusedFeedRetention(1).purge(database, later))).toEqual([]);
    expect(await feeds.ownedBy('guardian-1')).toEqual([]);
  });
});

describe('a person announced, and the listener', () => {
  it('a person announced on one instance is heard as that person on another, and on itself', async () => {
    const other = await AnswerChanges.start(database, log);
    try {
      const heardThere: AnswerChange[] = [];
      other.onChange((change) => heardThere.push(change));
      const heardHere = await heardDuring(() => changes.announce('p1'));
      expect(heardHere).toEqual([{ kind: 'person', personId: 'p1' }]);
      await until(async () => heardThere.some((change) => isPerson(change, 'p1')));
      expect(heardThere.filter((change) => change.kind === 'person' && !change.personId.startsWith('marker-'))).toEqual([{ kind: 'person', personId: 'p1' }]);
    } finally {
      await other.close();
    }
  });

  it('a write the database does not see, announced by a subgraph about a pupil, is heard as that person', async () => {
    expect(await heardDuring(() => announceChangeAbout(database, 'pupil-1'))).toEqual([{ kind: 'person', personId: 'pupil-1' }]);
    expect(() => announceChangeAbout(database, '')).toThrow(InvalidAnswerPersonIdError);
  });

  it('an id that is empty or too long is refused; one of the longest length is told', async () => {
    for (const id of ['', 'x'.repeat(MAX_ANSWER_PERSON_ID_LENGTH + 1)]) {
      await expect(changes.announce(id)).rejects.toThrow(InvalidAnswerPersonIdError);
      await expect(changes.announce(id)).rejects.toMatchObject({ code: 'ERR_ANSWER_PERSON_ID', length: id.length });
    }
    const longest = 'y'.repeat(MAX_ANSWER_PERSON_ID_LENGTH);
    expect(await heardDuring(() => changes.announce(longest))).toEqual([{ kind: 'person', personId: longest }]);
  });

  it('a payload not understood (another version, a bad id) forgets everything', async () => {
    const say = (payload: string) => sql`SELECT pg_notify(${ANSWER_CHANGES_CHANNEL}, ${payload})`.execute(database.db);
    expect(await heardDuring(() => say('everything'))).toEqual([ALL]);
    expect(await heardDuring(() => say('person:'))).toEqual([ALL]);
    expect(await heardDuring(() => say(`person:${'z'.repeat(MAX_ANSWER_PERSON_ID_LENGTH + 1)}`))).toEqual([ALL]);
  });

  it('a listener that throws keeps no other from hearing; an unsubscribed one hears nothing more', async () => {
    const heard: AnswerChange[] = [];
    const stopThrowing = changes.onChange(() => {
      throw new Error('a broken cache');
    });
    const stopGone = changes.onChange((change) => heard.push(change));
    stopGone();
    try {
      expect(await heardDuring(() => changes.announce('p2'))).toEqual([{ kind: 'person', personId: 'p2' }]);
    } finally {
      stopThrowing();
    }
    expect(heard).toEqual([]);
  });

  it('a listener’s heartbeats reach no other listener: only changes travel on the shared channel', async () => {
    const eager = await AnswerChanges.start(database, log, { heartbeatMs: 50 });
    const other = new pg.Client({ connectionString: database.config.url });
    const onShared: string[] = [];
    try {
      await other.connect();
      other.on('notification', (message) => void onShared.push(message.payload ?? ''));
      await other.query(`LISTEN ${ANSWER_CHANGES_CHANNEL}`);
      // Several heartbeats echoed (the listener would count as lost otherwise).
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(eager.listening).toBe(true);
      expect(onShared).toEqual([]);
      await eager.announce('p5');
      await until(async () => onShared.length > 0);
      expect(onShared).toEqual(['person:p5']);
    } finally {
      await other.end();
      await eager.close();
    }
  });

  it('a connection that silently stops carrying bytes counts as lost within its heartbeat, and listens again once the path is back', async () => {
    const relay = await silenceableRelay(database);
    const relayed = await AnswerChanges.start({ ...database, config: { ...database.config, url: relay.url, connectTimeoutMs: 1000 } }, log, {
      heartbeatMs: 300,
    });
    const heard: AnswerChange[] = [];
    relayed.onChange((change) => heard.push(change));
    try {
      expect(relayed.listening).toBe(true);
      relay.blackhole = true;
      // The directory changes while the path is dead: that notification is lost, and the listener says so.
      await announceChangeAbout(database, 'pupil-2');
      await until(async () => !relayed.listening, 3000);
      expect(heard).toContainEqual(ALL);
      relay.blackhole = false;
      await until(async () => relayed.listening, 10_000);
      expect(await heardDuring(() => relayed.announce('p4'), relayed)).toEqual([{ kind: 'person', personId: 'p4' }]);
    } finally {
      await relayed.close();
      relay.close();
    }
  });

  it('a wall clock stepped back does not hide a connection that went silent', async () => {
    const relay = await silenceableRelay(database);
    const relayed = await AnswerChanges.start({ ...database, config: { ...database.config, url: relay.url, connectTimeoutMs: 1000 } }, log, {
      heartbeatMs: 300,
    });
    // NTP steps the clock back a minute just as the path dies: measured on the wall clock, no
    // heartbeat would be overdue for a minute more.
    const stepped = Date.now() - 60_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => stepped);
    try {
      relay.blackhole = true;
      await until(async () => !relayed.listening, 3000);
    } finally {
      clock.mockRestore();
      await relayed.close();
      relay.close();
    }
  });

  it('a lost connection says `all` while not listening, and it listens again', async () => {
    const heard: { change: AnswerChange; listening: boolean }[] = [];
    const stop = changes.onChange((change) => heard.push({ change, listening: changes.listening }));
    try {
      expect(changes.listening).toBe(true);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`.execute(
        database.db,
      );
      // Told when lost and again when listening anew (what happened between was missed).
      await until(async () => heard.length >= 2 && changes.listening);
      expect(heard.slice(0, 2)).toEqual([
        { change: ALL, listening: false },
        { change: ALL, listening: false },
      ]);
    } finally {
      stop();
    }
    expect(await heardDuring(() => changes.announce('p3'))).toEqual([{ kind: 'person', personId: 'p3' }]);
  });

  it('listening once started, not after close', async () => {
    const other = await AnswerChanges.start(database, log);
    expect(other.listening).toBe(true);
    await other.close();
    expect(other.listening).toBe(false);
  });
});

describe('the migration', () => {
  const triggers = async () =>
    (
      await sql<{ name: string }>`SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE '%\_answers\_%' AND NOT tgisinternal ORDER BY tgname`.execute(
        database.db,
      )
    ).rows.map((r) => r.name);

  it('down removes every trigger and the functions; up puts them back', async () => {
    expect(await triggers()).toHaveLength(Object.keys(ANSWER_TABLES).length * 4);
    // 0017 down: the outbox says `outbox` again, as 0016 made it.
    expect((await migratorOf(database.db).migrateDown()).error).toBeUndefined();
    expect(await triggers()).toHaveLength(Object.keys(ANSWER_TABLES).length * 4);
    const outboxRow = sql`INSERT INTO vie_scolaire_outbox (id, kind, uai, pupil_id, target_id, submitted_by, verified, state)
      VALUES (gen_random_uuid(), 'homework', '0750001A', 'd1', 'homework-1', 'guardian-1', true, 'PENDING')`;
    expect(await heardDuring(() => outboxRow.execute(database.db))).toEqual([OUTBOX]);
    // 0016 down: the triggers say `all` again, as 0015 made them.
    expect((await migratorOf(database.db).migrateDown()).error).toBeUndefined();
    expect(await heardDuring(() => importAafIntoDatabase(database, delta([pupil('after-0016-down')])))).toEqual([ALL]);
    // 0015 down: no trigger.
    expect((await migratorOf(database.db).migrateDown()).error).toBeUndefined();
    expect(await triggers()).toEqual([]);
    expect(await heardDuring(() => importAafIntoDatabase(database, delta([pupil('after-down')])))).toEqual([]);
    expect(await migrateToLatest(database, log)).toEqual(['0015-answer-changes', '0016-answer-change-kinds', '0017-outbox-changes-by-pupil']);
    expect(await triggers()).toHaveLength(Object.keys(ANSWER_TABLES).length * 4);
    expect(await heardDuring(() => importAafIntoDatabase(database, delta([pupil('after-up')])))).toEqual([DIRECTORY]);
    expect(await heardDuring(() => outboxRow.execute(database.db))).toEqual([{ kind: 'person', personId: 'd1' }]);
  });
});

/**
 * A relay to PostgreSQL that can drop every byte without closing or erroring (a firewall's idle
 * timeout, a partition): only what connects to `url` goes through it.
 */
async function silenceableRelay(database: HubDatabase): Promise<{ url: string; blackhole: boolean; close(): void }> {
  const sockets: net.Socket[] = [];
  const target = new URL(database.config.url);
  const state = { blackhole: false };
  const server = net.createServer((socket) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.push(socket, upstream);
    socket.on('data', (bytes) => void (state.blackhole || upstream.write(bytes)));
    upstream.on('data', (bytes) => void (state.blackhole || socket.write(bytes)));
    socket.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(database.config.url);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return Object.assign(state, {
    url: url.toString(),
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  });
}
