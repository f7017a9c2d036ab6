/**
 * The client of an HTTP SMS gateway (the wire API is in README.md, after the usual REST SMS
 * gateways): sends one SMS under the sender's idempotency key (`reference`: a retry never sends
 * twice) and reads its delivery receipt. It knows nothing of notifications; a failure says whether
 * trying again later can help. The API key never appears in an error or a log line.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { HubError, HubErrorWithReason } from '../../lib/errors.ts';

export interface SmsGatewayConfig {
  /** The gateway's API base, `https://sms.example/v1`; the key goes in `apiKey`, never in the URL. */
  endpoint: string;
  apiKey: string;
  /** The alphanumeric sender name shown on phones: 3 to 11 of `[A-Za-z0-9 ]`, at least one letter. */
  sender: string;
  /** The longest one call may take (default 10 s). */
  timeoutMs?: number;
}

/**
 * `unavailable`: network, timeout, 429 or 5xx: retry later (the reference makes it safe).
 * `rejected`: the gateway refused this SMS for good (too long, bad request): do not retry.
 * `invalid-number`: the recipient's number is not one an SMS can reach: do not retry, tell the school.
 * `misconfigured`: the gateway refused our key (401/403) or the endpoint is wrong: nothing goes out until the configuration is fixed.
 */
export type SmsFailure = 'unavailable' | 'rejected' | 'invalid-number' | 'misconfigured';

export class SmsError extends HubErrorWithReason<SmsFailure> {
  static override readonly code = 'ERR_SMS';
  constructor(
    reason: SmsFailure,
    message: string,
    readonly detail: {
      /** The gateway's HTTP status, when it answered. */
      status?: number;
      /** The gateway's `Retry-After` on a 429 or 503, in milliseconds. */
      retryAfterMs?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }
}

/** The gateway's configuration cannot work (a bad sender name, endpoint or key): the process should not start. */
export class SmsConfigError extends HubError {
  static override readonly code = 'ERR_SMS_CONFIG';
  constructor(
    readonly field: keyof SmsGatewayConfig,
    message: string,
  ) {
    super(message);
  }
}

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed';
const STATUSES: readonly string[] = ['queued', 'sent', 'delivered', 'failed'] satisfies SmsStatus[];

/** What operators accept as an alphanumeric sender: letters, digits and spaces, 3 to 11, not only digits (that would read as a number). */
export const SMS_SENDER_PATTERN = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9 ]{1,9})[A-Za-z0-9]$/;
/** Four concatenated SMS of 153 GSM characters: past this the text is refused rather than sent as a flood of parts. */
export const SMS_MAX_TEXT_LENGTH = 612;
/** E.164: `+`, a country code, at most 15 digits in all. `mobileNumberE164` (phone-number.ts) makes them. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
/** The longest idempotency key (and message id) the API carries. */
export const SMS_MAX_REFERENCE_LENGTH = 200;
/** The gateway's answers are a few hundred bytes; more is not an answer we will read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

type Json = Record<string, unknown>;

/** A gateway answer: its status, and its JSON body when there was one that parsed. */
interface Answer {
  status: number;
  body: Json | undefined;
  retryAfterMs?: number;
}

export class SmsGatewayClient {
  readonly #agent: Agent;
  readonly #endpoint: string;
  /** The endpoint without credentials or query: what errors name. */
  readonly #where: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #sender: string;

  constructor(config: SmsGatewayConfig) {
    let url: URL;
    try {
      url = new URL(config.endpoint);
    } catch {
      throw new SmsConfigError('endpoint', 'the SMS gateway endpoint is not a URL');
    }
    if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
      throw new SmsConfigError(
        'endpoint',
        'the SMS gateway endpoint must be an http(s) URL without credentials, query or fragment (the key goes in the API key setting)',
      );
    }
    if (!config.apiKey || /\s/.test(config.apiKey)) throw new SmsConfigError('apiKey', 'the SMS gateway API key is missing or contains spaces');
    if (!SMS_SENDER_PATTERN.test(config.sender)) {
      throw new SmsConfigError(
        'sender',
        `the SMS sender name must be 3 to 11 letters, digits or inner spaces, with at least one letter; got "${config.sender.slice(0, 20)}"`,
      );
    }
    const timeoutMs = config.timeoutMs ?? 10_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new SmsConfigError('timeoutMs', 'the SMS gateway timeout must be a positive number of milliseconds');

    this.#endpoint = url.href.replace(/\/+$/, '');
    this.#where = `the SMS gateway ${url.origin}`;
    this.#authorization = `Bearer ${config.apiKey}`;
    this.#timeoutMs = timeoutMs;
    this.#sender = config.sender;
    this.#agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 10_000, connections: 8 });
  }

  /**
   * Sends one SMS. `to` in E.164 (see `mobileNumberE164`); `reference` is the idempotency key: the
   * same reference sent again gets the first answer back, never a second SMS.
   */
  async send(sms: { to: string; text: string; reference: string }): Promise<{ id: string; status: SmsStatus }> {
    if (!E164_PATTERN.test(sms.to)) throw new SmsError('invalid-number', 'the recipient is not an E.164 number (normalize it with mobileNumberE164)');
    const length = [...sms.text].length;
    if (length === 0 || length > SMS_MAX_TEXT_LENGTH) {
      throw new SmsError('rejected', `an SMS text must be 1 to ${SMS_MAX_TEXT_LENGTH} characters (4 SMS); this one has ${length}`);
    }
    if (!sms.reference || sms.reference.length > SMS_MAX_REFERENCE_LENGTH) {
      throw new SmsError('rejected', `an SMS reference must be 1 to ${SMS_MAX_REFERENCE_LENGTH} characters`);
    }
    const answer = await this.#call('POST', '/messages', { from: this.#sender, to: sms.to, text: sms.text, reference: sms.reference });
    if (answer.status !== 200 && answer.status !== 201) throw this.#refusal(answer, '/messages');
    const status = this.#statusOf(answer);
    const id = answer.body?.id;
    if (typeof id !== 'string' || !id || id.length > SMS_MAX_REFERENCE_LENGTH) {
      throw new SmsError('unavailable', `${this.#where} accepted the SMS without a valid id`, { status: answer.status });
    }
    return { id, status };
  }

  /** The delivery receipt of an SMS the gateway accepted (`id` from `send`). */
  async status(id: string): Promise<{ status: SmsStatus; error?: string }> {
    if (!id || id.length > SMS_MAX_REFERENCE_LENGTH) throw new SmsError('rejected', 'not an SMS id the gateway gave');
    const answer = await this.#call('GET', `/messages/${encodeURIComponent(id)}`);
    if (answer.status !== 200) throw this.#refusal(answer, 'a message');
    const status = this.#statusOf(answer);
    const error = typeof answer.body?.error === 'string' ? answer.body.error.slice(0, 200) : undefined;
    return error === undefined ? { status } : { status, error };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #call(method: Dispatcher.HttpMethod, path: string, json?: Json): Promise<Answer> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.#endpoint}${path}`, {
        method,
        dispatcher: this.#agent,
        headers: {
          authorization: this.#authorization,
          accept: 'application/json',
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        body: json ? JSON.stringify(json) : undefined,
        // The whole call, body included: a gateway that trickles its answer is cut too.
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw this.#transportFailure(error);
    }
    const retryAfterMs = retryAfter(response.headers['retry-after']);
    let text = '';
    try {
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          throw new SmsError('unavailable', `${this.#where} answered ${response.statusCode} with more than ${MAX_RESPONSE_BYTES} bytes`, {
            status: response.statusCode,
          });
        }
        text += chunk.toString('utf8');
      }
    } catch (error) {
      if (error instanceof SmsError) throw error;
      throw this.#transportFailure(error);
    }
    let body: Json | undefined;
    try {
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }

  #transportFailure(error: unknown): SmsError {
    const err = error as Error & { code?: string; cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || /Timeout/.test(err.code ?? '')) {
      return new SmsError('unavailable', `${this.#where} did not answer within ${this.#timeoutMs} ms`, {}, { cause: error });
    }
    return new SmsError('unavailable', `${this.#where} is unreachable (${err.code ?? err.cause?.code ?? err.message})`, {}, { cause: error });
  }

  /** The `status` of a 200/201 answer; an answer without a known one is from a gateway we cannot trust, retried (the reference makes that safe). */
  #statusOf(answer: Answer): SmsStatus {
    const status = answer.body?.status;
    if (typeof status === 'string' && STATUSES.includes(status)) return status as SmsStatus;
    throw new SmsError('unavailable', `${this.#where} answered ${answer.status} without a known status`, { status: answer.status });
  }

  /** Why the gateway did not take the call; `what` names what was asked for, for a 404. */
  #refusal(answer: Answer, what: '/messages' | 'a message'): SmsError {
    const { status } = answer;
    const said = typeof answer.body?.message === 'string' ? `: ${answer.body.message.replace(/\s+/g, ' ').slice(0, 200)}` : '';
    const detail = { status, ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }) };
    if (status === 401 || status === 403) {
      return new SmsError('misconfigured', `${this.#where} refused the configured API key (${status}): check the SMS gateway key setting`, detail);
    }
    if (status === 429 || status >= 500) return new SmsError('unavailable', `${this.#where} answered ${status}, try later${said}`, detail);
    if (status === 400 || status === 422) {
      const reason = answer.body?.error === 'invalid_number' ? 'invalid-number' : 'rejected';
      return new SmsError(
        reason,
        `${this.#where} refused the SMS (${status}${typeof answer.body?.error === 'string' ? ` ${answer.body.error.slice(0, 40)}` : ''})${said}`,
        detail,
      );
    }
    if (status === 404 && what === '/messages') {
      // The sending resource itself is missing: the endpoint points at something else.
      return new SmsError(
        'misconfigured',
        `${this.#where} has no /messages under the configured endpoint (404): check the SMS gateway endpoint setting`,
        detail,
      );
    }
    if (status === 404) return new SmsError('rejected', `${this.#where} does not know this message (404)`, detail);
    return new SmsError('rejected', `${this.#where} answered ${status}${said}`, detail);
  }
}

/** `Retry-After` in seconds (the HTTP-date form is rare from APIs, and then ignored). */
function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const seconds = value !== undefined && /^\d{1,6}$/.test(value.trim()) ? Number(value) : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}
