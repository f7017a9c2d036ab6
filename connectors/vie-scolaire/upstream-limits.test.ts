import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAM_OPTIONS, MAX_RESPONSE_BYTES, Upstream } from './upstream.ts';

/** A school's system that answers a JSON array far beyond any real answer, as fast as the socket takes it. */
async function floodingServer() {
  let sent = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.from(`${'{"id":"x"},'.repeat(10_000)}`);
    res.write('[');
    const more = () => {
      while (sent < MAX_RESPONSE_BYTES * 4) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', more);
      }
      res.end('{}]');
    };
    res.on('error', () => undefined);
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    sent: () => sent,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('vie scolaire upstream: an answer too large to be one', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(cleanup.map((c) => c()));
  });

  it('is refused as a bad response once past the limit, without reading (nor holding) the rest', async () => {
    const server = await floodingServer();
    cleanup.push(server.close);
    const upstream = new Upstream('0751000E', server.url, { ...DEFAULT_UPSTREAM_OPTIONS, retryBaseMs: 5 });
    cleanup.push(() => upstream.close());
    await expect(upstream.get('/api/notes')).rejects.toMatchObject({ reason: 'bad-response', uai: '0751000E' });
    // The server was stopped reading well before it had sent its four times the limit.
    expect(server.sent()).toBeLessThan(MAX_RESPONSE_BYTES * 4);
  });
});
