import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { openDatabase, type HubDatabase } from '../database.ts';
import { QuotaExceededError } from '../quota.ts';
import { purgeExpiredData, messageRetention, messageTrashRetention } from '../retention/purge.ts';
import type { NewMessage } from './message.ts';
import { InvalidMessageCursorError, PostgresMessageStore } from './postgres-store.ts';
import { messagesSource } from '../privacy/personal-data.ts';

const log = createLogger('messages-test', 'silent');
const DAY = 86_400_000;
const quotas = (messagesPerDay: number) => ({ messagesPerDay, attachmentBytesPerDay: 10_000_000 });

let database: HubDatabase;
let other: HubDatabase;
let store: PostgresMessageStore;
beforeAll(async () => {
  database = await openTestDatabase();
  other = await openDatabase({ ...database.config }, log);
  store = new PostgresMessageStore(database);
});
afterAll(async () => {
  await other?.close();
  await database?.close();
});

const message = (senderId: string, to: string[], subject = 'Objet'): NewMessage => ({
  senderId,
  senderName: senderId,
  subject,
  bodyHtml: '<p>texte</p>',
  lists: [],
  recipients: to.map((personId) => ({ personId, displayName: personId, direct: true })),
});

describe('the message store', () => {
  it('pages a folder newest first by cursor, and refuses a cursor it did not give out', async () => {
    for (let i = 0; i < 5; i++) await store.send(message('pager', ['reader-p'], `n°${i}`), quotas(100));
    const first = await store.folder('reader-p', 'inbox', { first: 2 });
    const second = await store.folder('reader-p', 'inbox', { first: 2, after: first.nextCursor });
    const third = await store.folder('reader-p', 'inbox', { first: 2, after: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((m) => m.subject)).toEqual(['n°4', 'n°3', 'n°2', 'n°1', 'n°0']);
    expect(third.nextCursor).toBeUndefined();
    for (const forged of ['abc', Buffer.from('["2026-01-01T00:00:00Z","1; DROP TABLE messages"]').toString('base64url'), '']) {
      await expect(store.folder('reader-p', 'inbox', { first: 2, after: forged || 'x' })).rejects.toBeInstanceOf(InvalidMessageCursorError);
    }
  });

  it('finds a message only through its sender or a recipient’s copy', async () => {
    const id = await store.send(message('alice', ['bob']), quotas(100));
    expect(await store.open(id, 'mallory')).toBeUndefined();
    expect(await store.receipts(id, 'bob')).toBeUndefined();
    expect(await store.recall(id, 'bob', DAY)).toBe('not-found');
    expect(await store.trash(id, 'mallory', true)).toBe(false);
    expect(await store.open('not-a-uuid', 'alice')).toBeUndefined();
    expect((await store.open(id, 'bob'))?.readAt).not.toBeNull();
    expect((await store.receipts(id, 'alice'))?.[0]?.readAt).not.toBeNull();
  });

  it('holds the daily quota across two instances sending at once', async () => {
    const twin = new PostgresMessageStore(other);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : twin).send(message('busy', ['x']), quotas(4))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.status === 'rejected' && r.reason instanceof QuotaExceededError)).toBe(true);
  });

  it('searches one mailbox through its own indexes, never every message of the académie matching a word', async () => {
    await sql`INSERT INTO messages (id, thread_id, sender_id, sender_name, subject, body_html)
      SELECT g, g, 'someone' || (n % 1000), 'Someone', 'Bonjour ' || n, '<p>Bonjour, la sortie est prévue demain.</p>'
      FROM (SELECT gen_random_uuid() AS g, n FROM generate_series(1, 20000) n) s`.execute(database.db);
    await sql`ANALYZE messages`.execute(database.db);
    await sql`ANALYZE message_recipients`.execute(database.db);
    const id = await store.send(message('search-teacher', ['search-lonely'], 'Bonjour la classe'), quotas(100));
    expect((await store.search('search-lonely', { text: 'bonjour', first: 20 })).map((m) => m.id)).toEqual([id]);
    // The plan reads the person's rows by index, then the messages by primary key: no scan of `messages`.
    const plan = await store.searchQuery('search-lonely', { text: 'bonjour', first: 20 }).explain<{ 'QUERY PLAN': string }>();
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).not.toMatch(/Seq Scan on messages/);
  });

  it('a recalled mot leaves the export of a guardian who had not opened it', async () => {
    const id = await store.send(
      {
        ...message('mot-author', ['mot-guardian'], 'Mot rappelé'),
        signatures: [{ childId: 'mot-child', childName: 'Enfant', guardianId: 'mot-guardian', guardianName: 'Parent' }],
      },
      quotas(100),
    );
    const before = (await messagesSource(database).collect('mot-guardian', 'mot-guardian')) as { signatures: unknown[] };
    expect(before.signatures).toHaveLength(1);
    await store.recall(id, 'mot-author', DAY);
    expect(JSON.stringify(await messagesSource(database).collect('mot-guardian', 'mot-guardian'))).not.toContain('Mot rappelé');
  });

  it('the retention: messages past theirs go with every copy; trashed copies past the trash’s; a sender’s trashed message once no copy remains', async () => {
    const old = await store.send(message('ret-sender', ['ret-a', 'ret-b'], 'ancien'), quotas(100));
    const recent = await store.send(message('ret-sender', ['ret-a'], 'récent'), quotas(100));
    const trashedLongAgo = await store.send(message('ret-sender', ['ret-a', 'ret-b'], 'corbeille'), quotas(100));
    await sql`UPDATE messages SET sent_at = now() - interval '400 days' WHERE id = ${old}`.execute(database.db);
    await sql`UPDATE message_recipients SET sent_at = now() - interval '400 days' WHERE message_id = ${old}`.execute(database.db);
    await sql`UPDATE message_recipients SET trashed_at = now() - interval '40 days' WHERE message_id = ${trashedLongAgo} AND person_id = 'ret-a'`.execute(
      database.db,
    );
    await store.trash(recent, 'ret-a', true);
    await sql`UPDATE messages SET sender_trashed_at = now() - interval '40 days' WHERE id = ${trashedLongAgo}`.execute(database.db);

    const counts = await purgeExpiredData(database, [messageRetention(365 * DAY), messageTrashRetention(30 * DAY)], new Date(), log);
    expect(counts).toEqual({ messages: 1, messagesTrashed: 1 });
    expect(await store.open(old, 'ret-sender')).toBeUndefined();
    expect(await store.open(trashedLongAgo, 'ret-a')).toBeUndefined();
    // ret-b still has a copy: the sender's trashed message stays for them, and goes once theirs does.
    expect((await store.open(trashedLongAgo, 'ret-b'))?.subject).toBe('corbeille');
    expect((await store.open(recent, 'ret-a'))?.trashed).toBe(true);
    await sql`UPDATE message_recipients SET trashed_at = now() - interval '40 days' WHERE message_id = ${trashedLongAgo}`.execute(database.db);
    expect(await purgeExpiredData(database, [messageTrashRetention(30 * DAY)], new Date(), log)).toEqual({ messagesTrashed: 2 });
    expect((await database.db.selectFrom('messages').select('id').where('id', '=', trashedLongAgo).execute()).length).toBe(0);
  });
});

describe('drafts and own folders', () => {
  const content = (subject: string) => ({ subject, bodyHtml: '<p>brouillon</p>', recipientIds: ['someone'], inReplyTo: null, requiresSignature: false });

  it('keeps a draft for its author only, last saved first, bounded per person, and sends it once', async () => {
    const first = (await store.saveDraft('writer', content('premier'), { maxDrafts: 3 }))!;
    const second = (await store.saveDraft('writer', content('second'), { maxDrafts: 3 }))!;
    await store.saveDraft('writer', content('troisième'), { maxDrafts: 3 });
    await expect(store.saveDraft('writer', content('quatrième'), { maxDrafts: 3 })).rejects.toBeInstanceOf(QuotaExceededError);
    // Updating puts it first; someone else can neither read, update nor delete it.
    expect(await store.saveDraft('writer', content('premier, revu'), { id: first.id, maxDrafts: 3 })).toMatchObject({ subject: 'premier, revu' });
    expect(await store.saveDraft('mallory', content('volé'), { id: first.id, maxDrafts: 3 })).toBeUndefined();
    expect(await store.draft(first.id, 'mallory')).toBeUndefined();
    expect(await store.deleteDraft(first.id, 'mallory')).toBe(false);
    const page1 = await store.drafts('writer', { first: 2 });
    const page2 = await store.drafts('writer', { first: 2, after: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((d) => d.subject)).toEqual(['premier, revu', 'troisième', 'second']);
    expect((await store.drafts('mallory', { first: 10 })).items).toEqual([]);
    // In the author's own export of their data, never in another's.
    expect(JSON.stringify(await messagesSource(database).collect('writer', 'writer'))).toContain('premier, revu');
    expect(JSON.stringify(await messagesSource(database).collect('mallory', 'mallory'))).not.toContain('premier, revu');

    // Sent twice at once: one message, and the draft is gone.
    const sends = await Promise.all([1, 2].map(() => store.sendDraft(second.id, message('writer', ['reader-d'], 'second'), quotas(100))));
    expect(sends.filter(Boolean)).toHaveLength(1);
    expect(await store.draft(second.id, 'writer')).toBeUndefined();
    expect((await store.folder('reader-d', 'inbox', { first: 10 })).items.map((m) => m.subject)).toEqual(['second']);
    // Drafts never reach message_recipients: nobody's inbox (nor its live updates) sees them.
    const { count } = await database.db
      .selectFrom('message_recipients')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('person_id', '=', 'someone')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(0);
  });

  it('moves a received copy into one of its owner’s folders only, and a deleted folder gives its messages back to the inbox', async () => {
    const id = await store.send(message('sender-f', ['owner-f', 'other-f'], 'à classer'), quotas(100));
    const folder = await store.createFolder('owner-f', 'Sorties');
    const theirs = await store.createFolder('other-f', 'Sorties');
    if (folder === 'name-taken' || theirs === 'name-taken') throw new Error('names are per person');
    expect(await store.createFolder('owner-f', 'SORTIES')).toBe('name-taken');

    expect(await store.moveMessage('owner-f', id, theirs.id)).toBe('no-folder');
    expect(await store.moveMessage('mallory', id, folder.id)).toBe('no-folder');
    expect(await store.moveMessage('sender-f', id, null)).toBe('no-message');
    expect(await store.moveMessage('owner-f', id, folder.id)).toBe('moved');
    expect((await store.folder('owner-f', 'inbox', { first: 10 })).items).toEqual([]);
    expect((await store.ownFolder('owner-f', folder.id, { first: 10 }))?.items.map((m) => m.subject)).toEqual(['à classer']);
    expect(await store.ownFolder('other-f', folder.id, { first: 10 })).toBeUndefined();
    expect(await store.ownFolders('owner-f')).toEqual([{ id: folder.id, name: 'Sorties', total: 1, unreadCount: 1 }]);
    // The other recipient's copy did not move.
    expect((await store.folder('other-f', 'inbox', { first: 10 })).items.map((m) => m.id)).toEqual([id]);

    expect(await store.renameFolder('other-f', folder.id, 'Volé')).toBeUndefined();
    expect(await store.renameFolder('owner-f', folder.id, 'Sorties scolaires')).toMatchObject({ name: 'Sorties scolaires' });
    expect(await store.deleteFolder('other-f', folder.id)).toBeUndefined();
    expect(await store.deleteFolder('owner-f', folder.id)).toBe(1);
    expect((await store.folder('owner-f', 'inbox', { first: 10 })).items.map((m) => m.id)).toEqual([id]);
    expect(await store.ownFolders('owner-f')).toEqual([]);
  });

  it('keeps at most 100 folders per person', async () => {
    for (let i = 0; i < 100; i++) await store.createFolder('hoarder', `Dossier ${i}`);
    await expect(store.createFolder('hoarder', 'Un de trop')).rejects.toBeInstanceOf(QuotaExceededError);
    expect(await store.ownFolders('hoarder')).toHaveLength(100);
  });
});
