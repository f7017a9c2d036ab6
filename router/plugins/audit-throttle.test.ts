import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../store/journal/event.ts';
import { JournalThrottle, type JournalEvent } from './audit-throttle.ts';

const limits = { windowMs: 60_000, maxDenialsPerViewer: 20, identicalWrittenSeparately: 3, maxKeys: 50 };

function setup() {
  const written: JournalEvent[] = [];
  let now = 1_000_000;
  const metrics = new Registry();
  const throttle = new JournalThrottle({ push: (events) => written.push(...events), accepting: () => true }, metrics, limits, () => now);
  const counter = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await metrics.metrics())?.[1] ?? 0);
  return { written, throttle, counter, advance: (ms: number) => (now += ms) };
}
const event = (personId: string, over: Partial<AuditEvent> = {}): AuditEvent => ({
  at: new Date(0).toISOString(),
  requestId: 'r',
  viewer: { kind: 'person', personId, profile: 'guardian' },
  targets: ['p1'],
  fields: ['Mutation.justifyAbsence'],
  outcome: 'denied',
  reason: 'outside-perimeter',
  ...over,
});

describe('journal throttle', () => {
  it('merges identical refusals of one viewer past the first few into one event with their count, written when the window ends', async () => {
    const { written, throttle, counter, advance } = setup();
    for (let i = 0; i < 30; i++) throttle.push([event('attacker', { requestId: `r${i}` })]);
    expect(written).toHaveLength(3);
    expect(await counter('hub_audit_events_merged_total')).toBe(27);
    advance(60_000);
    throttle.push([]);
    expect(written).toHaveLength(4);
    expect(written[3]).toMatchObject({ requestId: 'r29', count: 27, fields: ['Mutation.justifyAbsence'], outcome: 'denied' });
  });

  it('caps one viewer’s refusals per window: the rest are counted, and one summary says how many; others are not affected', async () => {
    const { written, throttle, counter, advance } = setup();
    // Distinct refusals (a new target each), so nothing merges.
    throttle.push(Array.from({ length: 100 }, (_, i) => event('attacker', { targets: [`p${i}`] })));
    throttle.push([event('mother', { targets: ['child'] })]);
    expect(written.filter((e) => e.viewer.personId === 'attacker')).toHaveLength(20);
    expect(written.filter((e) => e.viewer.personId === 'mother')).toHaveLength(1);
    expect(await counter('hub_audit_events_throttled_total')).toBe(80);
    advance(60_000);
    throttle.push([]);
    const summaries = written.filter((e) => e.count !== undefined);
    expect(summaries).toEqual([expect.objectContaining({ count: 80, targets: ['p99'] })]);
    // A new window: the viewer is journaled again.
    throttle.push([event('attacker', { targets: ['again'] })]);
    expect(written.at(-1)!.targets).toEqual(['again']);
  });

  it('never merges nor drops reads of real data (allowed)', () => {
    const { written, throttle } = setup();
    throttle.push(Array.from({ length: 200 }, () => event('principal', { outcome: 'allowed', reason: undefined, fields: ['Student.grades'] })));
    expect(written).toHaveLength(200);
    expect(written.every((e) => e.count === undefined)).toBe(true);
  });

  it('stays bounded: a flood of distinct viewers closes the oldest windows early, with their summaries', () => {
    const { written, throttle } = setup();
    for (let v = 0; v < 500; v++) for (let i = 0; i < 5; i++) throttle.push([event(`v${v}`)]);
    // 3 written each, 2 merged per viewer: every merged pair is summed up once its window is closed.
    expect(written.filter((e) => e.count === undefined)).toHaveLength(1500);
    throttle.close();
    expect(written.filter((e) => e.count === 2)).toHaveLength(500);
  });
});
