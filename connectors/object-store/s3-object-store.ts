import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ObjectStoreError, type ObjectStore } from './object-store.ts';

export interface S3ObjectStoreConfig {
  /** The S3-compatible service's base URL (AWS, Scaleway, OVHcloud, MinIO…). */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` rather than `https://bucket.host/key`: what most non-AWS services expect. */
  forcePathStyle: boolean;
}

/** S3's DeleteObjects takes at most 1,000 keys a call. */
const DELETE_BATCH = 1_000;
/** Error codes that mean the credentials (or their signature) were refused: a configuration fault, not a retry. */
const REFUSED = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId', 'AccessDenied', 'InvalidToken', 'ExpiredToken']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError', 'RequestTimeout']);

/** Attachments in an S3-compatible bucket, through the AWS SDK v3 (Signature V4). */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(config: S3ObjectStoreConfig) {
    this.#bucket = config.bucket;
    this.#client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Bounded: a store that does not answer fails the call in seconds, never holds a request.
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 30_000 }),
      // Checksums only where S3 requires them (DeleteObjects): what every S3-compatible service accepts.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, content: Buffer, contentType: string): Promise<void> {
    await this.#call('put', () =>
      this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: content, ContentType: contentType, ContentLength: content.length })),
    );
  }

  async get(key: string): Promise<Readable | undefined> {
    try {
      const answer = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      if (!(answer.Body instanceof Readable)) throw new ObjectStoreError('failed', 'the object store answered GetObject without a body stream');
      return answer.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw errorOf('get', error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const answer = await this.#call('delete', () =>
        this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
      // A key already gone is not listed as an error by S3: any listed one failed.
      const failed = (answer.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) throw new ObjectStoreError('failed', `the object store did not delete ${failed.length} object(s): ${failed[0]?.Code ?? 'unknown'}`);
    }
  }

  /** Closes the client's connections. */
  close(): void {
    this.#client.destroy();
  }

  async #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw errorOf(operation, error);
    }
  }
}

/** The SDK's error as ours: its code says which, never a key, a secret or a signature. */
function errorOf(operation: string, error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  if (error instanceof S3ServiceException) {
    const reason = REFUSED.has(error.name) ? 'refused' : 'failed';
    return new ObjectStoreError(reason, `object store ${operation} failed: ${error.name} (HTTP ${error.$metadata.httpStatusCode ?? '?'})`, { cause: error });
  }
  const code = (error as { code?: unknown; name?: unknown }).code ?? (error as { name?: unknown }).name;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new ObjectStoreError('unreachable', `object store ${operation} failed: the object store cannot be reached (${code})`, { cause: error });
  }
  return new ObjectStoreError('failed', `object store ${operation} failed: ${(error as Error).message}`, { cause: error });
}
