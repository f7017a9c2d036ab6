import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { openDatabase, type HubDatabase } from '../database.ts';
import type { AuditEvent } from '../journal/event.ts';
import { PostgresAuditStore } from '../journal/postgres-store.ts';
import { DEFAULT_RETENTION, retentionConfigFromEnv } from './config.ts';
import { RetentionJob, retentionRules } from './purge.ts';

const log = createLogger('retention-test', 'silent');
const DAY = 86_400_000;

let database: HubDatabase;
let other: HubDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  // A second instance: its own pool on the same database.
  other = await openDatabase({ ...database.config }, log);
});
afterAll(async () => {
  await other?.close();
  await database?.close();
});

const event = (personId: string, at: Date): AuditEvent => ({
  at: at.toISOString(),
  requestId: `req-${at.getTime()}`,
  viewer: { kind: 'person', personId: 'reader', profile: 'teacher' },
  targets: [personId],
  fields: ['Student.birthDate'],
  outcome: 'allowed',
});

const partitionExists = async (at: Date) => {
  const name = `journal_events_y${at.getUTCFullYear()}m${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
  const result = await sql<{ found: string | null }>`SELECT to_regclass(${name})::text AS found`.execute(database.db);
  return result.rows[0]?.found !== null;
};

const feed = (values: { created: Date; lastUsed?: Date; revoked?: Date }) => ({
  id: randomUUID(),
  token_hash: randomUUID(),
  owner_id: 'feed-owner',
  pupil_id: 'feed-pupil',
  created_at: values.created,
  last_used_at: values.lastUsed ?? null,
  revoked_at: values.revoked ?? null,
});

describe('the retention purge', () => {
  it('reads its periods from the environment, with the documented defaults', () => {
    expect(DEFAULT_RETENTION).toMatchObject({
      journalMs: 365 * DAY,
      loginHistoryMs: 365 * DAY,
      feedUnusedMs: 365 * DAY,
      revokedFeedMs: 30 * DAY,
      outboxMs: 90 * DAY,
    });
    expect(retentionConfigFromEnv({ HUB_RETENTION_JOURNAL_DAYS: '30', VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS: '7' })).toMatchObject({
      journalMs: 30 * DAY,
      outboxMs: 7 * DAY,
    });
    expect(() => retentionConfigFromEnv({ HUB_RETENTION_LOGIN_HISTORY_DAYS: 'a year' })).toThrow(/HUB_RETENTION_LOGIN_HISTORY_DAYS/);
  });

  it('removes exactly what is past its retention and keeps the rest; run by one of two instances at once, once a day', async () => {
    const now = new Date();
    const cutoff = new Date(now.getTime() - DEFAULT_RETENTION.journalMs);
    const journal = new PostgresAuditStore(database);
    const oldMonth = new Date(cutoff.getTime() - 60 * DAY);
    await journal.append([
      event('pupil-1', oldMonth), // a month wholly past: its partition goes
      event('pupil-1', new Date(cutoff.getTime() - 3_600_000)), // past, in the month the cutoff cuts
      event('pupil-1', new Date(cutoff.getTime() + 3_600_000)), // kept
      event('pupil-1', new Date(now.getTime() - DAY)), // kept
      event('pupil-2', new Date(cutoff.getTime() - 7_200_000)), // past
    ]);
    expect(await partitionExists(oldMonth)).toBe(true);

    const login = (personId: string, at: Date) => ({ person_id: personId, at, idp: 'educonnect', outcome: 'success' as const, reason: null, user_agent: null });
    await database.db
      .insertInto('login_events')
      .values([
        login('pupil-1', new Date(now.getTime() - 366 * DAY)),
        login('pupil-1', new Date(now.getTime() - 364 * DAY)),
        login('pupil-2', new Date(now.getTime() - 400 * DAY)),
      ])
      .execute();

    const unused = feed({ created: new Date(now.getTime() - 500 * DAY), lastUsed: new Date(now.getTime() - 366 * DAY) });
    const neverUsedYoung = feed({ created: new Date(now.getTime() - 300 * DAY) });
    const neverUsedOld = feed({ created: new Date(now.getTime() - 370 * DAY) });
    const usedRecently = feed({ created: new Date(now.getTime() - 700 * DAY), lastUsed: new Date(now.getTime() - 2 * DAY) });
    const revokedLongAgo = feed({ created: new Date(now.getTime() - 100 * DAY), revoked: new Date(now.getTime() - 31 * DAY) });
    const revokedLately = feed({ created: new Date(now.getTime() - 100 * DAY), revoked: new Date(now.getTime() - 29 * DAY) });
    await database.db.insertInto('calendar_feeds').values([unused, neverUsedYoung, neverUsedOld, usedRecently, revokedLongAgo, revokedLately]).execute();

    const exportRow = (status: 'ready' | 'downloaded', requestedAt: Date, expiresAt?: Date) => ({
      id: randomUUID(),
      person_id: 'pupil-1',
      requested_by: 'pupil-1',
      request_id: 'r',
      status,
      requested_at: requestedAt,
      expires_at: expiresAt ?? null,
      document: status === 'ready' ? '{"secret":"document"}' : null,
    });
    const expiredDocument = exportRow('ready', new Date(now.getTime() - 2 * DAY), new Date(now.getTime() - DAY));
    const liveDocument = exportRow('ready', new Date(now.getTime() - 3_600_000), new Date(now.getTime() + DAY));
    const oldRequest = exportRow('downloaded', new Date(now.getTime() - 31 * DAY));
    const recentRequest = exportRow('downloaded', new Date(now.getTime() - 29 * DAY));
    await database.db.insertInto('data_exports').values([expiredDocument, liveDocument, oldRequest, recentRequest]).execute();

    const submission = (state: 'PENDING' | 'ACCEPTED', settled: Date | null, created: Date) => ({
      id: randomUUID(),
      kind: 'justification' as const,
      uai: '0750001A',
      pupil_id: 'pupil-1',
      target_id: 'absence-1',
      submitted_by: 'guardian-1',
      reason: null,
      comment: null,
      file_name: null,
      file_content_type: null,
      file_bytes: null,
      verified: true,
      state,
      upstream_id: null,
      next_attempt_at: created,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      created_at: created,
      settled_at: settled,
    });
    const settledLongAgo = submission('ACCEPTED', new Date(now.getTime() - 91 * DAY), new Date(now.getTime() - 92 * DAY));
    const settledLately = submission('ACCEPTED', new Date(now.getTime() - 89 * DAY), new Date(now.getTime() - 92 * DAY));
    const pendingForever = submission('PENDING', null, new Date(now.getTime() - 200 * DAY));
    await database.db.insertInto('vie_scolaire_outbox').values([settledLongAgo, settledLately, pendingForever]).execute();
    await database.db
      .insertInto('vie_scolaire_outbox_files')
      .values({ item_id: settledLongAgo.id, content: Buffer.from('certificate') })
      .execute();

    // Notifications: an event of 91 days ago goes with its notification and delivery; one of 89 days stays.
    const notificationEvent = (daysAgo: number) => ({
      id: randomUUID(),
      kind: 'absence',
      uai: '0750001A',
      pupil_id: 'pupil-1',
      dedup_key: `absence|${daysAgo}`,
      details: '{}',
      occurred_at: new Date(now.getTime() - daysAgo * DAY),
    });
    const oldEvent = notificationEvent(91);
    const recentEvent = notificationEvent(89);
    await database.db.insertInto('notification_events').values([oldEvent, recentEvent]).execute();
    await database.db
      .insertInto('notifications')
      .values(
        [oldEvent, recentEvent].map((e) => ({
          id: randomUUID(),
          event_id: e.id,
          person_id: 'guardian-1',
          category: 'ABSENCE',
          child_id: 'pupil-1',
          title: 't',
          body: 'b',
          link: null,
          created_at: e.occurred_at,
        })),
      )
      .execute();
    await database.db
      .insertInto('notification_deliveries')
      .values({
        id: randomUUID(),
        event_id: oldEvent.id,
        person_id: 'guardian-1',
        channel: 'sms',
        frequency: 'immediate',
        state: 'sent',
        uai: '0750001A',
        due_at: oldEvent.occurred_at,
      })
      .execute();

    // Drafts: one not saved again for longer than messages are kept goes; a younger one stays.
    const draft = (daysAgo: number) => ({
      id: randomUUID(),
      author_id: 'guardian-1',
      subject: `brouillon ${daysAgo}`,
      body_html: '',
      recipient_ids: '[]',
      in_reply_to: null,
      requires_signature: false,
      updated_at: new Date(now.getTime() - daysAgo * DAY),
    });
    const forgottenDraft = draft(366);
    const youngDraft = draft(300);
    await database.db.insertInto('message_drafts').values([forgottenDraft, youngDraft]).execute();

    const rules = retentionRules(DEFAULT_RETENTION);
    // Each instance has its own metrics (a process's registry).
    const registries = [new Registry(), new Registry()] as const;
    const first = new RetentionJob(database, { rules, everyMs: DEFAULT_RETENTION.purgeEveryMs, log });
    const second = new RetentionJob(other, { rules, everyMs: DEFAULT_RETENTION.purgeEveryMs, log });
    first.registerMetrics(registries[0]);
    second.registerMetrics(registries[1]);

    const outcomes = await Promise.all([first.runIfDue(now), second.runIfDue(now)]);
    const ran = outcomes.filter((o) => o !== undefined);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toEqual({
      journalPartitionsDropped: expect.any(Number) as number,
      journalEvents: 2,
      loginEvents: 2,
      outboxSubmissions: 1,
      calendarFeedsRevoked: 2,
      calendarFeedsDeleted: 1,
      dataExports: 2,
      // Seeded and checked in store/messaging/postgres-store.test.ts.
      messages: 0,
      messagesTrashed: 0,
      messageDrafts: 1,
      notifications: 1,
    });
    expect((await database.db.selectFrom('message_drafts').select('id').execute()).map((d) => d.id)).toEqual([youngDraft.id]);
    expect((await database.db.selectFrom('notifications').select('event_id').execute()).map((n) => n.event_id)).toEqual([recentEvent.id]);
    expect(await database.db.selectFrom('notification_deliveries').select('id').execute()).toEqual([]);

    // The journal: the wholly-past month's partitions are gone, the cut month keeps its later events.
    expect(await partitionExists(oldMonth)).toBe(false);
    expect((await journal.about('pupil-1', 10)).map((e) => e.at)).toEqual([
      new Date(now.getTime() - DAY).toISOString(),
      new Date(cutoff.getTime() + 3_600_000).toISOString(),
    ]);
    expect(await journal.about('pupil-2', 10)).toEqual([]);
    const targets = await database.db.selectFrom('journal_targets').select(['person_id', 'at']).execute();
    expect(targets.every((t) => t.at.getTime() >= cutoff.getTime())).toBe(true);
    expect(targets).toHaveLength(2);

    const logins = await database.db.selectFrom('login_events').select(['person_id', 'at']).execute();
    expect(logins).toEqual([{ person_id: 'pupil-1', at: new Date(now.getTime() - 364 * DAY) }]);

    // Settled submissions past 90 days go with their files; a pending one is never purged.
    const submissions = await database.db.selectFrom('vie_scolaire_outbox').select('id').execute();
    expect(submissions.map((r) => r.id).sort()).toEqual([settledLately.id, pendingForever.id].sort());
    expect(await database.db.selectFrom('vie_scolaire_outbox_files').selectAll().execute()).toEqual([]);

    const feeds = await database.db.selectFrom('calendar_feeds').select(['id', 'revoked_at']).execute();
    const feedState = Object.fromEntries(feeds.map((f) => [f.id, f.revoked_at === null ? 'live' : 'revoked']));
    expect(feedState).toEqual({
      [unused.id]: 'revoked',
      [neverUsedOld.id]: 'revoked',
      [neverUsedYoung.id]: 'live',
      [usedRecently.id]: 'live',
      [revokedLately.id]: 'revoked',
    });

    const exports = await database.db.selectFrom('data_exports').select(['id', 'status', 'document']).execute();
    expect(Object.fromEntries(exports.map((e) => [e.id, [e.status, e.document]]))).toEqual({
      [expiredDocument.id]: ['expired', null],
      [liveDocument.id]: ['ready', '{"secret":"document"}'],
      [recentRequest.id]: ['downloaded', null],
    });

    const ranOn = registries[outcomes[0] ? 0 : 1];
    expect(await ranOn.getSingleMetricAsString('hub_retention_purged_total')).toContain('hub_retention_purged_total{kind="loginEvents"} 2');

    // Once a day: not again an hour later; the next day, with the cutoff a day further (the event kept by an hour goes).
    expect(await first.runIfDue(new Date(now.getTime() + 3_600_000))).toBeUndefined();
    expect(await second.runIfDue(new Date(now.getTime() + DAY))).toMatchObject({ calendarFeedsDeleted: 0, loginEvents: 0 });
    expect((await journal.about('pupil-1', 10)).map((e) => e.at)).toEqual([new Date(now.getTime() - DAY).toISOString()]);
  });
});
