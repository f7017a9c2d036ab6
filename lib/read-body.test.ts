import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readRequestBody } from './read-body.ts';

/** A body sent in `chunks` chunks of `size` bytes, recording how many were pulled and whether it was cancelled. */
function streamedRequest(chunks: number, size: number, headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks) return controller.close();
      seen.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { request: new Request('http://hub.test/auth', { method: 'POST', body, headers, duplex: 'half' } as RequestInit), seen };
}

describe('readRequestBody', () => {
  it('reads a body within the limit as text', async () => {
    const request = new Request('http://hub.test/auth', { method: 'POST', body: 'csrf=abc&x=é' });
    expect(await readRequestBody(request, 1024)).toBe('csrf=abc&x=é');
    expect(await readRequestBody(new Request('http://hub.test/auth'), 1024)).toBe('');
  });

  it('stops reading a chunked body at the limit and cancels the rest', async () => {
    const { request, seen } = streamedRequest(100, 1024);
    await expect(readRequestBody(request, 4096)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(10);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const { request, seen } = streamedRequest(1, 10, { 'content-length': '1000000' });
    await expect(readRequestBody(request, 4096)).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limitBytes: 4096 });
    expect(seen.pulled).toBeLessThanOrEqual(1); // a stream may pull its first chunk ahead on its own
  });
});
