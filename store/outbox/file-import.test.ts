import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamFile } from '../../connectors/vie-scolaire/client.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import type { HubDatabase } from '../database.ts';
import { moveFileOutbox } from './file-import.ts';
import { Outbox, type OutboxUpstream } from './outbox.ts';

const log = createLogger('outbox-import-test', 'silent');
let database: HubDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5_000, 3)]).toString('base64');
const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n'), Buffer.alloc(3_000, 1)]).toString('base64');

/** An item as the file outbox of an earlier version wrote it. */
const fileItem = (overrides: Record<string, unknown>): Record<string, unknown> & { id: string; file?: Record<string, unknown> } => ({
  id: randomUUID(),
  kind: 'justification',
  uai: '0750001A',
  pupilId: 'p1',
  targetId: 'A-p1-2026-11-20',
  submittedBy: 'g1',
  reason: 'Maladie',
  verified: true,
  state: 'PENDING',
  attempts: 3,
  nextAttemptAt: 0,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-20T09:00:00.000Z',
  ...overrides,
});

describe('the file outbox of an earlier version', () => {
  it('moves into the database once: pending items are forwarded with their files, decided ones keep their state', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-outbox-move-'));
    const dir = join(dataDir, 'outbox');
    mkdirSync(dir);
    // A file beside its item (the last file version), a file inline (an earlier one), and a decided item.
    const beside = fileItem({ file: { name: 'certificat.pdf', contentType: 'application/pdf', bytes: Buffer.byteLength(PDF, 'base64') } });
    writeFileSync(join(dir, `${beside.id}.json`), JSON.stringify(beside));
    writeFileSync(join(dir, `${beside.id}.file`), PDF);
    const inline = fileItem({ kind: 'homework', targetId: 'T-1', file: { name: 'copie.png', contentType: 'image/png', base64: PNG } });
    writeFileSync(join(dir, `${inline.id}.json`), JSON.stringify(inline));
    const decided = fileItem({ state: 'ACCEPTED', upstreamId: 'J-9', reason: 'Rendez-vous' });
    writeFileSync(join(dir, `${decided.id}.json`), JSON.stringify(decided));
    // A pending item whose file was lost: settled, not retried forever.
    const lost = fileItem({ file: { name: 'perdu.pdf', contentType: 'application/pdf', bytes: 10 } });
    writeFileSync(join(dir, `${lost.id}.json`), JSON.stringify(lost));

    const received: { clientRef: string; file?: UpstreamFile }[] = [];
    const school: OutboxUpstream = {
      justifyAbsence: async (_uai, s) => {
        received.push({ clientRef: s.clientRef, file: s.attachment });
        return { upstreamId: 'J-1', state: 'accepted' };
      },
      justificationState: async () => 'accepted',
      submitHomework: async (_uai, s) => {
        received.push({ clientRef: s.clientRef, file: s.file });
        return { upstreamId: 'R-1', state: 'received' };
      },
    };
    const outbox = new Outbox(database, school, log, { verify: async () => true, tickMs: 10 });
    expect(await moveFileOutbox(dir, outbox)).toBe(4);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(dataDir)).toEqual(['outbox.imported']);
    expect(await outbox.get(decided.id)).toMatchObject({ state: 'ACCEPTED', upstreamId: 'J-9', reason: 'Rendez-vous', createdAt: decided.createdAt });
    expect(await outbox.get(beside.id)).toMatchObject({ state: 'PENDING', attempts: 3, file: beside.file });
    expect((await outbox.get(inline.id))!.file).toEqual({ name: 'copie.png', contentType: 'image/png', bytes: Buffer.byteLength(PNG, 'base64') });

    await outbox.tick();
    expect(received.find((r) => r.clientRef === beside.id)!.file).toEqual({ ...beside.file, base64: PDF, bytes: undefined });
    expect(received.find((r) => r.clientRef === inline.id)!.file).toEqual({ name: 'copie.png', contentType: 'image/png', base64: PNG });
    expect(received.find((r) => r.clientRef === decided.id)).toBeUndefined();
    expect((await outbox.get(inline.id))!.state).toBe('SENT');
    expect(await outbox.get(lost.id)).toMatchObject({ state: 'REJECTED', lastError: 'its attached file is missing' });
    expect(received.find((r) => r.clientRef === lost.id)).toBeUndefined();

    // Read once: nothing left to move.
    expect(await moveFileOutbox(dir, outbox)).toBe(0);
    await outbox.stop();
  });
});
