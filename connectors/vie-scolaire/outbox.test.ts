import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { UpstreamFile, VieScolaireClient } from './client.ts';
import { Outbox, QuotaExceededError, type OutboxOptions } from './outbox.ts';

const log = createLogger('outbox-test', 'silent');
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 7)]).toString('base64');
const file: UpstreamFile = { name: 'certificat.pdf', contentType: 'application/pdf', base64: PDF };
const justification = {
  kind: 'justification' as const,
  uai: '0750001A',
  pupilId: 'p1',
  targetId: 'A-p1-2026-11-20',
  submittedBy: 'g1',
  reason: 'Maladie',
  verified: true,
};

/** A school's system that records what it receives and answers as told. */
function fakeSchool(state: 'recu' | 'accepte' | 'refuse' = 'accepte') {
  const received: { absenceId: string; attachment?: UpstreamFile }[] = [];
  const client = {
    justifyAbsence: async (_uai: string, s: { absenceId: string; attachment?: UpstreamFile }) => {
      received.push(s);
      return { upstreamId: `J-${received.length}`, state: state === 'accepte' ? 'accepted' : state === 'refuse' ? 'rejected' : 'received' };
    },
    justificationState: async () => 'accepted',
    submitHomework: async () => ({ upstreamId: 'R-1', state: 'received' }),
  } as unknown as VieScolaireClient;
  return { client, received };
}

const outboxIn = (dir: string, client: VieScolaireClient, options: Partial<OutboxOptions> = {}) =>
  new Outbox(dir, client, log, { verify: async () => true, tickMs: 10, retryBaseMs: 10, ...options });

describe('the outbox is bounded', () => {
  it('keeps an attached file on disk, not in memory, reads it back to forward it, and drops it once the school has it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const school = fakeSchool();
    const outbox = outboxIn(dir, school.client);
    const item = await outbox.submit({ ...justification, file });
    expect(item.file).toEqual({ name: 'certificat.pdf', contentType: 'application/pdf', bytes: Buffer.byteLength(PDF, 'base64') });
    expect(JSON.stringify(outbox.list())).not.toContain(PDF.slice(0, 100));
    expect(readFileSync(join(dir, `${item.id}.json`), 'utf8')).not.toContain(PDF.slice(0, 100));
    await outbox.tick();
    expect(school.received[0]!.attachment).toEqual(file);
    expect(outbox.get(item.id)!.state).toBe('ACCEPTED');
    expect(existsSync(join(dir, `${item.id}.file`))).toBe(false);
    await outbox.stop();
  });

  it('a pending file survives a restart and is forwarded from disk after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const down = {
      justifyAbsence: async () => {
        throw new Error('down');
      },
    } as unknown as VieScolaireClient;
    const first = outboxIn(dir, down);
    const item = await first.submit({ ...justification, file });
    await first.tick();
    await first.stop();
    const school = fakeSchool();
    const second = outboxIn(dir, school.client, { retryBaseMs: 0 });
    await second.init();
    expect(JSON.stringify(second.list())).not.toContain(PDF.slice(0, 100));
    await new Promise((r) => setTimeout(r, 20));
    await second.tick();
    expect(second.get(item.id)!.state).toBe('ACCEPTED');
    expect(school.received[0]!.attachment!.base64).toBe(PDF);
  });

  it('prunes decided submissions after the retention, never pending ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const school = fakeSchool();
    const outbox = outboxIn(dir, school.client, { retentionMs: 50 });
    const decided = await outbox.submit(justification);
    await outbox.tick();
    expect(outbox.get(decided.id)!.state).toBe('ACCEPTED');
    const down = outboxIn(
      dir,
      {
        justifyAbsence: async () => {
          throw new Error('down');
        },
      } as unknown as VieScolaireClient,
      { retentionMs: 50 },
    );
    await down.init();
    const pending = await down.submit({ ...justification, targetId: 'A-p1-2026-11-21' });
    await new Promise((r) => setTimeout(r, 80));
    await down.tick();
    expect(down.get(decided.id)).toBeUndefined();
    expect(down.get(pending.id)!.state).toBe('PENDING');
    expect(readdirSync(dir).filter((f) => f.startsWith(decided.id))).toEqual([]);
    await outbox.stop();
    await down.stop();
  });

  it('forwards nothing whose target the school does not confirm as the pupil’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const school = fakeSchool();
    const outbox = outboxIn(dir, school.client, { verify: async (t) => t.targetId.startsWith(`A-${t.pupilId}-`) });
    const foreign = await outbox.submit({ ...justification, targetId: 'A-p2-2026-11-20', verified: false, file });
    await outbox.tick();
    expect(outbox.get(foreign.id)).toMatchObject({ state: 'REJECTED', lastError: 'not one of this pupil’s' });
    expect(school.received).toEqual([]);
    expect(existsSync(join(dir, `${foreign.id}.file`))).toBe(false);
  });

  it('counts each person’s submissions and bytes over 24 hours, concurrent ones included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const outbox = outboxIn(dir, fakeSchool().client);
    const quotas = { submissionsPerDay: 3, attachmentBytesPerDay: 10_000_000 };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => outbox.submit(justification, quotas)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused).toMatchObject({ quota: 'submissionsPerDay', limit: 3 });
    // Someone else is not affected; bytes are counted too.
    await outbox.submit({ ...justification, submittedBy: 'g2', file }, { submissionsPerDay: 3, attachmentBytesPerDay: 300_000 });
    await expect(outbox.submit({ ...justification, submittedBy: 'g2', file }, { submissionsPerDay: 3, attachmentBytesPerDay: 300_000 })).rejects.toMatchObject({
      quota: 'attachmentBytesPerDay',
      limit: 300_000,
    });
  });
});
