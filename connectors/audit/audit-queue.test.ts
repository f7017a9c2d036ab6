import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { AuditQueue } from './audit-queue.ts';
import type { AuditEvent, AuditStore } from './event.ts';
import { FileAuditStore } from './file-store.ts';

const event = (target: string, at = new Date().toISOString()): AuditEvent => ({
  at, requestId: `r-${target}`, viewer: { kind: 'person', personId: 'v1', profile: 'teacher' }, targets: [target], fields: ['Student.birthDate'], outcome: 'allowed',
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
  return { metrics, queue: new AuditQueue({ store, strict: options.strict ?? false, maxBuffered: options.maxBuffered ?? 10, metrics, log: createLogger('audit'), flushIntervalMs: 10_000 }) };
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
