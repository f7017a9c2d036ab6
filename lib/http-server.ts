import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListenOptions {
  port: number;
  /** Loopback by default: exposing a process beyond the machine is a deployment decision. */
  host?: string;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish, then closes every socket. Keep-alive
   * connections are the trap here: an idle one keeps `server.close()` waiting forever, so idle sockets
   * are closed at once and busy ones are told `Connection: close` and destroyed after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

export async function listen(handler: RequestListener, options: ListenOptions): Promise<RunningServer> {
  let closing = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('connection', 'close');
    handler(req, res);
  });
  // Slowloris guard: a client gets this long to send its headers and body.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closed: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    close(graceMs = 10_000) {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        // Sockets that finish their last response become idle: sweep them until the server is closed.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
