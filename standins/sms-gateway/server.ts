/**
 * The SMS gateway stand-in: our own HTTP server speaking the gateway API of
 * connectors/sms/README.md, for `npm start` and the tests. It keeps what it receives (no SMS leaves
 * the machine), dedupes by the sender's reference, plays the delivery receipt, and shows the messages
 * on a small page (`GET /`) for a person. Fault knobs play an outage, a slow gateway, and
 * numbers that never receive.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { E164_PATTERN, SMS_MAX_REFERENCE_LENGTH, SMS_MAX_TEXT_LENGTH, SMS_SENDER_PATTERN } from '../../connectors/sms/sms-gateway.ts';
import { listen } from '../../lib/http-server.ts';
import { escapeMarkup } from '../../lib/markup.ts';
import { readBody } from '../../lib/read-body.ts';

export type StandinSmsStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface StandinSms {
  id: string;
  from: string;
  to: string;
  text: string;
  status: StandinSmsStatus;
  /** Set when `status` is `failed`: the operator's reason, as a delivery receipt gives it. */
  error?: string;
  receivedAt: Date;
  /** Times this reference was posted (1, plus one per replay): the exactly-once tests read it. */
  deliveries: number;
}

export interface SmsGatewayFaults {
  /** Every call answered 503: a gateway outage. */
  down: boolean;
  /** Added before each answer. */
  latencyMs: number;
  /** Numbers (E.164) whose SMS are accepted, then fail at delivery (`absent_subscriber`). */
  failNumbers: Set<string>;
}

export interface SmsGatewayStandinOptions {
  port: number;
  host?: string;
  apiKey: string;
  /** Messages kept, the oldest dropped first (default 10,000). */
  maxMessages?: number;
}

export interface RunningSmsGatewayStandin {
  /** The endpoint base the client is configured with. */
  url: string;
  port: number;
  /** By the sender's reference, oldest first. */
  messages: Map<string, StandinSms>;
  faults: SmsGatewayFaults;
  /** Calls answered since the start, by `METHOD path-pattern` (`POST /messages`, `GET /messages/:id`, `GET /`). */
  requests: Map<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;
/** Lines shown on the page: the newest ones. */
const PAGE_ROWS = 200;

const digest = (value: string) => createHash('sha256').update(value).digest();

export async function startSmsGatewayStandin(options: SmsGatewayStandinOptions): Promise<RunningSmsGatewayStandin> {
  const maxMessages = options.maxMessages ?? 10_000;
  const faults: SmsGatewayFaults = { down: false, latencyMs: 0, failNumbers: new Set() };
  const messages = new Map<string, StandinSms>();
  /** id → reference, for the receipts. */
  const references = new Map<string, string>();
  const requests = new Map<string, number>();
  const expectedKey = digest(`Bearer ${options.apiKey}`);

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, message: string) => send(res, 400, { error: 'invalid_request', message });
  // Compared as digests, in constant time: the stand-in is not where a key should leak by timing either.
  const authorized = (req: IncomingMessage) => timingSafeEqual(digest(req.headers.authorization ?? ''), expectedKey);

  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readBody(req, MAX_BODY_BYTES));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return invalid(res, 'the body must be a JSON object');
      body = parsed as Record<string, unknown>;
    } catch {
      return invalid(res, `the body must be JSON of at most ${MAX_BODY_BYTES} bytes`);
    }
    const { from, to, text, reference } = body;
    if (typeof reference !== 'string' || !reference || reference.length > SMS_MAX_REFERENCE_LENGTH) {
      return invalid(res, `reference must be a string of 1 to ${SMS_MAX_REFERENCE_LENGTH} characters`);
    }
    // A reference seen before gets its first answer back, whatever the body: a retry never sends twice.
    const known = messages.get(reference);
    if (known) {
      known.deliveries++;
      return send(res, 200, { id: known.id, status: known.status });
    }
    if (typeof from !== 'string' || !SMS_SENDER_PATTERN.test(from)) return invalid(res, 'from must be an alphanumeric sender name of 3 to 11 characters');
    // Like an operator's gateway, it knows which numbers exist, not only their shape.
    if (typeof to !== 'string' || !E164_PATTERN.test(to) || !isValidPhoneNumber(to)) {
      return send(res, 422, { error: 'invalid_number', message: 'to must be an E.164 number that exists' });
    }
    if (typeof text !== 'string' || !text || [...text].length > SMS_MAX_TEXT_LENGTH) {
      return invalid(res, `text must be a string of 1 to ${SMS_MAX_TEXT_LENGTH} characters`);
    }
    const sms: StandinSms = { id: `SM${randomUUID().replaceAll('-', '')}`, from, to, text, status: 'queued', receivedAt: new Date(), deliveries: 1 };
    messages.set(reference, sms);
    references.set(sms.id, reference);
    for (const [oldest, old] of messages) {
      if (messages.size <= maxMessages) break;
      messages.delete(oldest);
      references.delete(old.id);
    }
    return send(res, 201, { id: sms.id, status: sms.status });
  };

  /** The delivery receipt: a queued SMS is delivered (or failed) by the time anyone asks. */
  const receipt = (res: ServerResponse, encodedId: string) => {
    // Ids are plain ASCII: one that needs decoding (or cannot be decoded) is no id given out here.
    const reference = references.get(encodedId);
    const sms = reference === undefined ? undefined : messages.get(reference);
    if (!sms) return send(res, 404, { error: 'not_found', message: 'no such message' });
    if (sms.status === 'queued' || sms.status === 'sent') {
      if (faults.failNumbers.has(sms.to)) Object.assign(sms, { status: 'failed', error: 'absent_subscriber' });
      else sms.status = 'delivered';
    }
    return send(res, 200, { id: sms.id, status: sms.status, ...(sms.error ? { error: sms.error } : {}) });
  };

  const page = (res: ServerResponse) => {
    const rows = [...messages.values()]
      .slice(-PAGE_ROWS)
      .reverse()
      .map(
        (sms) =>
          `<tr><td>${escapeMarkup(sms.receivedAt.toISOString())}</td><td>${escapeMarkup(sms.from)}</td><td>${escapeMarkup(sms.to)}</td><td>${escapeMarkup(sms.status)}</td><td>${sms.deliveries}</td><td>${escapeMarkup(sms.text)}</td></tr>`,
      )
      .join('');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>SMS reçus (stand-in)</title>` +
        `<style>body{font-family:sans-serif}td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left;vertical-align:top}</style></head>` +
        `<body><h1>SMS reçus par la passerelle de démonstration</h1><p>${messages.size} message(s) ; aucun ne quitte cette machine.</p>` +
        `<table><thead><tr><th>Reçu</th><th>De</th><th>À</th><th>État</th><th>Envois</th><th>Texte</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
    );
  };

  const server = await listen(
    (req, res) => {
      const path = new URL(req.url ?? '/', 'http://gateway').pathname;
      const receiptOf = /^\/messages\/([^/]+)$/.exec(path);
      const route = `${req.method} ${receiptOf ? '/messages/:id' : path}`;
      requests.set(route, (requests.get(route) ?? 0) + 1);
      const answer = () => {
        if (faults.down) return send(res, 503, { error: 'unavailable', message: 'service temporarily unavailable' });
        if (route === 'GET /') return page(res);
        if (!authorized(req)) return send(res, 401, { error: 'unauthorized', message: 'missing or invalid API key' });
        if (route === 'POST /messages') {
          receive(req, res).catch(() => invalid(res, 'unreadable request'));
          return;
        }
        if (route === 'GET /messages/:id') return receipt(res, receiptOf![1]!);
        return send(res, 404, { error: 'not_found', message: 'no such resource' });
      };
      if (faults.latencyMs) setTimeout(answer, faults.latencyMs);
      else answer();
    },
    { port: options.port, host: options.host },
  );
  return { url: server.url, port: server.port, messages, faults, requests, close: () => server.close(1000) };
}
