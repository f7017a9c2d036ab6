/**
 * Sends the hub's e-mails through a configured SMTP relay with nodemailer's pooled transport (a few
 * kept-alive connections, reused from one mail to the next). It knows nothing of notifications: it
 * sends one mail and says, when it could not, whether trying again later can help.
 */
import nodemailer, { type NodemailerError } from 'nodemailer';
import { HubErrorWithReason } from '../../lib/errors.ts';
import { inSpan } from '../../lib/tracing.ts';

export interface MailConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS is used when the relay offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** The From header and the envelope sender: `ENT <ne-pas-repondre@…>`. */
  from: string;
  /** The longest one send may take, waiting for a pooled connection included (default 10 s). */
  timeoutMs?: number;
  /** Connections kept to the relay (default 3). */
  maxConnections?: number;
  /** The right-hand side of the Message-IDs (`<reference@hub>` by default). */
  messageIdDomain?: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable id of this mail (becomes the Message-ID header `<reference@hub>`): a retry sends the same id. */
  reference: string;
}

/**
 * `unavailable`: the relay is down, slow, said "try later" (4xx), or refused our credentials: retry
 * later. `rejected`: it refused this mail for good (5xx for the recipient or the message): do not retry.
 */
export type MailFailure = 'unavailable' | 'rejected';

/** A mail that did not reach the relay; the message names the relay (host:port), never a credential. */
export class MailError extends HubErrorWithReason<MailFailure> {
  static override readonly code = 'ERR_MAIL';
  constructor(
    reason: MailFailure,
    message: string,
    /** The relay's SMTP reply code, when it answered one. */
    readonly responseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }
}

/** A reference this long is not a reference (and would make a header no relay wants). */
const MAX_REFERENCE_LENGTH = 200;

/**
 * The reference as the left-hand side of a Message-ID: RFC 5322 allows only `atext` there, so anything
 * else (`:`, `.`, spaces, non-ASCII) is percent-encoded, byte by byte: the same reference always
 * gives the same Message-ID, and two references never give the same one.
 */
const messageIdLocalPart = (reference: string) =>
  [...Buffer.from(reference, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /^[A-Za-z0-9!#$&'*+/=?^_`{|}~-]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

export class MailSender {
  readonly #transport;
  readonly #relay: string;
  readonly #timeoutMs: number;
  readonly #domain: string;

  constructor(readonly config: MailConfig) {
    this.#relay = `${config.host}:${config.port}`;
    this.#timeoutMs = config.timeoutMs ?? 10_000;
    this.#domain = config.messageIdDomain ?? 'hub';
    this.#transport = nodemailer.createTransport(
      {
        pool: true,
        host: config.host,
        port: config.port,
        secure: config.secure,
        auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
        maxConnections: config.maxConnections ?? 3,
        connectionTimeout: this.#timeoutMs,
        greetingTimeout: this.#timeoutMs,
        socketTimeout: this.#timeoutMs,
        // A failed send is the caller's to retry (its job queue has the backoff and the record);
        // the pool only re-queues a mail whose connection closed before a byte of it was sent.
        maxRequeues: 1,
        // nodemailer's own logger would print envelopes (addresses): the caller logs outcomes.
        logger: false,
        debug: false,
      },
      { from: config.from },
    );
  }

  /** Sends one mail; resolves with its Message-ID (`<reference@domain>`) once the relay accepted it. */
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (!mail.reference || mail.reference.length > MAX_REFERENCE_LENGTH) {
      throw new MailError('rejected', `a mail reference must be 1 to ${MAX_REFERENCE_LENGTH} characters`);
    }
    const messageId = `<${messageIdLocalPart(mail.reference)}@${this.#domain}>`;
    try {
      // A span of the send (HUB_TRACING): how long the relay took, never to whom or what.
      await inSpan('smtp send', { 'server.address': this.#relay }, () =>
        this.#transport.sendMail({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
          // Covers the whole send (queueing for a connection included): a relay that trickles its
          // replies never trips a socket timeout.
          signal: AbortSignal.timeout(this.#timeoutMs),
        }),
      );
    } catch (error) {
      throw this.#failure(error as NodemailerError);
    }
    return { messageId };
  }

  /** Closes the pooled connections; a mail being sent finishes first. */
  close(): void {
    this.#transport.close();
  }

  #failure(error: NodemailerError): MailError {
    const relay = `the mail relay ${this.#relay}`;
    // The relay's reply is quoted for the person reading the log: it names the recipient or the
    // policy, never our password (AUTH exchanges are not echoed in replies).
    const reply = error.response ? `: ${error.response.replace(/\s+/g, ' ').slice(0, 300)}` : error.responseCode ? ` (${error.responseCode})` : '';
    if (error.code === 'EAUTH' || error.code === 'ENOAUTH') {
      // Not this mail's fault: every mail fails until the configuration is fixed, and then each
      // should go out, so it is retried like an outage (and the message says what to fix).
      return new MailError('unavailable', `${relay} refused the configured user and password${reply}`, error.responseCode, { cause: error });
    }
    if (error.responseCode !== undefined) {
      // nodemailer reads the reply class (RFC 5321): 5xx is final, except 503 (bad sequence, a
      // session problem); 4xx asks to try again later.
      if (error.permanent) {
        return new MailError('rejected', `${relay} refused the mail${reply}`, error.responseCode, { cause: error });
      }
      return new MailError('unavailable', `${relay} asked to try later${reply}`, error.responseCode, { cause: error });
    }
    if (error.code === 'EENVELOPE') {
      // Refused before any exchange: an address nodemailer cannot send to. Trying again changes nothing.
      return new MailError('rejected', `${relay} was not tried: ${error.message}`, undefined, { cause: error });
    }
    if (error.code === 'EABORT' || error.code === 'ETIMEDOUT') {
      return new MailError('unavailable', `${relay} did not answer within ${this.#timeoutMs} ms`, undefined, { cause: error });
    }
    const why = error.originalCode ?? error.code ?? error.message;
    return new MailError('unavailable', `${relay} is unreachable (${why})`, undefined, { cause: error });
  }
}
