import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { openTestDatabase } from '../test/helpers/database.ts';
import type { HubDatabase } from './database.ts';
import { LiveStreamLimitError, LiveUpdates, type LiveChange } from './live-updates.ts';
import { PostgresMessageStore } from './messaging/postgres-store.ts';

const log = createLogger('live-updates-test', 'silent');
let database: HubDatabase;
let live: LiveUpdates;
beforeAll(async () => {
  database = await openTestDatabase();
  live = await LiveUpdates.start(database, log, { coalesceMs: 50, maxStreamsPerPerson: 2, maxStreams: 5 });
});
afterAll(async () => {
  await live?.close();
  await database?.close();
});

let made = 0;
/** A notification for each person, written in one statement (as the fan-out writes them). */
async function notify(...personIds: string[]): Promise<string[]> {
  const event = randomUUID();
  await sql`INSERT INTO notification_events (id, kind, uai, dedup_key, details) VALUES (${event}, 'test', '0750001A', ${`test|${++made}`}, '{}')`.execute(
    database.db,
  );
  const ids = personIds.map(() => randomUUID());
  for (const [i, personId] of personIds.entries())
    await sql`INSERT INTO notifications (id, event_id, person_id, category, title, body) VALUES (${ids[i]}, ${event}, ${personId}, 'GRADE', 't', 'b')`.execute(
      database.db,
    );
  return ids;
}

async function message(...recipients: string[]): Promise<string> {
  const id = randomUUID();
  await database.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO messages (id, thread_id, sender_id, sender_name, subject, body_html) VALUES (${id}, ${id}, 'sender', 'S', 's', 'b')`.execute(trx);
    for (const person of recipients)
      await sql`INSERT INTO message_recipients (message_id, person_id, display_name, direct, sent_at) VALUES (${id}, ${person}, 'R', true, now())`.execute(trx);
  });
  return id;
}

/** The next update of a stream, or 'nothing' if none comes within `ms`. */
const nextWithin = (stream: AsyncIterator<readonly LiveChange[]>, ms = 1500) =>
  Promise.race([stream.next().then((r) => (r.done ? 'ended' : r.value)), new Promise<'nothing'>((r) => setTimeout(() => r('nothing'), ms))]);

describe('live updates from the database', () => {
  it('a person hears of their own new notification and message, whoever wrote them, and no one else does', async () => {
    const alice = live.follow('alice');
    const bob = live.follow('bob');
    await notify('alice');
    expect(await nextWithin(alice)).toEqual(['notifications']);
    await message('alice');
    expect(await nextWithin(alice)).toEqual(['messages']);
    expect(await nextWithin(bob, 300)).toBe('nothing');
    await alice.return!();
    await bob.return!();
  });

  it('a burst is one update, and reading elsewhere is an update too', async () => {
    const alice = live.follow('alice');
    const ids = await notify('alice');
    await notify('alice');
    await message('alice');
    expect(await nextWithin(alice)).toEqual(['messages', 'notifications']);
    await sql`UPDATE notifications SET read_at = now() WHERE id = ${ids[0]}`.execute(database.db);
    expect(await nextWithin(alice)).toEqual(['notifications']);
    await sql`DELETE FROM notifications WHERE id = ${ids[0]}`.execute(database.db);
    expect(await nextWithin(alice)).toEqual(['notifications']);
    await alice.return!();
  });

  it('a rolled-back write says nothing', async () => {
    const alice = live.follow('alice');
    await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO messages (id, thread_id, sender_id, sender_name, subject, body_html) VALUES (${randomUUID()}, ${randomUUID()}, 's', 'S', 's', 'b')`.execute(
          trx,
        );
        const id = (await sql<{ id: string }>`SELECT id FROM messages ORDER BY sent_at DESC LIMIT 1`.execute(trx)).rows[0]!.id;
        await sql`INSERT INTO message_recipients (message_id, person_id, display_name, direct, sent_at) VALUES (${id}, 'alice', 'R', true, now())`.execute(trx);
        throw new Error('the send failed');
      })
      .catch(() => undefined);
    expect(await nextWithin(alice, 500)).toBe('nothing');
    await alice.return!();
  });

  it('streams are bounded per person and per process, and a closed stream frees its place', async () => {
    const a1 = live.follow('carol');
    const a2 = live.follow('carol');
    expect(() => live.follow('carol')).toThrow(expect.objectContaining({ code: 'ERR_LIVE_STREAM_LIMIT', scope: 'person' }));
    await a1.return!();
    const a3 = live.follow('carol');
    const others = [live.follow('dan'), live.follow('erin'), live.follow('frank')];
    expect(live.streams).toBe(5);
    expect(() => live.follow('gina')).toThrow(LiveStreamLimitError);
    for (const s of [a2, a3, ...others]) await s.return!();
    expect(live.streams).toBe(0);
  });

  it('a slow reader holds one pending update, not a queue', async () => {
    const alice = live.follow('alice');
    for (let i = 0; i < 20; i++) await notify('alice');
    await new Promise((r) => setTimeout(r, 300));
    expect(await nextWithin(alice)).toEqual(['notifications']);
    expect(await nextWithin(alice, 300)).toBe('nothing');
    await alice.return!();
  });

  it('moving a message into a folder, or deleting the folder, tells its owner only; a draft tells no one', async () => {
    const store = new PostgresMessageStore(database);
    const id = await message('filer', 'other-filer');
    const folder = await store.createFolder('filer', 'Classés');
    if (folder === 'name-taken') throw new Error('a new name');
    const filer = live.follow('filer');
    const other = live.follow('other-filer');
    expect(await store.moveMessage('filer', id, folder.id)).toBe('moved');
    expect(await nextWithin(filer)).toEqual(['messages']);
    expect(await store.deleteFolder('filer', folder.id)).toBe(1);
    expect(await nextWithin(filer)).toEqual(['messages']);
    await store.saveDraft('filer', { subject: 's', bodyHtml: '', recipientIds: ['other-filer'], inReplyTo: null, requiresSignature: false }, { maxDrafts: 10 });
    expect(await nextWithin(other, 300)).toBe('nothing');
    expect(await nextWithin(filer, 300)).toBe('nothing');
    await filer.return!();
    await other.return!();
  });

  it('a lost database connection tells every stream to read again', async () => {
    const alice = live.follow('alice');
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`.execute(
      database.db,
    );
    expect(await nextWithin(alice, 3000)).toEqual(['resync']);
    // It listens again (and says 'resync' once more when it does: what happened meanwhile was missed).
    expect(await nextWithin(alice, 3000)).toEqual(['resync']);
    await notify('alice');
    expect(await nextWithin(alice, 3000)).toEqual(['notifications']);
    await alice.return!();
  });

  it('closing ends every open stream', async () => {
    const other = await LiveUpdates.start(database, log, { coalesceMs: 10 });
    const stream = other.follow('alice');
    const pending = stream.next();
    await other.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(() => other.follow('alice')).toThrow(LiveStreamLimitError);
  });
});
