import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { AuditQueue } from './audit-queue.ts';
import { DEFAULT_AUDIT_EVENT_BOUNDS, type AuditEvent, type AuditStore } from './event.ts';
import { FileAuditStore } from './file-store.ts';

const event = (target: string, at = new Date().toISOString()): AuditEvent => ({
  at,
  requestId: `r-${target}`,
  viewer: { kind: 'person', personId: 'v1', profile: 'teacher' },
  targets: [target],
  fields: ['Student.birthDate'],
  outcome: 'allowed',
});

/** A store that fails while `down` is true: the disk full, the network share gone. */
class FlakyStore implements AuditStore {
  down = false;
  readonly written: AuditEvent[] = [];
  async append(events: AuditEvent[]) {
    if (this.down) throw new Error('disk full');
    this.written.push(...events);
  }
  async about() {
    return [];
  }
}

const queue = (store: AuditStore, options: { strict?: boolean; maxBuffered?: number } = {}) => {
  const metrics = new Registry();
  return {
    metrics,
    queue: new AuditQueue({
      store,
      strict: options.strict ?? false,
      maxBuffered: options.maxBuffered ?? 10,
      metrics,
      log: createLogger('audit'),
      flushIntervalMs: 10_000,
    }),
  };
};
const metricValue = async (metrics: Registry, name: string) => (await metrics.getSingleMetricAsString(name)).match(/ (\d+)$/m)?.[1];

describe('audit queue', () => {
  it('keeps events while the store fails, and writes them all once it is back', async () => {
    const store = new FlakyStore();
    const { queue: q } = queue(store);
    store.down = true;
    q.push([event('a'), event('b')]);
    await q.flush();
    expect(store.written).toHaveLength(0);
    store.down = false;
    q.push([event('c')]);
    await q.flush();
    expect(store.written.map((e) => e.targets[0])).toEqual(['a', 'b', 'c']);
    await q.close();
  });

  it('beyond its bound it drops events and counts every loss', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { queue: q, metrics } = queue(store, { maxBuffered: 3 });
    q.push([event('1'), event('2'), event('3'), event('4'), event('5')]);
    expect(await metricValue(metrics, 'hub_audit_events_lost_total')).toBe('2');
    expect(q.accepting()).toBe(true); // not strict: requests go on, losses are counted
    store.down = false;
    await q.close();
    expect(store.written).toHaveLength(3);
  });

  it('in strict mode it stops accepting instead of losing', async () => {
    const store = new FlakyStore();
    store.down = true;
    const { queue: q, metrics } = queue(store, { strict: true, maxBuffered: 2 });
    q.push([event('1'), event('2')]);
    expect(q.accepting()).toBe(false);
    expect(await metricValue(metrics, 'hub_audit_events_lost_total')).toBe('0');
    store.down = false;
    await q.flush();
    expect(q.accepting()).toBe(true);
    await q.close();
  });

  it('cuts every value of an event to its bound, so a megabyte id never reaches the store', async () => {
    const store = new FlakyStore();
    const { queue: q, metrics } = queue(store);
    const huge = 'x'.repeat(1_900_000);
    q.push([
      {
        ...event(huge),
        requestId: huge,
        operationName: huge,
        fields: Array.from({ length: 5000 }, (_, i) => `Student.f${i}`),
        viewer: { kind: 'person', personId: huge, profile: huge },
      },
    ]);
    await q.flush();
    expect(store.written).toHaveLength(1);
    const written = store.written[0]!;
    expect(JSON.stringify(written).length).toBeLessThan(DEFAULT_AUDIT_EVENT_BOUNDS.maxEventBytes);
    expect(written.targets[0]).toMatch(/^x{256}…\[1899744 more characters\]$/);
    expect(written.fields).toHaveLength(DEFAULT_AUDIT_EVENT_BOUNDS.maxFields + 1);
    expect(written.fields.at(-1)).toBe(`…[${5000 - DEFAULT_AUDIT_EVENT_BOUNDS.maxFields} more]`);
    expect(Number(await metricValue(metrics, 'hub_audit_values_truncated_total'))).toBe(6);
    await q.close();
  });

  it('refuses, and counts, an event still too big once bounded; the buffer is bounded in bytes too', async () => {
    const store = new FlakyStore();
    const metrics = new Registry();
    const q = new AuditQueue({
      store,
      strict: false,
      maxBuffered: 1000,
      maxBufferedBytes: 2000,
      metrics,
      log: createLogger('audit'),
      flushIntervalMs: 10_000,
      eventBounds: { ...DEFAULT_AUDIT_EVENT_BOUNDS, maxEventBytes: 1000 },
    });
    q.push([{ ...event('a'), targets: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(200, 'y')) }]);
    expect(await metricValue(metrics, 'hub_audit_events_refused_total')).toBe('1');
    store.down = true;
    for (let i = 0; i < 20; i++) q.push([event(`p${i}`)]);
    await q.flush();
    expect(Number(await metricValue(metrics, 'hub_audit_events_lost_total'))).toBeGreaterThan(0);
    store.down = false;
    await q.close();
    expect(store.written.length).toBeLessThan(20);
    expect(JSON.stringify(store.written).length).toBeLessThanOrEqual(2000);
  });

  it('the file store appends JSON lines, rotates full files, and finds a person’s events newest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-audit-'));
    const store = new FileAuditStore(dir, { maxFileBytes: 600 });
    for (let i = 0; i < 6; i++) await store.append([event(i % 2 ? 'odd' : 'even', `2026-11-22T10:00:0${i}.000Z`)]);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).length).toBeGreaterThan(1);
    const found = await store.about('even', 10);
    expect(found.map((e) => e.at)).toEqual(['2026-11-22T10:00:04.000Z', '2026-11-22T10:00:02.000Z', '2026-11-22T10:00:00.000Z']);
  });
});

describe('reading the journal is bounded', () => {
  /** A journal of `days` daily files of `perDay` events about other people, and `mine` events about `me` on the last day. */
  const journal = async (store: FileAuditStore, days: number, perDay: number, mine: number) => {
    for (let d = 0; d < days; d++) {
      const day = `2026-11-${String(d + 1).padStart(2, '0')}`;
      const events = Array.from({ length: perDay }, (_, i) => event(`other-${i}`, `${day}T08:00:00.000Z`));
      if (d === 0) events.unshift(event('me', `${day}T07:00:00.000Z`)); // the oldest event of all
      if (d === days - 1) for (let i = 0; i < mine; i++) events.push(event('me', `${day}T09:00:${String(i).padStart(2, '0')}.000Z`));
      await store.append(events);
    }
  };

  it('a full page is read from the newest end of the journal, not the whole journal', async () => {
    const store = new FileAuditStore(mkdtempSync(join(tmpdir(), 'hub-audit-')));
    await journal(store, 10, 5000, 30); // about 10 MB
    const page = await store.about('me', 20);
    expect(page).toHaveLength(20);
    expect(page[0]!.at).toBe('2026-11-10T09:00:29.000Z'); // newest first
    expect(page.map((e) => e.at)).toEqual([...page.map((e) => e.at)].sort().reverse());
    expect(store.bytesScanned).toBeLessThan(256 * 1024);
  });

  it('a person with few events costs at most the scan budget, however large the journal', async () => {
    const store = new FileAuditStore(mkdtempSync(join(tmpdir(), 'hub-audit-')), { maxScanBytes: 1024 * 1024 });
    await journal(store, 10, 5000, 3);
    const page = await store.about('me', 50);
    expect(page.map((e) => e.at)).toEqual(['2026-11-10T09:00:02.000Z', '2026-11-10T09:00:01.000Z', '2026-11-10T09:00:00.000Z']);
    expect(store.bytesScanned).toBeLessThanOrEqual(1024 * 1024); // the oldest event, 9 MB back, is out of reach of one read
  });

  it('skips an overlong or broken line without holding it whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-audit-'));
    const store = new FileAuditStore(dir, { maxLineBytes: 1024 });
    await store.append([event('me', '2026-11-22T10:00:00.000Z')]);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'audit-2026-11-22.jsonl'), `{"targets":["me"],"x":"${'z'.repeat(100_000)}"}\n{"targets":["me"\n`);
    await store.append([event('me', '2026-11-22T10:00:01.000Z')]);
    expect((await store.about('me', 10)).map((e) => e.at)).toEqual(['2026-11-22T10:00:01.000Z', '2026-11-22T10:00:00.000Z']);
  });
});
