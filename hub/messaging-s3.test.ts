import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../connectors/object-store/s3-object-store.ts';
import { createLogger } from '../lib/logger.ts';
import { startS3Standin, type S3Standin } from '../standins/s3/server.ts';
import { PostgresMessageStore } from '../store/messaging/postgres-store.ts';
import { messageRetention, purgeExpiredData } from '../store/retention/purge.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/** Message attachments in an S3-compatible object store (issue 15), configured by environment, through the router. */
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id attachments { id name contentType bytes downloadPath } } }`;
const ATTACHMENTS = `query($id: ID!) { message(id: $id) { attachments { name bytes downloadPath } } }`;

describe('message attachments in an S3-compatible object store', { timeout: 60_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'hub-s3-objects-'));
  const credentials = { accessKeyId: 'hub-attachments', secretAccessKey: 'stand-in-secret-0123456789' };
  let s3: S3Standin;
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  const s3Config = () => ({ endpoint: s3.url, bucket: 'ent-attachments', region: 'us-east-1', ...credentials, forcePathStyle: true });
  const demo = (description: RegExp) => hub.academie.demo.find((d) => description.test(d.description))!;
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  /** Sophie MARTIN sends `pdf` to `to`, named `name`; the send must succeed. */
  const sendPdf = async (to: string, subject: string, name: string) => {
    const sent = await ask('sophie.martin', SEND, {
      input: { to: [to], subject, body: 'Ci-joint.', attachments: [{ name, contentType: 'application/pdf', base64: pdf.toString('base64') }] },
    });
    expect(sent.errors).toBeUndefined();
    return sent;
  };

  beforeAll(async () => {
    s3 = await startS3Standin({ folder, bucket: 'ent-attachments', ...credentials });
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-messaging-s3-')),
      ...(await testHubOptions()),
      env: {
        ...process.env,
        COMMUNICATION_ATTACHMENTS_S3_ENDPOINT: s3.url,
        COMMUNICATION_ATTACHMENTS_S3_BUCKET: 'ent-attachments',
        COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID: credentials.accessKeyId,
        COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
    ({ ask } = hubSession(hub));
  });
  afterAll(async () => {
    await hub?.stop();
    await s3?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('a recipient downloads the sender’s file through the hub, from the object store; nobody else; the purge deletes the object', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const claire = demo(/separated mother/);
    const sent = await sendPdf(teacher.id, 'Certificat', 'certificat médical.pdf');
    const id = sent.data.sendMessage.id;

    // The row keeps what the file is, not its bytes: those are in the bucket, under a random key.
    const { rows } = await hub.store.store.database.pool.query(
      `SELECT name, content_type, bytes, content, object_key, sha256 FROM message_attachments WHERE message_id = $1`,
      [id],
    );
    expect(rows).toEqual([
      {
        name: 'certificat médical.pdf',
        content_type: 'application/pdf',
        bytes: pdf.length,
        content: null,
        object_key: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const key: string = rows[0].object_key;
    expect(key).not.toContain('certificat');
    expect(key).not.toContain(teacher.id);
    expect(await s3.has(key)).toBe(true);

    const download = (path: string) => fetch(new URL(path, hub.router.publicUrl));
    const theirs = (await ask(teacher.login, ATTACHMENTS, { id })).data.message.attachments[0];
    const got = await download(theirs.downloadPath);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="certificat medical.pdf"; filename*=UTF-8''certificat%20m%C3%A9dical.pdf`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(pdf);

    // Another person gets no link, and the teacher's link changed is a plain 404.
    expect((await ask(claire.login, ATTACHMENTS, { id })).data.message).toBeNull();
    const tampered = theirs.downloadPath.slice(0, -3) + (theirs.downloadPath.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await download(tampered)).status).toBe(404);

    // The retention purge deletes the message; its object goes at the next sweep, recorded until then.
    const database = hub.store.store.database;
    await purgeExpiredData(database, [messageRetention(0)], new Date(Date.now() + 60_000), createLogger('test'));
    expect((await database.pool.query(`SELECT 1 FROM message_attachments WHERE message_id = $1`, [id])).rowCount).toBe(0);
    expect((await database.pool.query(`SELECT 1 FROM message_attachment_objects_to_delete WHERE object_key = $1`, [key])).rowCount).toBe(1);
    const objects = new S3ObjectStore(s3Config());
    try {
      expect(await new PostgresMessageStore(database, { objects }).deleteOrphanedAttachmentObjects()).toBeGreaterThanOrEqual(1);
    } finally {
      objects.close();
    }
    expect(await s3.has(key)).toBe(false);
    expect((await database.pool.query(`SELECT 1 FROM message_attachment_objects_to_delete WHERE object_key = $1`, [key])).rowCount).toBe(0);
    expect((await download(theirs.downloadPath)).status).toBe(404);
  });

  it('a bucket that lies gives no one a file other than the one sent, nor more bytes than were stored', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const sent = await sendPdf(teacher.id, 'Attestation', 'a.pdf');
    const { rows } = await hub.store.store.database.pool.query(`SELECT object_key FROM message_attachments WHERE message_id = $1`, [sent.data.sendMessage.id]);
    const objectFile = join(folder, createHash('sha256').update(rows[0].object_key).digest('hex'));
    const theirs = (await ask(teacher.login, ATTACHMENTS, { id: sent.data.sendMessage.id })).data.message.attachments[0];
    const received = async () => {
      try {
        const response = await fetch(new URL(theirs.downloadPath, hub.router.publicUrl));
        return Buffer.from(await response.arrayBuffer());
      } catch {
        return 'cut';
      }
    };
    // The same length, other bytes (a page with a script); then far more bytes than were stored.
    for (const lie of [Buffer.from('<html><script>alert(1)</script>'.padEnd(pdf.length, ' ')), Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024, 'x')])]) {
      await writeFile(objectFile, lie);
      const got = await received();
      // Cut, or short of the length announced: never the lie whole.
      expect(got === 'cut' || got.length < pdf.length).toBe(true);
    }
    // The file as sent still comes whole.
    await writeFile(objectFile, pdf);
    expect(await received()).toEqual(pdf);
  });

  it('the object store down: a download is a plain 503, and a send stores nothing', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const attachments = [{ name: 'note.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') }];
    const sent = await ask('sophie.martin', SEND, { input: { to: [teacher.id], subject: 'Note', body: 'Ci-joint.', attachments } });
    expect(sent.errors).toBeUndefined();
    const link = (await ask(teacher.login, ATTACHMENTS, { id: sent.data.sendMessage.id })).data.message.attachments[0].downloadPath;
    await s3.close();
    const got = await fetch(new URL(link, hub.router.publicUrl));
    expect(got.status).toBe(503);
    expect(await got.text()).not.toContain('127.0.0.1');
    const count = async () => (await hub.store.store.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE subject = 'Refusée'`)).rows[0].n;
    const refused = await ask('sophie.martin', SEND, { input: { to: [teacher.id], subject: 'Refusée', body: 'Ci-joint.', attachments } });
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(await count()).toBe(0);
  });

  it('refuses to start with a partial object store configuration, naming what is missing', async () => {
    const { messagingConfigFromEnv } = await import('../subgraphs/communication/config.ts');
    expect(() => messagingConfigFromEnv({ COMMUNICATION_ATTACHMENTS_S3_ENDPOINT: s3.url, COMMUNICATION_ATTACHMENTS_S3_BUCKET: 'b' })).toThrow(
      /COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID must be set too.*COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY must be set too/,
    );
    expect(messagingConfigFromEnv({}).attachmentObjects).toBeUndefined();
  });
});
