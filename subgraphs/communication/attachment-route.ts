import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../lib/logger.ts';
import { openSealedToken, sealingKey, sealToken } from '../../lib/sealed-token.ts';
import type { PostgresMessageStore } from '../../store/messaging/postgres-store.ts';

/**
 * Where an attachment is downloaded: `GET /messaging/attachments/{token}`. The router passes this
 * prefix through to the communication subgraph (`ROUTER_PASS_THROUGH_ROUTES`), so the link is on the
 * hub's origin; a pass-through carries no identity, so the link is its own credential: a token
 * sealed by this subgraph (lib/sealed-token.ts) naming the attachment and the person it was made
 * for, for a few minutes. Whether that person may still have it is checked again when it is used.
 */
export const ATTACHMENT_ROUTE_PREFIX = '/messaging/attachments/';
/** How long a link made by `Message.attachments` works: long enough to click, short enough not to share. */
export const ATTACHMENT_LINK_SECONDS = 5 * 60;
const KEY_LABEL = 'ent-hub message attachment link v1 (JWE dir A256GCM)';
const MAX_TOKEN_CHARS = 1024;

/** The attachment links' key, derived from the subgraph's viewer-context secret (unrelated to the signing key). */
export const attachmentLinkKey = (secret: Uint8Array) => sealingKey(secret, KEY_LABEL);

/** A download path for `personId` (who may have the attachment now). */
export async function attachmentPath(key: Uint8Array, attachmentId: string, personId: string): Promise<string> {
  return `${ATTACHMENT_ROUTE_PREFIX}${await sealToken(key, { a: attachmentId, p: personId }, ATTACHMENT_LINK_SECONDS)}`;
}

/** The same answer for a forged, expired, changed or malformed link, and for a person who no longer may have it. */
const notFound = (res: ServerResponse) => {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('Not Found\n');
};

/** `filename*` (RFC 6266 / 8187): any name, safely; and an ASCII fallback. */
function contentDisposition(name: string): string {
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'piece-jointe';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function attachmentRoute(options: { key: Uint8Array; messages: PostgresMessageStore; log: Logger }) {
  return {
    prefix: ATTACHMENT_ROUTE_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method !== 'GET') return notFound(res);
      const token = new URL(req.url ?? '/', 'http://subgraph').pathname.slice(ATTACHMENT_ROUTE_PREFIX.length);
      if (!token || token.length > MAX_TOKEN_CHARS) return notFound(res);
      const opened = await openSealedToken(options.key, token);
      if (!opened.ok || typeof opened.claims.a !== 'string' || typeof opened.claims.p !== 'string') return notFound(res);
      let attachment;
      try {
        attachment = await options.messages.attachment(opened.claims.a, opened.claims.p);
      } catch (error) {
        // The object store failed (unreachable, refused): the person gets a plain 503, the log says which.
        options.log.error({ err: error }, 'attachment download failed: its content could not be read');
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' });
        return void res.end('Service Unavailable\n');
      }
      if (!attachment) return notFound(res);
      res.writeHead(200, {
        // The type its content was checked to be when it was sent, never one a browser would run.
        'content-type': attachment.contentType,
        'content-length': String(attachment.bytes),
        'content-disposition': contentDisposition(attachment.name),
        'cache-control': 'private, no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      // Streamed from the store (the database row, or the object store) to the response, never whole
      // in memory, and checked on the way: exactly the bytes sent, with their SHA-256 where it was
      // kept. A store that breaks off, sends more, or sends other bytes ends the response short,
      // which the client sees (never a file other than the one that was sent, nor an unbounded one).
      await pipeline(attachment.content, asStored(attachment.bytes, attachment.sha256), res).catch((error: unknown) => {
        options.log.warn({ err: error }, 'attachment download ended before its last byte');
        res.destroy();
      });
    },
  };
}

/**
 * The bytes as they were stored: no more than `bytes`, and at the end that many, with that digest.
 * The last chunk is held until the digest is checked: the client never has all the bytes its
 * Content-Length announced of a file that is not the one stored.
 */
function asStored(bytes: number, sha256: string | null): Transform {
  let seen = 0;
  let held: Buffer | undefined;
  const digest = sha256 ? createHash('sha256') : undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > bytes) return done(new Error(`the store gave more than the ${bytes} bytes stored`));
      digest?.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      if (seen !== bytes) return done(new Error(`the store gave ${seen} of the ${bytes} bytes stored`));
      if (digest && digest.digest('hex') !== sha256) return done(new Error('the store gave other bytes than those stored (SHA-256)'));
      done(null, held);
    },
  });
}
