import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { openDatabase, type HubDatabase } from '../database.ts';
import { AuditQueue } from './audit-queue.ts';
import { DEFAULT_AUDIT_EVENT_BOUNDS, InvalidJournalCursorError, type AuditEvent } from './event.ts';
import { ensureJournalPartitions, journalPageQuery, PostgresAuditStore } from './postgres-store.ts';

const log = createLogger('journal-test', 'silent');
const event = (targets: string[], at: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  at,
  requestId: `r-${at}`,
  viewer: { kind: 'person', personId: 'teacher-1', profile: 'teacher' },
  targets,
  fields: ['Student.birthDate'],
  outcome: 'allowed',
  ...extra,
});
const metricValue = async (metrics: Registry, name: string) => Number((await metrics.getSingleMetricAsString(name)).match(/ (\d+)$/m)?.[1]);

let database: HubDatabase;
let store: PostgresAuditStore;
beforeAll(async () => {
  database = await openTestDatabase();
  store = new PostgresAuditStore(database);
});
afterAll(() => database?.close());

describe('the access journal in PostgreSQL', () => {
  it('pages a person’s journal by cursor, newest first, without gaps or repeats, and nothing about anyone else', async () => {
    const base = Date.UTC(2026, 10, 20, 8);
    const events = Array.from({ length: 25 }, (_, i) => event(i % 5 === 0 ? ['pager', 'sibling'] : ['pager'], new Date(base + i * 60_000).toISOString()));
    // Two events at the very same millisecond: the cursor must still tell them apart.
    events.push(event(['pager'], new Date(base + 24 * 60_000).toISOString(), { requestId: 'same-ms' }));
    await store.append([...events, event(['stranger'], new Date(base).toISOString())]);
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.about('pager', 10, after);
      if (!page.length) break;
      pages.push(page.map((e) => e.requestId));
      after = page.at(-1)!.cursor;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 6]);
    const all = (await store.about('pager', 100)).map((e) => e.at);
    expect(all).toHaveLength(26);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set(pages.flat()).size).toBe(26);
    expect(await store.about('sibling', 100)).toHaveLength(5);
    expect((await store.about('stranger', 100)).map((e) => e.targets)).toEqual([['stranger']]);
  });

  it('reads an event back as it was written', async () => {
    const written: AuditEvent = {
      at: '2026-11-21T10:00:00.123Z',
      requestId: 'r-roundtrip',
      viewer: { kind: 'service', clientId: 'pronote-sync' },
      operationName: 'Sync',
      targets: ['roundtrip'],
      fields: ['Student.birthDate', 'Guardian.email'],
      outcome: 'denied',
      reason: 'outside-perimeter',
      // 12 identical refusals the router merged into this one event.
      count: 12,
    };
    await store.append([written]);
    const [read] = await store.about('roundtrip', 1);
    const { cursor, ...event } = read!;
    expect(event).toEqual(written);
    expect(cursor).toEqual(expect.any(String));
  });

  it('refuses a cursor it did not give out', async () => {
    await expect(store.about('pager', 10, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidJournalCursorError);
    await expect(store.about('pager', 10, Buffer.from("2026-01-01T00:00:00.000Z|1' OR 1=1").toString('base64url'))).rejects.toMatchObject({
      code: 'ERR_JOURNAL_CURSOR',
    });
  });

  it('writes each event in its month’s partition, and makes a missing month’s partition on demand', async () => {
    const farAhead = new Date();
    farAhead.setUTCMonth(farAhead.getUTCMonth() + 14, 15);
    const times = ['2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00.000Z', farAhead.toISOString()];
    await store.append(times.map((at) => event(['partitioned'], at)));
    const { rows } = await database.pool.query<{ partition: string; at: Date }>(
      `SELECT e.tableoid::regclass::text AS partition, e.at FROM journal_events e JOIN journal_targets t ON t.event_id = e.id AND t.at = e.at WHERE t.person_id = 'partitioned' ORDER BY e.at`,
    );
    const monthOf = (d: Date) => `y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(rows.map((r) => r.partition)).toEqual(rows.map((r) => `journal_events_${monthOf(r.at)}`));
    expect(rows.map((r) => r.partition)).toEqual(['journal_events_y2026m01', 'journal_events_y2026m02', `journal_events_${monthOf(farAhead)}`]);
    expect(await ensureJournalPartitions(database, new Date('2026-01-05'), new Date('2026-02-05'))).toBe(0);
  });

  it('a person’s page is an index walk, newest partition first: it reads the page’s rows, not the person’s history nor the journal', async () => {
    const at = Date.UTC(2026, 9, 1);
    // Six months of a busy journal: 3,000 people a month, and one pupil everybody reads (2,000 events).
    for (let month = 0; month < 6; month++) {
      const start = at - month * 31 * 86_400_000;
      await store.append(Array.from({ length: 3000 }, (_, i) => event([`crowd-${i}`], new Date(start + i * 1000).toISOString())));
      await store.append(Array.from({ length: 333 }, (_, i) => event(['popular'], new Date(start + i * 1000 + 500).toISOString())));
    }
    await database.pool.query('ANALYZE journal_events; ANALYZE journal_targets');
    const compiled = journalPageQuery(database.db, 'popular', 50).compile();
    const { rows } = await database.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]);
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode) => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    const scanned = (table: string) =>
      nodes.filter((n) => n['Relation Name']?.startsWith(table)).reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0);
    // Sorting the page itself is fine; sorting more than a page means the history was read.
    expect(nodes.filter((n) => n['Node Type'] === 'Sort' && n['Actual Rows'] > 50)).toEqual([]);
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Actual Rows'] > 0)).toEqual([]);
    expect(scanned('journal_targets')).toBeLessThanOrEqual(51);
    expect(scanned('journal_events')).toBeLessThanOrEqual(51);
  });

  it('keeps an event’s bounds as written: cut values and lists say what was cut', async () => {
    const metrics = new Registry();
    const queue = new AuditQueue({ store, strict: false, maxBuffered: 100, metrics, log, flushIntervalMs: 10_000 });
    const longId = 'x'.repeat(1000);
    queue.push([
      event(['bounded', ...Array.from({ length: 30 }, (_, i) => `extra-${i}`)], new Date().toISOString(), { operationName: longId, requestId: 'bounded' }),
    ]);
    await queue.close();
    const [read] = await store.about('bounded', 1);
    expect(read!.operationName).toBe(
      `${'x'.repeat(DEFAULT_AUDIT_EVENT_BOUNDS.maxValueChars)}…[${1000 - DEFAULT_AUDIT_EVENT_BOUNDS.maxValueChars} more characters]`,
    );
    expect(read!.targets).toHaveLength(DEFAULT_AUDIT_EVENT_BOUNDS.maxTargets + 1);
    expect(read!.targets.at(-1)).toBe(`…[${31 - DEFAULT_AUDIT_EVENT_BOUNDS.maxTargets} more]`);
    // The people kept in the event find it in their journal; those cut from it do not.
    expect(await store.about('extra-0', 1)).toHaveLength(1);
    expect(await store.about('extra-29', 1)).toHaveLength(0);
    expect(await metricValue(metrics, 'hub_audit_values_truncated_total')).toBe(2);
  });

  it('while the database refuses writes, events wait in the bounded queue; past the bound losses are counted, and strict mode refuses instead', async () => {
    // A second connection holds the journal locked; writes time out (statement_timeout) meanwhile.
    const slow = await openDatabase({ ...database.config, statementTimeoutMs: 300 }, log);
    const blocked = new PostgresAuditStore(slow);
    const locker = await database.pool.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE journal_events IN ACCESS EXCLUSIVE MODE');
      const metrics = new Registry();
      const lenient = new AuditQueue({ store: blocked, strict: false, maxBuffered: 3, metrics, log, flushIntervalMs: 10_000 });
      const strictMetrics = new Registry();
      const strict = new AuditQueue({ store: blocked, strict: true, maxBuffered: 3, metrics: strictMetrics, log, flushIntervalMs: 10_000 });
      const at = new Date().toISOString();
      lenient.push([1, 2, 3, 4, 5].map((i) => event(['lenient'], at, { requestId: `l${i}` })));
      strict.push([1, 2, 3].map((i) => event(['strict'], at, { requestId: `s${i}` })));
      await Promise.all([lenient.flush(), strict.flush()]);
      expect(await metricValue(metrics, 'hub_audit_events_lost_total')).toBe(2);
      expect(lenient.accepting()).toBe(true);
      expect(strict.accepting()).toBe(false);
      expect(await metricValue(strictMetrics, 'hub_audit_events_lost_total')).toBe(0);
      await locker.query('COMMIT');
      await Promise.all([lenient.close(), strict.close()]);
      expect(strict.accepting()).toBe(true);
      expect((await store.about('lenient', 10)).map((e) => e.requestId).sort()).toEqual(['l1', 'l2', 'l3']);
      expect(await store.about('strict', 10)).toHaveLength(3);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
      await slow.close();
    }
  });
});
