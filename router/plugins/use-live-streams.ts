import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError, isAsyncIterable } from '@graphql-tools/utils';
import type { ExecutionResult } from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import { sessionExpired, type SessionStore, type SessionTimeouts } from '../../store/sessions/session.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';

/** The session a request was authenticated with, as use-authentication puts it on the context. */
export interface SessionOnContext {
  /** The hash of the session's secret (what the store's cache is keyed by). */
  sessionSecretHash?: string;
}

export interface LiveStreamOptions {
  sessions: SessionStore;
  timeouts: SessionTimeouts;
  /** How often open streams' sessions are checked (ended, expired): one check per session per period. */
  checkEveryMs?: number;
  /** A stream completes after this long; the client subscribes again and is authorized anew. */
  maxStreamMs?: number;
  /** Open streams one session holds at once on this instance. */
  maxStreamsPerSession?: number;
  /** Open streams this instance holds, everyone together. */
  maxStreams?: number;
  /** Where `hub_live_streams_open` and `hub_live_streams_ended_total{reason}` are registered. */
  metrics?: Registry;
  log: Logger;
}

export const DEFAULT_LIVE_STREAMS = { checkEveryMs: 1000, maxStreamMs: 3600_000, maxStreamsPerSession: 5, maxStreams: 10_000 } as const;

type Result = ExecutionResult;
const SESSION_CHECKS_AT_ONCE = 64;
type EndReason = 'session' | 'lifetime' | 'shutdown';
/** Why a stream ended: one of ours, the client gone, or the subgraph's stream over (or failed). */
type EndedBy = EndReason | 'client' | 'source';

/**
 * Subscriptions (GraphQL over SSE) live as long as what allowed them: a stream opened with a session
 * ends, with an UNAUTHENTICATED error event, within `checkEveryMs` of that session's logout,
 * back-channel logout or expiry (on any instance: the session store's notifications); and every
 * stream completes after `maxStreamMs`, so that what it may see is decided anew when the client
 * subscribes again. Streams are bounded per session and per instance.
 *
 * Authentication, authorization and the journal apply to a subscription as to any operation (their
 * plugins see it first); this plugin only bounds its life.
 */
export function useLiveStreams(options: LiveStreamOptions): GatewayPlugin<ViewerOnContext & SessionOnContext> & { close(): void } {
  const checkEveryMs = options.checkEveryMs ?? DEFAULT_LIVE_STREAMS.checkEveryMs;
  const maxStreamMs = options.maxStreamMs ?? DEFAULT_LIVE_STREAMS.maxStreamMs;
  const maxPerSession = options.maxStreamsPerSession ?? DEFAULT_LIVE_STREAMS.maxStreamsPerSession;
  const maxStreams = options.maxStreams ?? DEFAULT_LIVE_STREAMS.maxStreams;
  for (const [name, value] of Object.entries({ checkEveryMs, maxStreamMs, maxPerSession, maxStreams }))
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`useLiveStreams: ${name} must be a positive integer, got ${value}`);

  const registers = options.metrics ? [options.metrics] : [];
  const openGauge = new Gauge({ name: 'hub_live_streams_open', help: 'Subscriptions (live streams) open on this router.', registers });
  const ended = new Counter({
    name: 'hub_live_streams_ended_total',
    help: 'Subscriptions ended, by why: session (it ended), lifetime, shutdown, client (gone), source (the subgraph ended it).',
    labelNames: ['reason'],
    registers,
  });
  /** Open streams by session secret hash ('' for streams without a session: service clients). */
  const bySession = new Map<string, Set<GuardedStream>>();
  let open = 0;
  let timer: NodeJS.Timeout | undefined;

  const checkSession = async (hash: string) => {
    let alive: boolean;
    try {
      const session = await options.sessions.getBySecretHash(hash);
      alive = session !== undefined && !sessionExpired(session, options.timeouts);
    } catch (error) {
      // The store cannot say now: keep the streams, ask again next period.
      options.log.warn({ err: error }, 'live streams: session check failed');
      return;
    }
    if (!alive) for (const stream of [...(bySession.get(hash) ?? [])]) stream.end('session');
  };
  // Each session once per period, SESSION_CHECKS_AT_ONCE at a time: most are answered by the
  // store's cache; those that are not must not make one period last as long as their round trips.
  const checkSessions = async () => {
    const hashes = [...bySession.keys()].filter(Boolean);
    for (let i = 0; i < hashes.length; i += SESSION_CHECKS_AT_ONCE) await Promise.all(hashes.slice(i, i + SESSION_CHECKS_AT_ONCE).map(checkSession));
  };
  const schedule = () => {
    if (timer || open === 0) return;
    timer = setTimeout(() => {
      void checkSessions().finally(() => {
        timer = undefined;
        schedule();
      });
    }, checkEveryMs);
    timer.unref();
  };

  const refuse = (message: string, code: string): Result => ({ errors: [createGraphQLError(message, { extensions: { code } })] });

  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as ViewerOnContext & SessionOnContext & { request?: Request };
      // A subscription over GET would carry its operation in the URL (proxies' logs, history).
      if (context.request?.method === 'GET') {
        setResultAndStopExecution(refuse('Subscribe with a POST (Accept: text/event-stream), not a GET.', 'METHOD_NOT_ALLOWED'));
        return;
      }
      const key = context.sessionSecretHash ?? '';
      const mine = bySession.get(key);
      if (key && (mine?.size ?? 0) >= maxPerSession) {
        setResultAndStopExecution(refuse('Too many live connections are open for this session: close another tab and try again.', 'TOO_MANY_STREAMS'));
        return;
      }
      if (open >= maxStreams) {
        setResultAndStopExecution(refuse('The hub holds as many live connections as it can: try again in a moment.', 'TOO_MANY_STREAMS'));
        return;
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          const streams = bySession.get(key) ?? new Set<GuardedStream>();
          const stream = new GuardedStream(result[Symbol.asyncIterator]() as AsyncIterator<Result>, maxStreamMs, (reason) => {
            streams.delete(stream);
            open--;
            openGauge.set(open);
            ended.inc({ reason });
            if (streams.size === 0 && bySession.get(key) === streams) bySession.delete(key);
          });
          streams.add(stream);
          bySession.set(key, streams);
          open++;
          openGauge.set(open);
          schedule();
          setResult(stream);
        },
      };
    },
    close() {
      clearTimeout(timer);
      for (const streams of [...bySession.values()]) for (const stream of [...streams]) stream.end('shutdown');
    },
  };
}

const SESSION_ENDED: Result = {
  errors: [createGraphQLError('Your session has ended. Please log in again.', { extensions: { code: 'UNAUTHENTICATED' } })],
};

/**
 * A subscription's results, until its reader stops, its source ends, or `end()` is called: then the
 * source is told to stop (the subgraph's stream closes) and the reader gets, for an ended session,
 * one last UNAUTHENTICATED event. Hand-written rather than an async generator: a generator waiting
 * on its source cannot be stopped until the source speaks, and a quiet stream may never speak.
 */
class GuardedStream implements AsyncIterableIterator<Result> {
  #pending: { resolve(result: IteratorResult<Result>): void; reject(error: Error): void } | undefined;
  #last: Result | undefined;
  #done = false;
  readonly #lifetime: NodeJS.Timeout;

  constructor(
    private readonly source: AsyncIterator<Result>,
    maxStreamMs: number,
    private readonly onEnd: (reason: EndedBy) => void,
  ) {
    this.#lifetime = setTimeout(() => this.end('lifetime'), maxStreamMs);
    this.#lifetime.unref();
  }

  next(): Promise<IteratorResult<Result>> {
    if (this.#last) {
      const last = this.#last;
      this.#last = undefined;
      return Promise.resolve({ done: false, value: last });
    }
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.source.next().then(
        (result) => {
          if (this.#pending?.resolve !== resolve) return;
          this.#pending = undefined;
          if (result.done) this.#finish('source');
          resolve(result);
        },
        (error: unknown) => {
          if (this.#pending?.resolve !== resolve) return;
          this.#pending = undefined;
          this.#finish('source');
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  return(): Promise<IteratorResult<Result>> {
    this.#last = undefined;
    this.#stop('client');
    return Promise.resolve({ done: true, value: undefined });
  }

  end(reason: EndReason): void {
    if (this.#done) return;
    const final = reason === 'session' ? SESSION_ENDED : undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    this.#stop(reason);
    if (pending) pending.resolve(final ? { done: false, value: final } : { done: true, value: undefined });
    else this.#last = final;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #stop(reason: EndedBy): void {
    if (this.#done) return;
    this.#finish(reason);
    void this.source.return?.().catch(() => undefined);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve({ done: true, value: undefined });
  }

  #finish(reason: EndedBy): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#lifetime);
    this.onEnd(reason);
  }
}
