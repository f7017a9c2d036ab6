import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import type { HubDatabase } from './database.ts';

export interface ChannelListener {
  /** True while notifications are being received: a cache may only trust itself then. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * LISTEN on one channel over a connection of its own (a pooled connection cannot hold a LISTEN).
 * When the connection is lost, `onGap` is called (notifications may have been missed: whoever
 * caches must forget), and it reconnects with a bounded backoff until closed.
 */
export function listenTo(
  database: HubDatabase,
  channel: string,
  handlers: { onNotification(payload: string): void; onGap(): void },
  log: Logger,
): Promise<ChannelListener> {
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;

  const lost = (error?: unknown) => {
    if (!listening && client === undefined) return;
    listening = false;
    handlers.onGap();
    silence(client);
    void client?.end().catch(() => undefined);
    client = undefined;
    if (closed) return;
    log.warn({ err: error, channel, database: database.name, retryMs }, 'database notifications lost; reconnecting');
    timer = setTimeout(() => void connect().catch(() => undefined), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: database.config.url,
      connectionTimeoutMillis: database.config.connectTimeoutMs,
      application_name: 'ent-hub-listener',
    });
    client = next;
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onNotification(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    } catch (error) {
      lost(error);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    // Whatever was cached before this connection listened may have been invalidated meanwhile.
    handlers.onGap();
    listening = true;
    retryMs = 100;
  };

  const stop = async () => {
    closed = true;
    clearTimeout(timer);
    listening = false;
    const current = client;
    client = undefined;
    silence(current);
    await current?.end().catch(() => undefined);
  };

  // The first connection must succeed (a start fails clearly); later losses reconnect on their own.
  return connect().then(
    () => ({
      get listening() {
        return listening;
      },
      close: stop,
    }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

/**
 * Detaches our handlers from a client being dropped, but keeps one for 'error': a dropped client
 * may still report its connection's end (the server shutting down), and an 'error' event without a
 * listener would crash the process.
 */
function silence(client: pg.Client | undefined): void {
  client?.removeAllListeners();
  client?.on('error', () => undefined);
}
