import { createServer, type Server } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpStandin, type RunningSmtpStandin } from '../../standins/smtp/server.ts';
import { MailError, MailSender, type MailConfig } from './mail-sender.ts';

const PASSWORD = 'relay-secret-Zx81';

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the send should have failed'),
    (error: unknown) => error as MailError,
  );

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('MailSender against the SMTP stand-in', () => {
  let relay: RunningSmtpStandin;
  let senders: MailSender[] = [];
  const sender = (config: Partial<MailConfig> = {}) => {
    const s = new MailSender({ host: '127.0.0.1', port: relay.port, secure: false, from: 'ENT <ne-pas-repondre@ent.example>', timeoutMs: 2000, ...config });
    senders.push(s);
    return s;
  };

  beforeAll(async () => {
    relay = await startSmtpStandin({ port: 0 });
  });
  afterEach(() => {
    senders.forEach((s) => s.close());
    senders = [];
    relay.faults.down = false;
    relay.faults.rejectRecipients.clear();
  });
  afterAll(() => relay.close());

  it('delivers subject, text and HTML, with the Message-ID made from the reference', async () => {
    const mail = {
      to: 'parent@example.org',
      subject: 'Absence de Léa',
      text: 'Léa était absente ce matin.',
      html: '<p>Léa était <b>absente</b> ce matin.</p>',
      reference: 'notif-42:email',
    };
    const sent = await sender().send(mail);

    expect(sent.messageId).toBe('<notif-42%3Aemail@hub>');
    const received = relay.mails.at(-1)!;
    expect(received).toMatchObject({
      from: 'ne-pas-repondre@ent.example',
      to: ['parent@example.org'],
      subject: 'Absence de Léa',
      messageId: '<notif-42%3Aemail@hub>',
      html: '<p>Léa était <b>absente</b> ce matin.</p>',
    });
    expect(received.text.trim()).toBe('Léa était absente ce matin.');
    expect(received.raw).toMatch(/^From: ENT <ne-pas-repondre@ent\.example>$/m);
  });

  it('sends a retry with the same Message-ID, and reuses its pooled connection', async () => {
    const s = sender();
    const mail = { to: 'parent@example.org', subject: 'Note', text: 'Nouvelle note', reference: 'same-ref' };
    const before = relay.received;
    const connectionsBefore = relay.connections;
    const first = await s.send(mail);
    const second = await s.send(mail);
    expect(second.messageId).toBe(first.messageId);
    expect(relay.received - before).toBe(2);
    expect(relay.connections - connectionsBefore).toBe(1);
    expect(relay.mails.slice(-2).map((m) => m.messageId)).toEqual([first.messageId, first.messageId]);
  });

  it('says a relay outage (421) is to be retried, naming the relay, and sends again once it is back', async () => {
    const s = sender();
    relay.faults.down = true;
    const error = await failureOf(s.send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'down-1' }));
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'unavailable', responseCode: 421 });

    expect(error.message).toContain(`127.0.0.1:${relay.port}`);

    relay.faults.down = false;
    await expect(s.send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'down-1' })).resolves.toEqual({ messageId: '<down-1@hub>' });
  });

  it('says a relay that refuses connections is to be retried', async () => {
    const port = await closedPort();
    const error = await failureOf(sender({ port }).send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'refused' }));
    expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'unavailable' });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up on a relay that never answers within the timeout', async () => {
    // Accepts the connection and never sends its greeting.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await failureOf(sender({ port, timeoutMs: 300 }).send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'slow' }));
      expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close(); // its one socket ends when afterEach closes the sender's pool
    }
  });

  it('says a refused recipient (550) is not to be retried', async () => {
    relay.faults.rejectRecipients.add('Gone@Example.org');
    const before = relay.received;
    const error = await failureOf(sender().send({ to: 'gone@example.org', subject: 's', text: 't', reference: 'gone' }));
    expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'rejected', responseCode: 550 });
    expect(error.message).toContain('gone@example.org');
    expect(relay.received).toBe(before);
  });

  it('logs in with the configured credentials, and never shows the password when the relay refuses them', async () => {
    const guarded = await startSmtpStandin({ port: 0, credentials: { user: 'ent', password: PASSWORD } });
    try {
      await sender({ port: guarded.port, user: 'ent', password: PASSWORD }).send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'auth-ok' });
      expect(guarded.received).toBe(1);

      const wrong = `${PASSWORD}-old`;
      const error = await failureOf(
        sender({ port: guarded.port, user: 'ent', password: wrong }).send({ to: 'parent@example.org', subject: 's', text: 't', reference: 'auth-ko' }),
      );
      expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'unavailable' });
      expect(error.message).toContain('user and password');
      const everything = `${error.message} ${error.stack} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain(Buffer.from(`\0ent\0${wrong}`).toString('base64'));
      expect(guarded.received).toBe(1);
    } finally {
      senders.forEach((s) => s.close());
      senders = [];
      await guarded.close();
    }
  });

  it('says a recipient that is no address is not to be retried', async () => {
    const before = relay.received;
    const error = await failureOf(sender().send({ to: 'Léa Martin', subject: 's', text: 't', reference: 'no-address' }));
    expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'rejected' });
    expect(relay.received).toBe(before);
  });

  it('refuses an empty or oversized reference without sending', async () => {
    const before = relay.received;
    for (const reference of ['', 'x'.repeat(201)]) {
      const error = await failureOf(sender().send({ to: 'parent@example.org', subject: 's', text: 't', reference }));
      expect(error).toMatchObject({ code: 'ERR_MAIL', reason: 'rejected' });
    }
    expect(relay.received).toBe(before);
  });
});
