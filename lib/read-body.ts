import type { IncomingMessage } from 'node:http';
import { HubError } from './errors.ts';

export class BodyTooLargeError extends HubError {
  static override readonly code = 'ERR_BODY_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** Reads a Node request body, failing as soon as it passes `limitBytes` (never buffers more than that). */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return readLimited(req, req.headers['content-length'], limitBytes);
}

/** The same for a fetch `Request` (the router's plugins); past the limit, the rest of the body is cancelled unread. */
export function readRequestBody(request: Pick<Request, 'body' | 'headers'>, limitBytes: number): Promise<string> {
  return readLimited(request.body ? chunksOf(request.body) : [], request.headers.get('content-length'), limitBytes);
}

/** A declared length over the limit fails before reading; a chunked body is counted while it is read. */
async function readLimited(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  declaredLength: string | null | undefined,
  limitBytes: number,
): Promise<string> {
  const declared = Number(declaredLength);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  const read: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop by throwing ends the source: Node destroys the request, `chunksOf` cancels the stream.
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    read.push(chunk);
  }
  return Buffer.concat(read).toString('utf8');
}

/** A web stream's chunks through its reader (the runtime's stream may be a ponyfill without async iteration). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel();
  }
}
