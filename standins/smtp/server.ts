/**
 * The SMTP stand-in: a real SMTP server (smtp-server) standing for the académie's mail relay, for
 * `npm start` and the tests. It keeps what it receives (parsed with mailparser), and writes each
 * mail as an `.eml` file a person can open when given a folder. Fault knobs play a relay outage and a
 * refused recipient.
 */
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import type { Logger } from '../../lib/logger.ts';

export interface ReceivedMail {
  /** The envelope's sender and recipients (what the relay acts on), not the headers. */
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** The Message-ID header, angle brackets included (`<reference@hub>`). */
  messageId: string;
  /** The message as received (RFC 5322). */
  raw: string;
  receivedAt: Date;
  /** Where it was written, when the stand-in has a folder. */
  file?: string;
}

export interface SmtpStandinOptions {
  port: number;
  host?: string;
  /** Each mail is also written there as `<n>-<message-id>.eml` (created if missing). */
  folder?: string;
  /** When set, a client must log in with these (over plain SMTP: loopback only); otherwise AUTH is optional and any login passes. */
  credentials?: { user: string; password: string };
  /** Mails kept in `mails` (and files kept in `folder`), the oldest dropped first (default 1000). */
  maxMails?: number;
  log?: Logger;
}

export interface SmtpFaults {
  /** Answers 421 ("try later") at MAIL FROM and RCPT TO: a relay outage. */
  down: boolean;
  /** Recipients answered 550 at RCPT TO (compared case-insensitively). */
  rejectRecipients: Set<string>;
}

export interface RunningSmtpStandin {
  port: number;
  /** `smtp://host:port`, for a person reading the start-up log. */
  url: string;
  /** The last `maxMails` mails received, oldest first. */
  mails: ReceivedMail[];
  faults: SmtpFaults;
  /** Mails accepted since the start (the tests count deliveries with it: `mails` is bounded). */
  readonly received: number;
  /** SMTP sessions opened since the start (a pooled client opens few). */
  readonly connections: number;
  close(): Promise<void>;
}

/** A message larger than this is refused with 552 (the relay's limit, advertised with SIZE). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const smtpError = (responseCode: number, message: string): SMTPServerError => Object.assign(new Error(message), { responseCode });

/** A Message-ID as a file name: only characters every file system takes, bounded. */
const fileSafe = (messageId: string) =>
  messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100) || 'no-message-id';

export async function startSmtpStandin(options: SmtpStandinOptions): Promise<RunningSmtpStandin> {
  const host = options.host ?? '127.0.0.1';
  const maxMails = options.maxMails ?? 1000;
  const faults: SmtpFaults = { down: false, rejectRecipients: new Set() };
  const mails: ReceivedMail[] = [];
  const state = { received: 0, connections: 0 };
  if (options.folder) await mkdir(options.folder, { recursive: true });

  const keep = async (mail: ReceivedMail) => {
    state.received++;
    if (options.folder) {
      mail.file = join(options.folder, `${String(state.received).padStart(6, '0')}-${fileSafe(mail.messageId)}.eml`);
      await writeFile(mail.file, mail.raw);
    }
    mails.push(mail);
    const dropped = mails.splice(0, Math.max(0, mails.length - maxMails));
    await Promise.all(dropped.flatMap((old) => (old.file ? [unlink(old.file).catch(() => undefined)] : [])));
    options.log?.info({ messageId: mail.messageId, file: mail.file }, 'SMTP stand-in received a mail');
  };

  const server = new SMTPServer({
    name: 'smtp-standin.localhost',
    banner: 'ENT hub SMTP stand-in',
    // Loopback, for development and tests: no TLS, and a login (when required) over plain text.
    disabledCommands: ['STARTTLS'],
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    maxClients: 50,
    closeTimeout: 2000,
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = options.credentials;
      if (expected && (auth.username !== expected.user || auth.password !== expected.password)) {
        return callback(smtpError(535, 'Authentication credentials invalid'));
      }
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onMailFrom(_address, _session, callback) {
      callback(faults.down ? smtpError(421, 'Service not available, try again later') : null);
    },
    onRcptTo(address, _session, callback) {
      if (faults.down) return callback(smtpError(421, 'Service not available, try again later'));
      const refused = [...faults.rejectRecipients].some((r) => r.toLowerCase() === address.address.toLowerCase());
      callback(refused ? smtpError(550, `Mailbox unavailable: ${address.address}`) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // Past the limit smtp-server only counts (`sizeExceeded`): keep nothing more.
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) =>
            keep({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html === false ? undefined : parsed.html,
              messageId: parsed.messageId ?? '',
              raw: raw.toString('utf8'),
              receivedAt: new Date(),
            }),
          )
          .then(
            () => callback(null),
            (error: unknown) => {
              options.log?.warn({ err: error }, 'SMTP stand-in could not keep a mail');
              callback(smtpError(451, 'Local error in processing'));
            },
          );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client's protocol error is the client's problem; the stand-in keeps serving.
  server.on('error', (error) => options.log?.debug({ err: error.message }, 'SMTP stand-in connection error'));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    port,
    url: `smtp://${urlHost}:${port}`,
    mails,
    faults,
    get received() {
      return state.received;
    },
    get connections() {
      return state.connections;
    },
    close() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
