import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../connectors/directory/model.ts';
import { createLogger } from '../../lib/logger.ts';
import { personalDataSources } from '../../subgraphs/identity/data-exports.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import type { HubDatabase } from '../database.ts';
import type { AuditEvent } from '../journal/event.ts';
import { PostgresAuditStore } from '../journal/postgres-store.ts';
import { PostgresMessageStore } from '../messaging/postgres-store.ts';
import { QuotaExceededError } from '../quota.ts';
import { DataExportStore } from './data-exports.ts';
import { DataExportWorker } from './export-worker.ts';

const log = createLogger('data-export-test', 'silent');

let database: HubDatabase;
let exports: DataExportStore;
let journal: PostgresAuditStore;
beforeAll(async () => {
  database = await openTestDatabase();
  exports = new DataExportStore(database);
  journal = new PostgresAuditStore(database);
});
afterAll(() => database?.close());

const person = (id: string, marker: string): Person =>
  ({
    id,
    kind: 'student',
    lastName: `${marker}-lastname`,
    firstName: `${marker}-firstname`,
    otherFirstNames: [],
    birthDate: '2012-03-04',
    schoolIds: ['school-1'],
    classes: [],
    groups: [],
    guardians: [],
    mefCode: undefined,
  }) as unknown as Person;

/** Every kind of data the hub keeps about a person, each value carrying the person's marker. */
async function seedPerson(id: string, marker: string, reader: string) {
  const now = Date.now();
  await database.db
    .insertInto('sessions')
    .values({
      id: `${marker}-session`,
      secret_hash: `${marker}-secret-hash`,
      person_id: id,
      profile: 'student',
      functions: [],
      schools: ['school-1'],
      children: [],
      idp: 'educonnect',
      idp_subject: `${marker}-subject`,
      idp_session_id: `${marker}-sid`,
      id_token: `${marker}-id-token`,
      created_at: new Date(now - 60_000),
      last_seen_at: new Date(now),
      facts_at: null,
      transport: 'cookie',
      user_agent: `${marker}-browser`,
    })
    .execute();
  await database.db
    .insertInto('login_events')
    .values({ person_id: id, at: new Date(now - 60_000), idp: 'educonnect', outcome: 'success', reason: null, user_agent: `${marker}-login-agent` })
    .execute();
  const event: AuditEvent = {
    at: new Date(now - 30_000).toISOString(),
    requestId: `${marker}-request`,
    viewer: { kind: 'person', personId: reader, profile: 'teacher' },
    operationName: `${marker}Operation`,
    targets: [id],
    fields: ['Student.birthDate'],
    outcome: 'allowed',
  };
  await journal.append([event]);
  await database.db
    .insertInto('vie_scolaire_outbox')
    .values({
      id: randomUUID(),
      kind: 'justification',
      uai: '0750001A',
      pupil_id: id,
      target_id: `${marker}-absence`,
      submitted_by: id,
      reason: `${marker}-reason`,
      comment: `${marker}-comment`,
      file_name: `${marker}-certificate.pdf`,
      file_content_type: 'application/pdf',
      file_bytes: 1234,
      verified: true,
      state: 'ACCEPTED',
      upstream_id: `${marker}-upstream`,
      next_attempt_at: new Date(now),
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      settled_at: new Date(now),
    })
    .execute();
  await database.db
    .insertInto('calendar_feeds')
    .values({ id: randomUUID(), token_hash: `${marker}-feed-token-hash`, owner_id: id, pupil_id: id, last_used_at: null, revoked_at: null })
    .execute();
  // A message the person received from their teacher, and one they sent back.
  const messages = new PostgresMessageStore(database);
  const quotas = { messagesPerDay: 100, attachmentBytesPerDay: 0 };
  const letter = (senderId: string, to: string, subject: string) => ({
    senderId,
    senderName: senderId,
    subject,
    bodyHtml: `<p>${subject}</p>`,
    lists: [],
    recipients: [{ personId: to, displayName: to, direct: true }],
  });
  await messages.send(letter(reader, id, `${marker}-received-subject`), quotas);
  await messages.send(letter(id, reader, `${marker}-sent-subject`), quotas);
}

const directory = {
  people: (ids: readonly string[]) =>
    Promise.resolve(ids.map((id) => (id === 'pupil-alpha' ? person(id, 'ALPHA') : id === 'pupil-bravo' ? person(id, 'BRAVO') : undefined))),
};

/** Produces every pending export now and returns one's document through a one-time link. */
async function produceAndDownload(id: string, requestedBy: string): Promise<string> {
  const worker = new DataExportWorker({ exports, sources: personalDataSources(database, directory), journal, keepMs: 3_600_000, log });
  await worker.drain();
  const link = await exports.issueLink(id, requestedBy, 60_000);
  expect(link).toBeDefined();
  const taken = await exports.take(link!.token);
  expect(taken).toBeDefined();
  return taken!.document;
}

describe('the right of access: data exports', () => {
  it('an export holds every kind of data about the person and nothing about anyone else', async () => {
    await seedPerson('pupil-alpha', 'ALPHA', 'reader-of-alpha');
    await seedPerson('pupil-bravo', 'BRAVO', 'reader-of-bravo');
    // An earlier request of Bravo's: part of Bravo's data, not Alpha's.
    await exports.request({ personId: 'pupil-bravo', requestedBy: 'pupil-bravo', requestId: 'BRAVO-export-request' }, 3);
    await produceAndDownload((await exports.requestedBy('pupil-bravo'))[0]!.id, 'pupil-bravo');

    const requested = await exports.request({ personId: 'pupil-alpha', requestedBy: 'pupil-alpha', requestId: 'ALPHA-export-request' }, 3);
    expect(requested).toMatchObject({ personId: 'pupil-alpha', status: 'pending' });
    const text = await produceAndDownload(requested.id, 'pupil-alpha');
    const document = JSON.parse(text) as { person: string; data: Record<string, unknown> };

    expect(document.person).toBe('pupil-alpha');
    const kinds = ['directoryRecord', 'sessions', 'loginHistory', 'accessJournal', 'submissions', 'calendarFeeds', 'dataExports', 'messages', 'notifications'];
    expect(Object.keys(document.data).sort()).toEqual([...kinds].sort());
    for (const kind of kinds) expect(document.data[kind], kind).not.toEqual([]);
    expect(document.data.directoryRecord).toMatchObject({ id: 'pupil-alpha', lastName: 'ALPHA-lastname' });
    expect(document.data.sessions).toEqual([expect.objectContaining({ id: 'ALPHA-session', userAgent: 'ALPHA-browser' })]);
    expect(document.data.loginHistory).toEqual([expect.objectContaining({ userAgent: 'ALPHA-login-agent' })]);
    expect(document.data.accessJournal).toEqual([
      expect.objectContaining({ accessor: expect.objectContaining({ personId: 'reader-of-alpha' }) as unknown, operationName: 'ALPHAOperation' }),
    ]);
    expect(document.data.submissions).toEqual([expect.objectContaining({ reason: 'ALPHA-reason', comment: 'ALPHA-comment', state: 'ACCEPTED' })]);
    expect(document.data.calendarFeeds).toHaveLength(1);
    expect(document.data.messages).toMatchObject({
      received: [expect.objectContaining({ subject: 'ALPHA-received-subject' })],
      sent: [expect.objectContaining({ subject: 'ALPHA-sent-subject' })],
    });
    expect(document.data.dataExports).toEqual([expect.objectContaining({ id: requested.id })]);

    // Nothing of the other person: no id, no value, no accessor of theirs.
    expect(text).not.toMatch(/BRAVO|bravo/);
    // Never a secret: a session's secret hash or ID token, a feed's token hash.
    expect(text).not.toMatch(/secret-hash|id-token|feed-token-hash|ALPHA-sid/);

    // The production is journaled: the requester read every kind of the person's data.
    const [produced] = await journal.about('pupil-alpha', 1);
    expect(produced).toMatchObject({ operationName: 'dataExport', viewer: { personId: 'pupil-alpha' }, outcome: 'allowed' });
    expect(produced!.fields).toEqual(expect.arrayContaining(kinds.map((k) => `DataExport.${k}`)));
  });

  it('a link works once, and not after its expiry; a forged token opens nothing', async () => {
    const requested = await exports.request({ personId: 'pupil-link', requestedBy: 'pupil-link', requestId: 'r1' }, 3);
    await new DataExportWorker({ exports, sources: personalDataSources(database, directory), journal, keepMs: 3_600_000, log }).drain();
    // Only its requester gets a link, and only for a ready export.
    expect(await exports.issueLink(requested.id, 'someone-else', 60_000)).toBeUndefined();
    expect(await exports.issueLink('not-an-id', 'pupil-link', 60_000)).toBeUndefined();

    const expired = await exports.issueLink(requested.id, 'pupil-link', 60_000);
    // Its time passes (set back in the database rather than waited for).
    await database.db
      .updateTable('data_exports')
      .set({ link_expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', requested.id)
      .execute();
    expect(await exports.take(expired!.token)).toBeUndefined();

    // A new link replaces it; the old one stays dead; the new one works once.
    const link = await exports.issueLink(requested.id, 'pupil-link', 60_000);
    expect(link!.token).not.toBe(expired!.token);
    expect(await exports.take(expired!.token)).toBeUndefined();
    // Downloads at once (a double click, a prefetch): one gets the document.
    const takes = await Promise.all(Array.from({ length: 5 }, () => exports.take(link!.token)));
    expect(takes.filter((t) => t !== undefined)).toHaveLength(1);
    expect(await exports.take(link!.token)).toBeUndefined();
    // Downloaded: the document is gone from the database, and no new link is given.
    const row = await database.db
      .selectFrom('data_exports')
      .select(['status', 'document', 'token_hash'])
      .where('id', '=', requested.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'downloaded', document: null, token_hash: null });
    expect(await exports.issueLink(requested.id, 'pupil-link', 60_000)).toBeUndefined();

    expect(await exports.take('A'.repeat(43))).toBeUndefined();
    expect(await exports.take('../../etc/passwd')).toBeUndefined();
  });

  it('one export of a person at a time, and a few requests a day per requester, however many at once', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => exports.request({ personId: 'pupil-quota', requestedBy: 'guardian-quota', requestId: `q${i}` }, 3)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toMatchObject({ quota: 'dataExportsInProgress' });
    await new DataExportWorker({ exports, sources: [], journal, keepMs: 3_600_000, log }).drain();

    // Another child's, then a third: the requester's daily number (3) is reached.
    await exports.request({ personId: 'pupil-quota-2', requestedBy: 'guardian-quota', requestId: 'q5' }, 3);
    await exports.request({ personId: 'pupil-quota-3', requestedBy: 'guardian-quota', requestId: 'q6' }, 3);
    const refused = await exports.request({ personId: 'pupil-quota-4', requestedBy: 'guardian-quota', requestId: 'q7' }, 3).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused).toMatchObject({ quota: 'dataExportsPerDay', limit: 3 });
  });
});
