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
  /** Consecutive failures that open the circuit, and how long it stays open before one trial request. */
  breakerThreshold: number;
  breakerResetMs: number;
}

export const DEFAULT_UPSTREAM_OPTIONS: UpstreamOptions = {
  connectTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  deadlineMs: 3000,
  retries: 2,
  retryBaseMs: 50,
  maxConcurrent: 16,
  breakerThreshold: 5,
  breakerResetMs: 10_000,
};

export type UpstreamFailure = 'unknown-school' | 'unavailable' | 'timeout' | 'circuit-open' | 'refused' | 'bad-response';

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

/** Lets at most `limit` tasks run at once; the others queue in order. */
class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await task();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

/**
 * One school's vie scolaire system (a Pronote instance, say): a keep-alive connection pool, timeouts,
 * retries with exponential backoff and jitter for reads, a concurrency limit, and a circuit breaker
 * that fails fast while the system is down, then lets one request through to see if it is back.
 */
export class Upstream {
  readonly #agent: Agent;
  readonly #semaphore: Semaphore;
  #failures = 0;
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
    if (this.#failures < this.options.breakerThreshold) return 'closed';
    return Date.now() < this.#openUntil ? 'open' : 'half-open';
  }

  #admit(): void {
    const state = this.circuit;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) {
      throw new UpstreamError('circuit-open', this.uai, `the vie scolaire system of ${this.uai} is unavailable (circuit open)`);
    }
    if (state === 'half-open') this.#trialInFlight = true;
  }

  #record(ok: boolean): void {
    this.#trialInFlight = false;
    if (ok) {
      this.#failures = 0;
      return;
    }
    this.#failures++;
    if (this.#failures >= this.options.breakerThreshold) this.#openUntil = Date.now() + this.options.breakerResetMs;
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
  get(path: string, query: Record<string, string> = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    return this.#call('GET', `${path}${search ? `?${search}` : ''}`, undefined, this.options.retries);
  }

  /** A write: never retried here (the caller's durable queue decides). */
  post(path: string, body: unknown): Promise<unknown> {
    return this.#call('POST', path, body, 0);
  }

  async #call(method: 'GET' | 'POST', path: string, body: unknown, retries: number): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.options.deadlineMs);
    for (let attempt = 0; ; attempt++) {
      this.#admit();
      try {
        const result = await this.#semaphore.run(() => this.#once(method, path, body, deadline));
        this.#record(true);
        return result;
      } catch (error) {
        const failure = error as UpstreamError;
        const transient = failure.reason === 'unavailable' || failure.reason === 'timeout';
        this.#record(!transient);
        if (deadline.aborted) throw new UpstreamError('timeout', this.uai, `the vie scolaire system of ${this.uai} did not answer in time`, undefined, { cause: error });
        if (!transient || attempt >= retries) throw error;
        const backoff = this.options.retryBaseMs * 2 ** attempt * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, backoff));
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
