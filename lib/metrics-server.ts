import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { listen, type RunningServer } from './http-server.ts';

/** Where a process serves its Prometheus metrics: a listener of its own, and optionally its public port. */
export interface MetricsListenerConfig {
  /** The separate listener; loopback by default (for the scraper, not the Internet). */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** If set, `/metrics` is also served on the public port to `Authorization: Bearer <token>`. */
  token?: string;
}

const sendMetrics = (registry: Registry, res: ServerResponse) =>
  registry.metrics().then(
    (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
    () => res.writeHead(500).end(),
  );

/** The separate listener serving `GET /metrics` (loopback by default): for the scraper, not the Internet. */
export async function serveMetrics(registry: Registry, options: { host: string; port: number }): Promise<RunningServer> {
  return listen((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    void sendMetrics(registry, res);
  }, options);
}

/**
 * `/metrics` on a public port (a route of a node:http server): only for the configured bearer
 * token, compared in constant time (digests have one length whatever the client sent).
 */
export function metricsRoute(registry: Registry, token: string) {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(`Bearer ${token}`);
  return {
    prefix: '/metrics',
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' }).end('metrics are not served here\n');
        return;
      }
      await sendMetrics(registry, res);
    },
  };
}
