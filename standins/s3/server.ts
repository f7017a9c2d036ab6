import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A stand-in S3-compatible object store: the REST subset the hub's client uses (PutObject,
 * GetObject, HeadObject, DeleteObject, DeleteObjects), path-style, each request's AWS Signature V4
 * checked by signing it again with the one key pair it knows (@smithy/signature-v4, what the SDK
 * signs with) and a body's SHA-256 checked against the signed `x-amz-content-sha256`. Objects are
 * files in a folder. Loopback only. A wrong signature gets S3's own XML error, as AWS answers it.
 */
export interface S3StandinOptions {
  /** The folder holding the objects (one file per object, its key hashed, and its type beside it). */
  folder: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region?: string;
  port?: number;
}

export interface S3Standin {
  url: string;
  /** Whether the bucket holds this key: what a test checks after an upload or a purge. */
  has(key: string): Promise<boolean>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export async function startS3Standin(options: S3StandinOptions): Promise<S3Standin> {
  const region = options.region ?? 'us-east-1';
  await mkdir(options.folder, { recursive: true });
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    region,
    service: 's3',
    sha256: Sha256,
    // S3 signs the path as sent (no second encoding), as the SDK's S3 signer does.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const pathOf = (key: string) => join(options.folder, createHash('sha256').update(key).digest('hex'));

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) s3Error(res, 500, 'InternalError', (error as Error).message);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3');
    const body = await readBody(req);
    if (body === undefined) return s3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    const refused = await checkSignature(req, url, body);
    if (refused) return s3Error(res, 403, refused.code, refused.message);
    const [, bucket, ...rest] = url.pathname.split('/');
    if (bucket !== options.bucket) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const key = decodeURIComponent(rest.join('/'));
    if (req.method === 'POST' && url.searchParams.has('delete')) {
      for (const match of body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)) await removeObject(unescapeXml(match[1] ?? ''));
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
    }
    if (!key) return s3Error(res, 400, 'InvalidRequest', 'A key is required');
    const path = pathOf(key);
    if (req.method === 'PUT') {
      await writeFile(`${path}.part`, body);
      await writeFile(`${path}.type`, req.headers['content-type'] ?? 'application/octet-stream');
      await rename(`${path}.part`, path);
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      return void res.end();
    }
    if (req.method === 'DELETE') {
      await removeObject(key);
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const size = await stat(path).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', req.method === 'HEAD');
      const type = await readFile(`${path}.type`, 'utf8').catch(() => 'application/octet-stream');
      res.writeHead(200, { 'content-type': type, 'content-length': String(size) });
      if (req.method === 'HEAD') return void res.end();
      // Streamed from the file: the stand-in holds no object whole either.
      return pipeline(createReadStream(path), res);
    }
    return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }

  async function removeObject(key: string): Promise<void> {
    await rm(pathOf(key), { force: true });
    await rm(`${pathOf(key)}.type`, { force: true });
  }

  /** Undefined when the request is signed by our key pair; otherwise S3's code and message. */
  async function checkSignature(req: IncomingMessage, url: URL, body: Buffer): Promise<{ code: string; message: string } | undefined> {
    const authorization = req.headers.authorization ?? '';
    const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
    if (!parsed) return { code: 'AccessDenied', message: 'Missing or malformed Signature V4 authorization' };
    const [, accessKeyId, , , signedHeaders = '', signature = ''] = parsed;
    if (accessKeyId !== options.accessKeyId)
      return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!date) return { code: 'AccessDenied', message: 'Missing x-amz-date' };
    const signingDate = new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`);
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS)
      return { code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' };
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(body).digest('hex')) {
      return { code: 'XAmzContentSHA256Mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    }
    const names = signedHeaders.split(';');
    const headers: Record<string, string> = {};
    for (const name of names) {
      const value = req.headers[name];
      headers[name] = Array.isArray(value) ? value.join(',') : (value ?? '');
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const resigned = await signer.sign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: url.hostname, path: url.pathname, query, headers, body },
      { signingDate, signableHeaders: new Set(names) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization ?? resigned.headers.Authorization ?? ''))?.[1] ?? '';
    const same = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
    return same ? undefined : { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    has: (key) =>
      stat(pathOf(key)).then(
        () => true,
        () => false,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function s3Error(res: ServerResponse, status: number, code: string, message: string, headOnly = false): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  if (headOnly) return void res.end();
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
}
