import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamFile } from '../../connectors/vie-scolaire/client.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { until } from '../../test/helpers/until.ts';
import { openDatabase, type HubDatabase } from '../database.ts';
import { QuotaExceededError } from '../quota.ts';
import { Outbox, type OutboxOptions, type OutboxUpstream } from './outbox.ts';

const log = createLogger('outbox-test', 'silent');
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 7)]).toString('base64');
const file: UpstreamFile = { name: 'certificat.pdf', contentType: 'application/pdf', base64: PDF };
let pupils = 0;
/** A justification of its own pupil each time: tests share one database. */
const justification = () => ({
  kind: 'justification' as const,
  uai: '0750001A',
  pupilId: `p${++pupils}`,
  targetId: 'A-p1-2026-11-20',
  submittedBy: `g${pupils}`,
  reason: 'Maladie',
  verified: true,
});

/** A school's system that records what it receives (every delivery, a replay included) and answers as told; `down` fails every call. */
function fakeSchool(state: 'accepted' | 'rejected' | 'received' = 'accepted') {
  const received: { clientRef: string; absenceId: string; attachment?: UpstreamFile }[] = [];
  const school = {
    down: false,
    /** Calls that never answer (a process that hangs, then crashes). */
    hang: false,
    calls: 0,
    received,
    client: {
      justifyAbsence: async (_uai: string, s: { clientRef: string; absenceId: string; attachment?: UpstreamFile }) => {
        school.calls++;
        if (school.hang) await new Promise(() => undefined);
        if (school.down) throw new Error('down');
        received.push(s);
        return { upstreamId: `J-${received.length}`, state };
      },
      justificationState: async () => {
        if (school.down) throw new Error('down');
        return 'accepted' as const;
      },
      submitHomework: async () => ({ upstreamId: 'R-1', state: 'received' as const }),
    } satisfies OutboxUpstream,
  };
  return school;
}

let database: HubDatabase;
const opened: HubDatabase[] = [];
/** Another process's pool over the same database (another instance, a restart). */
const anotherPool = async () => {
  const pool = await openDatabase(database.config, log);
  opened.push(pool);
  return pool;
};
beforeAll(async () => {
  database = await openTestDatabase({ poolMax: 12 });
});
afterAll(async () => {
  await Promise.all(opened.map((d) => d.close()));
  await database?.close();
});

const outboxOn = (db: HubDatabase, client: OutboxUpstream, options: Partial<OutboxOptions> = {}) =>
  new Outbox(db, client, log, { verify: async () => true, tickMs: 10, retryBaseMs: 10, ...options });
const attachmentRows = async (id: string) =>
  (await database.db.selectFrom('vie_scolaire_outbox_files').select('item_id').where('item_id', '=', id).execute()).length;

describe('the outbox in PostgreSQL is bounded', () => {
  it('keeps an attached file in its own table, not with the item nor in memory, forwards it, and drops it once the school has it', async () => {
    const school = fakeSchool();
    school.down = true; // until the checks below are made
    const outbox = outboxOn(database, school.client);
    const item = await outbox.submit({ ...justification(), file });
    await outbox.tick();
    expect(item.file).toEqual({ name: 'certificat.pdf', contentType: 'application/pdf', bytes: Buffer.byteLength(PDF, 'base64') });
    expect(JSON.stringify(await outbox.list({ pupilId: item.pupilId }))).not.toContain(PDF.slice(0, 100));
    const row = await database.db.selectFrom('vie_scolaire_outbox').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(PDF.slice(0, 100));
    expect(await attachmentRows(item.id)).toBe(1);
    school.down = false;
    await new Promise((r) => setTimeout(r, 30));
    await outbox.tick();
    expect(school.received[0]!.attachment).toEqual(file);
    expect((await outbox.get(item.id))!.state).toBe('ACCEPTED');
    expect(await attachmentRows(item.id)).toBe(0);
    await outbox.stop();
  });

  it('a pending file survives a restart and is forwarded after it', async () => {
    const down = fakeSchool();
    down.down = true;
    const first = outboxOn(database, down.client);
    const item = await first.submit({ ...justification(), file });
    await first.tick();
    await first.stop();
    const school = fakeSchool();
    const second = outboxOn(await anotherPool(), school.client, { retryBaseMs: 0 });
    await new Promise((r) => setTimeout(r, 20));
    await second.tick();
    expect((await second.get(item.id))!.state).toBe('ACCEPTED');
    expect(school.received.find((r) => r.clientRef === item.id)!.attachment!.base64).toBe(PDF);
    await second.stop();
  });

  it('retries with a growing backoff, not on every pass', async () => {
    const school = fakeSchool();
    school.down = true;
    const outbox = outboxOn(database, school.client, { retryBaseMs: 400, maxBackoffMs: 10_000 });
    const item = await outbox.submit(justification());
    await outbox.tick();
    const calls = school.calls;
    expect(await outbox.get(item.id)).toMatchObject({ state: 'PENDING', attempts: 1, lastError: 'down' });
    await outbox.tick();
    await outbox.tick();
    expect(school.calls).toBe(calls);
    await new Promise((r) => setTimeout(r, 450));
    await outbox.tick();
    const twice = (await outbox.get(item.id))!;
    expect(twice.attempts).toBe(2);
    // The second wait is twice the first.
    expect(twice.nextAttemptAt - Date.parse(twice.updatedAt)).toBeGreaterThanOrEqual(790);
    school.down = false;
    await new Promise((r) => setTimeout(r, 850));
    await outbox.tick();
    expect((await outbox.get(item.id))!.state).toBe('ACCEPTED');
    await outbox.stop();
  });

  it('prunes decided submissions after the retention, never pending ones, and their files with them', async () => {
    const school = fakeSchool();
    const outbox = outboxOn(database, school.client, { retentionMs: 50 });
    const decided = await outbox.submit(justification());
    await outbox.tick();
    expect((await outbox.get(decided.id))!.state).toBe('ACCEPTED');
    const downSchool = fakeSchool();
    downSchool.down = true;
    const down = outboxOn(await anotherPool(), downSchool.client, { retentionMs: 50 });
    const pending = await down.submit({ ...justification(), targetId: 'A-p1-2026-11-21', file });
    await new Promise((r) => setTimeout(r, 80));
    await down.tick();
    expect(await down.get(decided.id)).toBeUndefined();
    expect((await down.get(pending.id))!.state).toBe('PENDING');
    expect(await attachmentRows(pending.id)).toBe(1);
    await outbox.stop();
    await down.stop();
  });

  it('forwards nothing whose target the school does not confirm as the pupil’s', async () => {
    const school = fakeSchool();
    const outbox = outboxOn(database, school.client, { verify: async (t) => t.targetId.startsWith(`A-${t.pupilId}-`) });
    const foreign = await outbox.submit({ ...justification(), targetId: 'A-p2-2026-11-20', verified: false, file });
    await outbox.tick();
    expect(await outbox.get(foreign.id)).toMatchObject({ state: 'REJECTED', lastError: 'not one of this pupil’s' });
    expect(school.received.filter((r) => r.clientRef === foreign.id)).toEqual([]);
    expect(await attachmentRows(foreign.id)).toBe(0);
    await outbox.stop();
  });

  it('counts each person’s submissions and bytes over 24 hours, concurrent ones on two instances included', async () => {
    const first = outboxOn(database, fakeSchool().client);
    const second = outboxOn(await anotherPool(), fakeSchool().client);
    const quotas = { submissionsPerDay: 3, attachmentBytesPerDay: 10_000_000 };
    const one = justification();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => (i % 2 ? first : second).submit(one, quotas)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused).toMatchObject({ quota: 'submissionsPerDay', limit: 3 });
    await expect(first.checkQuota(one.submittedBy, 0, quotas)).rejects.toMatchObject({ quota: 'submissionsPerDay' });
    // Someone else is not affected; bytes are counted too.
    const other = justification();
    const byteQuotas = { submissionsPerDay: 3, attachmentBytesPerDay: 300_000 };
    await first.submit({ ...other, file }, byteQuotas);
    await expect(second.submit({ ...other, file }, byteQuotas)).rejects.toMatchObject({ quota: 'attachmentBytesPerDay', limit: 300_000 });
    await first.stop();
    await second.stop();
  });
});

describe('several instances on one database', () => {
  it('200 submissions made on two instances while the school is down are each received exactly once when it is back', async () => {
    const school = fakeSchool();
    school.down = true;
    const instances = [outboxOn(database, school.client, { batchSize: 16 }), outboxOn(await anotherPool(), school.client, { batchSize: 16 })];
    const items = await Promise.all(Array.from({ length: 200 }, (_, i) => instances[i % 2]!.submit(justification())));
    for (const outbox of instances) outbox.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(school.received).toEqual([]);
    school.down = false;
    const ids = new Set(items.map((i) => i.id));
    await until(async () => school.received.filter((r) => ids.has(r.clientRef)).length >= 200, 20_000);
    await until(async () => (await Promise.all(items.map((i) => instances[0]!.get(i.id)))).every((i) => i?.state === 'ACCEPTED'), 20_000);
    await Promise.all(instances.map((o) => o.stop()));
    const perItem = new Map<string, number>();
    for (const r of school.received) if (ids.has(r.clientRef)) perItem.set(r.clientRef, (perItem.get(r.clientRef) ?? 0) + 1);
    expect(perItem.size).toBe(200);
    expect([...perItem.values()].every((n) => n === 1)).toBe(true);
  });

  it('what a crashed instance had claimed is claimed again once its lease is over, not before', async () => {
    const stuck = fakeSchool();
    stuck.hang = true;
    const crashed = outboxOn(await anotherPool(), stuck.client, { leaseMs: 300, batchSize: 100 });
    const item = await crashed.submit(justification());
    void crashed.tick(); // claims the item, then never answers
    await until(async () => stuck.calls > 0);
    const school = fakeSchool();
    const alive = outboxOn(database, school.client, { leaseMs: 300, batchSize: 100 });
    await alive.tick();
    expect(school.received.filter((r) => r.clientRef === item.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 350));
    await alive.tick();
    expect(school.received.filter((r) => r.clientRef === item.id)).toHaveLength(1);
    expect((await alive.get(item.id))!.state).toBe('ACCEPTED');
    await alive.stop();
  });
});
