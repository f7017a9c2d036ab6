import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ExponentialBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  noop,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBreaker,
  type IPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Agent, request } from 'undici';
import type { Logger } from '../../lib/logger.ts';
import { inSpan, SCHOOL_ATTRIBUTE } from '../../lib/tracing.ts';
import { UpstreamError } from './errors.ts';

export interface UpstreamOptions {
  connectTimeoutMs: number;
  /** For one attempt; retries come on top, within `deadlineMs`. */
  requestTimeoutMs: number;
  /** A call gives up after this, queueing and retries included: the caller always gets an answer in time. */
  deadlineMs: number;
  /** Retries of idempotent reads after a network error, a timeout or a 5xx. Writes are never retried here. */
  retries: number;
  retryBaseMs: number;
  /** Calls in flight to one upstream at most; the others wait their turn. */
  maxConcurrent: number;
  /** Calls waiting for one of those `maxConcurrent` places at most; past it, a call is shed at once (`overloaded`). */
  maxQueued: number;
  /**
   * Bulkhead per caller (a viewer): requests of one caller in flight to one upstream at most, and
   * waiting behind those. Past both, the caller's request is shed at once (`overloaded`): one
   * viewer's burst waits in its own lane and never holds the school's whole pool.
   */
  maxConcurrentPerCaller: number;
  maxQueuedPerCaller: number;
  /** Consecutive failed calls that open the circuit, and how long it stays open before one trial request. */
  breakerThreshold: number;
  /**
   * Distinct callers among those failed calls before the circuit opens: the school's system must
   * fail for several people, not only under one viewer's (possibly amplified) load.
   */
  breakerMinCallers: number;
  breakerResetMs: number;
}

export const DEFAULT_UPSTREAM_OPTIONS: UpstreamOptions = {
  connectTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  deadlineMs: 3000,
  retries: 2,
  retryBaseMs: 50,
  maxConcurrent: 16,
  maxQueued: 256,
  maxConcurrentPerCaller: 4,
  maxQueuedPerCaller: 8,
  breakerThreshold: 5,
  breakerMinCallers: 3,
  breakerResetMs: 10_000,
};

/**
 * The per-caller bulkhead and the breaker's spread from the environment (README); the rest keeps
 * its defaults. `read(name)` gives the variable's value as a positive integer, or undefined.
 */
export function upstreamOptionsFromEnv(read: (name: string) => number | undefined): UpstreamOptions {
  return {
    ...DEFAULT_UPSTREAM_OPTIONS,
    maxConcurrentPerCaller: read('VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER') ?? DEFAULT_UPSTREAM_OPTIONS.maxConcurrentPerCaller,
    maxQueuedPerCaller: read('VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER') ?? DEFAULT_UPSTREAM_OPTIONS.maxQueuedPerCaller,
    breakerMinCallers: read('VIE_SCOLAIRE_BREAKER_MIN_CALLERS') ?? DEFAULT_UPSTREAM_OPTIONS.breakerMinCallers,
  };
}

/** Who a call is made for: an opaque key (the subgraph passes the viewer's), never logged. */
export interface CallOptions {
  caller?: string;
}

/** Calls made for nobody in particular (the outbox's forwarding, say) share one lane. */
const UNATTRIBUTED = '\0hub';

/** What a breaker is, as metrics and `Upstream.circuit` say it. */
export type CircuitName = 'closed' | 'open' | 'half-open';
export const CIRCUIT_NAMES: readonly CircuitName[] = ['closed', 'open', 'half-open'];
const NAME_OF: Record<CircuitState, CircuitName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** A failure of the school's system (it is down, or did not answer in time): what retries and the breaker act on. */
/**
 * The largest answer read (bytes): a year of grades for a batch of pupils is a few hundred
 * kilobytes. Past it the answer is not one (a system gone wrong, or lying): it is cut, not held
 * whole in memory by the subgraph and the notifications' detector.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const systemFailure = (error: unknown): error is UpstreamError =>
  error instanceof UpstreamError && (error.reason === 'unavailable' || error.reason === 'timeout');

/** The deadline passed while the call waited in our own queues, before anything was sent. */
class QueuedTooLong extends Error {}

/**
 * cockatiel's breaker counts failed calls; this one also asks who they failed for. It opens after
 * `threshold` consecutive failed calls among which at least `minCallers` distinct callers: one
 * viewer's (possibly amplified) load alone never opens the circuit for everyone. `failedFor` is
 * told the caller of each failed call just before cockatiel asks `failure()`; the set holds at most
 * `minCallers` keys.
 */
export class SpreadBreaker implements IBreaker {
  state = { failures: 0, callers: new Set<string>() };

  constructor(
    private readonly threshold: number,
    private readonly minCallers: number,
  ) {}

  failedFor(caller: string): void {
    if (this.state.callers.size < this.minCallers) this.state.callers.add(caller);
  }

  success(): void {
    this.state.failures = 0;
    this.state.callers.clear();
  }

  failure(): boolean {
    this.state.failures++;
    return this.state.failures >= this.threshold && this.state.callers.size >= this.minCallers;
  }
}

/**
 * One school's vie scolaire system (a Pronote instance, say): an undici keep-alive connection pool
 * with its timeouts per attempt, and cockatiel policies around it: a deadline per call, retries with
 * exponential backoff and jitter for reads, a bulkhead for the school with a lane (bulkhead) per
 * caller in front of it, and a circuit breaker that fails fast while the system is down, then lets
 * one trial call through to see if it is back.
 *
 * The breaker must say "the school's system is unhealthy", never "one viewer asked too much": it
 * wraps the retries (a call counts once however many attempts it made), it sits inside the
 * bulkheads (a call that waited in our own queue and was never sent counts nothing), a refusal
 * (4xx) or an unreadable answer proves the system alive, and the circuit opens only when the
 * consecutive failures come from several callers (`SpreadBreaker`).
 */
export class Upstream {
  readonly #agent: Agent;
  readonly #school: BulkheadPolicy;
  /** One lane per caller with calls pending (removed when idle, so it holds only active callers). */
  readonly #lanes = new Map<string, { bulkhead: BulkheadPolicy; pending: number }>();
  readonly #spread: SpreadBreaker;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #deadline: TimeoutPolicy;
  readonly #reads: IPolicy;
  readonly #writes: IPolicy;
  #openedAt = 0;
  calls = 0;

  constructor(
    readonly uai: string,
    readonly baseUrl: string,
    readonly options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS,
    /** Told how long each attempt took at the school's system, and how it ended (metrics). */
    private readonly onAttempt?: (outcome: AttemptOutcome, seconds: number) => void,
  ) {
    this.#agent = new Agent({ connect: { timeout: options.connectTimeoutMs }, keepAliveTimeout: 10_000, connections: options.maxConcurrent });
    this.#school = bulkhead(options.maxConcurrent, options.maxQueued);
    this.#spread = new SpreadBreaker(options.breakerThreshold, options.breakerMinCallers);
    this.#breaker = circuitBreaker(handleWhen(systemFailure), { breaker: this.#spread, halfOpenAfter: options.breakerResetMs });
    this.#breaker.onBreak(() => (this.#openedAt = Date.now()));
    // Aggressive: the caller is answered at the deadline even while its call still waits in a queue.
    this.#deadline = timeout(options.deadlineMs, TimeoutStrategy.Aggressive);
    // Retried only while the circuit is closed: a failed trial ends its call, and once the circuit
    // opened under other calls' failures, retrying would only add load to a system known down.
    const retries = retry(
      handleWhen((error) => systemFailure(error) && this.#breaker.state === CircuitState.Closed),
      { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: options.retryBaseMs, maxDelay: options.deadlineMs }) },
    );
    this.#reads = retries;
    this.#writes = noop;
  }

  get circuit(): CircuitName {
    const state = this.#breaker.state;
    // cockatiel moves to half-open when a call arrives after the reset delay; the next call is a trial as soon as the delay is over.
    if (state === CircuitState.Open && Date.now() - this.#openedAt >= this.options.breakerResetMs) return 'half-open';
    return NAME_OF[state];
  }

  /** Calls `listener` on each change of the breaker's state, with what opened it when it opens. */
  onCircuitChange(listener: (to: CircuitName, cause?: UpstreamError) => void): void {
    this.#breaker.onStateChange((state) => {
      const failure = this.#breaker.lastFailure;
      const cause = failure && 'error' in failure && failure.error instanceof UpstreamError ? failure.error : undefined;
      listener(NAME_OF[state], state === CircuitState.Open ? cause : undefined);
    });
  }

  async #once(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    if (!this.onAttempt) return this.#attempt(method, path, body, signal);
    const started = performance.now();
    try {
      const answer = await this.#attempt(method, path, body, signal);
      this.onAttempt('ok', (performance.now() - started) / 1000);
      return answer;
    } catch (error) {
      this.onAttempt(error instanceof UpstreamError ? error.reason : 'unavailable', (performance.now() - started) / 1000);
      throw error;
    }
  }

  async #attempt(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    this.calls++;
    let status: number;
    let text: string;
    try {
      const response = await request(`${this.baseUrl}${path}`, {
        method,
        dispatcher: this.#agent,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        // One attempt's timeouts are the transport's (undici): waiting for the answer's headers, then
        // between two chunks of its body. Connecting has its own (`connectTimeoutMs`).
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        signal,
      });
      status = response.statusCode;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          throw new UpstreamError('bad-response', this.uai, `the vie scolaire system of ${this.uai} answered more than ${MAX_RESPONSE_BYTES} bytes`, status);
        }
        chunks.push(chunk);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      const name = (error as Error).name;
      const code = (error as { code?: string }).code ?? '';
      const late = signal.aborted || name === 'AbortError' || name === 'TimeoutError' || /TIMEOUT/.test(code);
      throw new UpstreamError(
        late ? 'timeout' : 'unavailable',
        this.uai,
        `the vie scolaire system of ${this.uai} ${late ? 'did not answer in time' : 'is unreachable'}`,
        undefined,
        { cause: error },
      );
    }
    if (status >= 500) throw new UpstreamError('unavailable', this.uai, `the vie scolaire system of ${this.uai} failed (HTTP ${status})`, status);
    if (status >= 400)
      throw new UpstreamError(
        'refused',
        this.uai,
        `the vie scolaire system of ${this.uai} refused the request (HTTP ${status}): ${text.slice(0, 200)}`,
        status,
      );
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UpstreamError('bad-response', this.uai, `the vie scolaire system of ${this.uai} answered something that is not JSON`, status, { cause: error });
    }
  }

  /** An idempotent read: retried with backoff on failures that may pass, within the deadline. */
  get(path: string, query: Record<string, string> = {}, options: CallOptions = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    return this.#call('GET', `${path}${search ? `?${search}` : ''}`, undefined, this.#reads, options.caller ?? UNATTRIBUTED);
  }

  /** A write: never retried here (the caller's durable queue decides). */
  post(path: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.#call('POST', path, body, this.#writes, options.caller ?? UNATTRIBUTED);
  }

  /** One call, as a span naming the school (its attempts' HTTP spans, by the undici instrumentation, under it). */
  #call(method: 'GET' | 'POST', path: string, body: unknown, attempts: IPolicy, caller: string): Promise<unknown> {
    return inSpan(`vie-scolaire ${method}`, { [SCHOOL_ATTRIBUTE]: this.uai, 'http.request.method': method }, async (span) => {
      try {
        return await this.#governed(method, path, body, attempts, caller);
      } catch (error) {
        if (error instanceof UpstreamError) span.setAttribute('hub.upstream.failure', error.reason);
        throw error;
      }
    });
  }

  async #governed(method: 'GET' | 'POST', path: string, body: unknown, attempts: IPolicy, caller: string): Promise<unknown> {
    let lane = this.#lanes.get(caller);
    if (!lane) this.#lanes.set(caller, (lane = { bulkhead: bulkhead(this.options.maxConcurrentPerCaller, this.options.maxQueuedPerCaller), pending: 0 }));
    lane.pending++;
    const progress = { sent: false };
    try {
      // The bulkheads are not given the deadline's signal: cockatiel's bulkhead drops a cancelled call
      // when its turn comes without handing the place on to the next one. The call checks the
      // deadline itself once it has a place, and gives the place back at once.
      return await this.#deadline.execute(({ signal: deadline }) =>
        lane.bulkhead.execute(() =>
          this.#school.execute(() => {
            if (deadline.aborted) throw new QueuedTooLong();
            return this.#send(method, path, body, attempts, caller, deadline, progress);
          }),
        ),
      );
    } catch (error) {
      throw this.#failure(error, progress.sent);
    } finally {
      if (--lane.pending === 0) this.#lanes.delete(caller);
    }
  }

  /** Through the breaker: the attempts of one call, counted once; `progress.sent` once an attempt started. */
  async #send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    attempts: IPolicy,
    caller: string,
    deadline: AbortSignal,
    progress: { sent: boolean },
  ): Promise<unknown> {
    const outcome = await this.#breaker.execute(async () => {
      try {
        const answer = await attempts.execute(({ signal }) => {
          progress.sent = true;
          return this.#once(method, path, body, signal);
        }, deadline);
        return { answer };
      } catch (error) {
        if (!systemFailure(error)) return { refusal: error }; // the system answered (a 4xx, an unreadable body): it is alive
        this.#spread.failedFor(caller);
        throw error;
      }
    }, deadline);
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.answer;
  }

  /** cockatiel's errors as the hub's: a call shed or cut short by our own policies says why. */
  #failure(error: unknown, sent: boolean): unknown {
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
      return new UpstreamError('circuit-open', this.uai, `the vie scolaire system of ${this.uai} is unavailable (circuit open)`, undefined, { cause: error });
    }
    if (error instanceof BulkheadRejectedError) {
      return new UpstreamError(
        'overloaded',
        this.uai,
        `too many requests at once to the vie scolaire system of ${this.uai}: this one was not sent`,
        undefined,
        { cause: error },
      );
    }
    if (error instanceof TaskCancelledError || error instanceof QueuedTooLong) {
      // Past the deadline: the system's slowness if the call was sent, our own queue's length if not.
      return sent
        ? new UpstreamError('timeout', this.uai, `the vie scolaire system of ${this.uai} did not answer in time`, undefined, { cause: error })
        : new UpstreamError(
            'overloaded',
            this.uai,
            `too many requests at once to the vie scolaire system of ${this.uai}: this one waited too long and was not sent`,
            undefined,
            { cause: error },
          );
    }
    return error;
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** Where an `UpstreamPool` reports: transitions of each school's breaker to the log, state and transitions to metrics. */
export interface UpstreamObservers {
  log?: Logger;
  metrics?: Registry;
}

/** How one attempt at a school's system ended: answered, or the reason it failed. */
export type AttemptOutcome = 'ok' | UpstreamError['reason'];

/** One upstream per school, as with Pronote: a UAI → base URL map from configuration. */
export class UpstreamPool {
  readonly #upstreams = new Map<string, Upstream>();

  constructor(urls: Record<string, string>, options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS, observers: UpstreamObservers = {}) {
    const { log, metrics } = observers;
    // Each attempt's time at the school's system (retries are attempts of their own; queueing is not counted).
    const attempts =
      metrics &&
      new Histogram({
        name: 'hub_vie_scolaire_upstream_duration_seconds',
        help: 'Time of each attempt at a school’s vie scolaire system, by school and outcome (ok, or the failure’s reason).',
        labelNames: ['school', 'outcome'],
        buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [metrics],
      });
    for (const [uai, url] of Object.entries(urls))
      this.#upstreams.set(
        uai,
        new Upstream(uai, url.replace(/\/$/, ''), options, attempts && ((outcome, seconds) => attempts.observe({ school: uai, outcome }, seconds))),
      );
    // Labelled by school: the configured schools, a bounded set.
    const transitions =
      metrics &&
      new Counter({
        name: 'hub_vie_scolaire_breaker_transitions_total',
        help: 'Changes of state of a school’s vie scolaire circuit breaker, by state entered.',
        labelNames: ['school', 'to'],
        registers: [metrics],
      });
    if (metrics) {
      const gauge: Gauge<'school' | 'state'> = new Gauge({
        name: 'hub_vie_scolaire_breaker_state',
        help: 'State of each school’s vie scolaire circuit breaker: 1 for the state it is in (closed, open, half-open), 0 for the others.',
        labelNames: ['school', 'state'],
        registers: [metrics],
        collect: () => {
          for (const upstream of this.#upstreams.values()) {
            const now = upstream.circuit;
            for (const state of CIRCUIT_NAMES) gauge.set({ school: upstream.uai, state }, state === now ? 1 : 0);
          }
        },
      });
    }
    for (const upstream of this.#upstreams.values()) {
      for (const to of CIRCUIT_NAMES) transitions?.inc({ school: upstream.uai, to }, 0);
      upstream.onCircuitChange((to, cause) => {
        transitions?.inc({ school: upstream.uai, to });
        const fields = { school: upstream.uai, circuit: to, reason: cause?.reason };
        if (to === 'open')
          log?.warn(
            fields,
            `vie scolaire circuit opened for ${upstream.uai}: its system fails for several people; calls fail fast for ${options.breakerResetMs} ms`,
          );
        else
          log?.info(
            fields,
            to === 'closed'
              ? `vie scolaire circuit closed for ${upstream.uai}: its system answers again`
              : `vie scolaire circuit half-open for ${upstream.uai}: one trial call`,
          );
      });
    }
  }

  get(uai: string): Upstream {
    const upstream = this.#upstreams.get(uai);
    if (!upstream) throw new UpstreamError('unknown-school', uai, `no vie scolaire system is configured for school ${uai}`);
    return upstream;
  }

  has(uai: string): boolean {
    return this.#upstreams.has(uai);
  }

  get schools(): string[] {
    return [...this.#upstreams.keys()];
  }

  /** Upstream calls made so far, all schools (the efficiency tests count them). */
  get calls(): number {
    return [...this.#upstreams.values()].reduce((sum, u) => sum + u.calls, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#upstreams.values()].map((u) => u.close()));
  }
}
