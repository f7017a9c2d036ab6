import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Standin, type S3Standin } from '../../standins/s3/server.ts';
import { ObjectStoreError } from './object-store.ts';
import { S3ObjectStore, type S3ObjectStoreConfig } from './s3-object-store.ts';

let folder: string;
let standin: S3Standin;
const keys = { accessKeyId: 'hub-test', secretAccessKey: 'a-secret-of-the-stand-in-only' };
const configFor = (url: string, secretAccessKey = keys.secretAccessKey): S3ObjectStoreConfig => ({
  endpoint: url,
  bucket: 'attachments',
  region: 'us-east-1',
  accessKeyId: keys.accessKeyId,
  secretAccessKey,
  forcePathStyle: true,
});

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'hub-s3-'));
  standin = await startS3Standin({ folder, bucket: 'attachments', ...keys });
});
afterAll(async () => {
  await standin.close();
  await rm(folder, { recursive: true, force: true });
});

describe('S3ObjectStore against the stand-in S3 server', () => {
  it('puts, gets as a stream, and deletes an object', async () => {
    const store = new S3ObjectStore(configFor(standin.url));
    const key = 'c0ffee00-0000-4000-8000-000000000001';
    await store.put(key, Buffer.from('%PDF-1.7 un compte rendu'), 'application/pdf');
    expect(await standin.has(key)).toBe(true);
    const stream = await store.get(key);
    expect(stream).toBeInstanceOf(Readable);
    expect(stream && (await text(stream))).toBe('%PDF-1.7 un compte rendu');
    await store.delete([key, 'never-was-there']);
    expect(await standin.has(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();
    store.close();
  });

  it('refuses a wrong secret with a typed error, and stores nothing', async () => {
    const store = new S3ObjectStore(configFor(standin.url, 'not-the-secret'));
    const key = 'c0ffee00-0000-4000-8000-000000000002';
    const error = await store.put(key, Buffer.from('x'), 'text/plain').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'ERR_OBJECT_STORE', reason: 'refused' });
    expect((error as Error).message).toContain('SignatureDoesNotMatch');
    expect((error as Error).message).not.toContain('not-the-secret');
    expect(await standin.has(key)).toBe(false);
    store.close();
  });

  it('says the store cannot be reached when it is down', async () => {
    const down = await startS3Standin({ folder, bucket: 'attachments', ...keys });
    const url = down.url;
    await down.close();
    const store = new S3ObjectStore(configFor(url));
    const error = await store.get('c0ffee00-0000-4000-8000-000000000003').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'ERR_OBJECT_STORE', reason: 'unreachable' });
    store.close();
  });
});
