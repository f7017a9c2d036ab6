import { Agent, request, type Dispatcher } from 'undici';

export interface UpstreamOptions {
  connectTimeoutMs: number;
  /** For one attempt; retries come on top, within `deadlineMs`. */
  requestTimeoutMs: number;
  /** A read gives up after this, retries included: the caller always gets an answer in time. */
  deadlineMs: number;
  /** Retries of idempotent reads after a network error, a timeout or a 5xx. Writes are never retried here. */
  retries: number;
  retryBaseMs: number;
  /** Requests in flight to one upstream at most; the others wait their turn. */
  maxConcurrent: number;
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

export type UpstreamFailure = 'unknown-school' | 'unavailable' | 'timeout' | 'circuit-open' | 'overloaded' | 'refused' | 'bad-response';

/** A vie scolaire upstream call that failed, saying which school's system and how. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly reason: UpstreamFailure,
    readonly uai: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The deadline passed while the call waited here, before anything was sent: our queue, not the upstream's health. */
class QueuedTooLong extends Error {}

/** Lets at most `limit` tasks run at once; the others queue in order, and leave the queue at their deadline. */
class Semaphore {
  #active = 0;
  readonly #waiting = new Set<() => void>();
  constructor(private readonly limit: number) {}

  /** Tasks running or waiting. */
  get load(): number {
    return this.#active + this.#waiting.size;
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new QueuedTooLong();
    if (this.#active < this.limit) this.#active++;
    else {
      // A finishing task hands its slot over (#release counts it for us), so no newcomer slips in between.
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          this.#waiting.delete(wake);
          reject(new QueuedTooLong());
        };
        this.#waiting.add(wake);
        signal.addEventListener('abort', leave, { once: true });
      });
    }
    try {
      if (signal.aborted) throw new QueuedTooLong();
      return await task();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const next = this.#waiting.values().next();
    if (next.done) {
      this.#active--;
      return;
    }
    this.#waiting.delete(next.value);
    next.value();
  }
}

/**
 * One school's vie scolaire system (a Pronote instance, say): a keep-alive connection pool, timeouts,
 * retries with exponential backoff and jitter for reads, a concurrency limit with a lane per caller,
 * and a circuit breaker that fails fast while the system is down, then lets one request through to
 * see if it is back.
 *
 * The breaker must say "the school's system is unhealthy", never "one viewer asked too much": a call
 * counts once however many attempts it made, a call that waited in our own queue and was never sent
 * counts nothing, and the circuit opens only when consecutive failures come from several callers.
 */
export class Upstream {
  readonly #agent: Agent;
  readonly #semaphore: Semaphore;
  /** One lane per caller with calls pending (removed when idle, so it holds only active callers). */
  readonly #lanes = new Map<string, Semaphore>();
  #failures = 0;
  /** Distinct callers among the consecutive failures, up to `breakerMinCallers` (bounded). */
  readonly #failingCallers = new Set<string>();
  #openUntil = 0;
  #trialInFlight = false;
  calls = 0;

  constructor(
    readonly uai: string,
    readonly baseUrl: string,
    readonly options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS,
  ) {
    this.#agent = new Agent({ connect: { timeout: options.connectTimeoutMs }, keepAliveTimeout: 10_000, connections: options.maxConcurrent });
    this.#semaphore = new Semaphore(options.maxConcurrent);
  }

  get circuit(): 'closed' | 'open' | 'half-open' {
    if (this.#failures < this.options.breakerThreshold || this.#failingCallers.size < this.options.breakerMinCallers) return 'closed';
    return Date.now() < this.#openUntil ? 'open' : 'half-open';
  }

  /** Lets an attempt through, or fails fast while the circuit is open; true for the half-open trial. */
  #admit(): boolean {
    const state = this.circuit;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) {
      throw new UpstreamError('circuit-open', this.uai, `the vie scolaire system of ${this.uai} is unavailable (circuit open)`);
    }
    if (state === 'half-open') this.#trialInFlight = true;
    return state === 'half-open';
  }

  /** The system answered (even a refusal): it is alive. */
  #succeeded(): void {
    this.#failures = 0;
    this.#failingCallers.clear();
  }

  /** One failed call (all its attempts together). */
  #failed(caller: string): void {
    this.#failures++;
    if (this.#failingCallers.size < this.options.breakerMinCallers) this.#failingCallers.add(caller);
    if (this.circuit !== 'closed') this.#openUntil = Date.now() + this.options.breakerResetMs;
  }

  /** The caller's lane, or `overloaded` at once when the caller already has its fill running and waiting. */
  #laneOf(caller: string): Semaphore {
    let lane = this.#lanes.get(caller);
    if (!lane) this.#lanes.set(caller, (lane = new Semaphore(this.options.maxConcurrentPerCaller)));
    if (lane.load >= this.options.maxConcurrentPerCaller + this.options.maxQueuedPerCaller) {
      throw new UpstreamError('overloaded', this.uai, `too many requests at once to the vie scolaire system of ${this.uai}: this one was not sent`);
    }
    return lane;
  }

  async #once(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    this.calls++;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.baseUrl}${path}`, {
        method,
        dispatcher: this.#agent,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        signal,
      });
    } catch (error) {
      const name = (error as Error).name;
      const code = (error as { code?: string }).code ?? '';
      const timeout = name === 'AbortError' || name === 'TimeoutError' || /TIMEOUT/.test(code);
      throw new UpstreamError(timeout ? 'timeout' : 'unavailable', this.uai, `the vie scolaire system of ${this.uai} ${timeout ? 'did not answer in time' : 'is unreachable'}`, undefined, { cause: error });
    }
    const text = await response.body.text();
    if (response.statusCode >= 500) throw new UpstreamError('unavailable', this.uai, `the vie scolaire system of ${this.uai} failed (HTTP ${response.statusCode})`, response.statusCode);
    if (response.statusCode >= 400) throw new UpstreamError('refused', this.uai, `the vie scolaire system of ${this.uai} refused the request (HTTP ${response.statusCode}): ${text.slice(0, 200)}`, response.statusCode);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UpstreamError('bad-response', this.uai, `the vie scolaire system of ${this.uai} answered something that is not JSON`, response.statusCode, { cause: error });
    }
  }

  /** An idempotent read: retried with backoff on failures that may pass, within the deadline. */
  get(path: string, query: Record<string, string> = {}, options: CallOptions = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    return this.#call('GET', `${path}${search ? `?${search}` : ''}`, undefined, this.options.retries, options.caller ?? UNATTRIBUTED);
  }

  /** A write: never retried here (the caller's durable queue decides). */
  post(path: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.#call('POST', path, body, 0, options.caller ?? UNATTRIBUTED);
  }

  async #call(method: 'GET' | 'POST', path: string, body: unknown, retries: number, caller: string): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.options.deadlineMs);
    const lane = this.#laneOf(caller);
    try {
      return await lane.run(() => this.#attempts(method, path, body, retries, caller, deadline), deadline);
    } catch (error) {
      if (!(error instanceof QueuedTooLong)) throw error;
      throw new UpstreamError('overloaded', this.uai, `too many requests at once to the vie scolaire system of ${this.uai}: this one waited too long and was not sent`, undefined, { cause: error });
    } finally {
      if (lane.load === 0 && this.#lanes.get(caller) === lane) this.#lanes.delete(caller);
    }
  }

  async #attempts(method: 'GET' | 'POST', path: string, body: unknown, retries: number, caller: string, deadline: AbortSignal): Promise<unknown> {
    let sent = false;
    const late = (cause: unknown) => new UpstreamError('timeout', this.uai, `the vie scolaire system of ${this.uai} did not answer in time`, undefined, { cause });
    for (let attempt = 0; ; attempt++) {
      const trial = this.#admit();
      try {
        const result = await this.#semaphore.run(() => {
          sent = true;
          return this.#once(method, path, body, deadline);
        }, deadline);
        this.#succeeded();
        return result;
      } catch (error) {
        if (error instanceof QueuedTooLong) {
          // This attempt never left our queue; only an earlier attempt that did makes it the system's failure.
          if (!sent) throw error;
          this.#failed(caller);
          throw late(error);
        }
        const failure = error as UpstreamError;
        if (failure.reason !== 'unavailable' && failure.reason !== 'timeout') {
          this.#succeeded();
          throw error;
        }
        // One call is one failure for the breaker, whatever its number of attempts; a failed trial ends the call.
        if (trial || deadline.aborted || attempt >= retries) {
          this.#failed(caller);
          throw deadline.aborted ? late(error) : error;
        }
        const backoff = this.options.retryBaseMs * 2 ** attempt * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, backoff));
      } finally {
        if (trial) this.#trialInFlight = false;
      }
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** One upstream per school, as with Pronote: a UAI → base URL map from configuration. */
export class UpstreamPool {
  readonly #upstreams = new Map<string, Upstream>();

  constructor(urls: Record<string, string>, options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS) {
    for (const [uai, url] of Object.entries(urls)) this.#upstreams.set(uai, new Upstream(uai, url.replace(/\/$/, ''), options));
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
