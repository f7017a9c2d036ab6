import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import type { HubDatabase } from './database.ts';

export interface ChannelListener {
  /** True while notifications are being received: a cache may only trust itself then. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/** How often a listener proves its connection still carries notifications (`ListenOptions.heartbeatMs`). */
export const DEFAULT_HEARTBEAT_MS = 5000;
/**
 * The longest a listener with the default heartbeat may go on saying `listening` after its
 * connection silently stopped carrying notifications: a heartbeat echoed just before, the next one
 * sent half a period later and found missing at the check a whole period after that (1.5 periods),
 * or at the check after it when that one comes a hair early (timers round their delays: 2 periods),
 * with half a period of margin for a busy event loop and a notification's own delivery.
 */
export const LONGEST_UNNOTICED_SILENCE_MS = 2.5 * DEFAULT_HEARTBEAT_MS;
/**
 * The payloads of heartbeats. Each connection sends its heartbeats on a channel of its own
 * (`HEARTBEAT_CHANNEL_PREFIX` and a random suffix): on the shared channel every listener of every
 * process would hear every other's, a traffic that grows with the square of the processes. Those of
 * an earlier version, sent on the shared channel, are recognised by this prefix and never handed to
 * the channel's handlers.
 */
const HEARTBEAT_PREFIX = 'hub-listener-heartbeat:';
const HEARTBEAT_CHANNEL_PREFIX = 'hub_listener_heartbeat_';

export interface ListenOptions {
  /**
   * Every so often the listener notifies a channel of its own (its heartbeats reach no other
   * listener) over its own connection and expects the echo within this time; without it, the
   * connection counts as lost. A path that silently stops carrying bytes (a firewall's idle timeout,
   * a partition) raises no error: without this, a cache would go on trusting itself while every
   * change is missed.
   */
  heartbeatMs?: number;
}

/**
 * LISTEN on one channel over a connection of its own (a pooled connection cannot hold a LISTEN).
 * When the connection is lost (an error, its end, or a heartbeat not echoed in time), `onGap` is
 * called (notifications may have been missed: whoever caches must forget), and it reconnects with a
 * bounded backoff until closed.
 */
export function listenTo(
  database: HubDatabase,
  channel: string,
  handlers: { onNotification(payload: string): void; onGap(): void },
  log: Logger,
  options: ListenOptions = {},
): Promise<ChannelListener> {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  let client: pg.Client | undefined;
  let listening = false;
  let heartbeat: NodeJS.Timeout | undefined;
  // The heartbeat sent and not yet echoed, and when.
  let awaited: { token: string; sentAt: number } | undefined;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;

  const lost = (error?: unknown) => {
    if (!listening && client === undefined) return;
    listening = false;
    clearInterval(heartbeat);
    awaited = undefined;
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
      // The kernel's probes too, for a peer that vanished (the heartbeat below catches the rest),
      // starting after 10 s of silence rather than the system's default of two hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = next;
    const heartbeatChannel = `${HEARTBEAT_CHANNEL_PREFIX}${randomBytes(8).toString('hex')}`;
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (message) => {
      if (message.payload === undefined) return;
      if (message.channel === heartbeatChannel) {
        if (message.payload === awaited?.token) awaited = undefined;
        return;
      }
      if (message.channel !== channel || message.payload.startsWith(HEARTBEAT_PREFIX)) return;
      handlers.onNotification(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
      await next.query(`LISTEN ${next.escapeIdentifier(heartbeatChannel)}`);
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
    heartbeat = setInterval(() => {
      if (client !== next) return;
      if (awaited) {
        // Not echoed within a whole period: the connection carries nothing any more. Timed on the
        // monotonic clock: a step of the wall clock neither hides a dead connection nor kills a live one.
        if (performance.now() - awaited.sentAt >= heartbeatMs) lost(new Error(`no heartbeat echoed within ${heartbeatMs} ms`));
        return;
      }
      awaited = { token: `${HEARTBEAT_PREFIX}${randomUUID()}`, sentAt: performance.now() };
      next.query('SELECT pg_notify($1, $2)', [heartbeatChannel, awaited.token]).catch(lost);
    }, heartbeatMs / 2);
    heartbeat.unref();
  };

  const stop = async () => {
    closed = true;
    clearTimeout(timer);
    clearInterval(heartbeat);
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
