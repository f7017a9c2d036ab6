import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MailSender } from '../../connectors/mail/mail-sender.ts';
import { startSmtpStandin, type RunningSmtpStandin } from './server.ts';

describe('SMTP stand-in', () => {
  let relay: RunningSmtpStandin | undefined;
  let sender: MailSender | undefined;
  afterEach(async () => {
    sender?.close();
    await relay?.close();
  });
  const connect = (port: number) =>
    (sender = new MailSender({ host: '127.0.0.1', port, secure: false, from: 'ENT <ne-pas-repondre@ent.example>', timeoutMs: 2000 }));

  it('writes each mail to its folder as an .eml a person can open', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'hub-smtp-')), 'mail');
    relay = await startSmtpStandin({ port: 0, folder });
    await connect(relay.port).send({ to: 'parent@example.org', subject: 'Réunion parents-professeurs', text: 'Jeudi à 18 h.', reference: 'agenda/7' });

    const files = readdirSync(folder);
    expect(files).toEqual(['000001-agenda_7_hub.eml']);
    expect(relay.mails[0]!.file).toBe(join(folder, files[0]!));
    const eml = readFileSync(join(folder, files[0]!), 'utf8');
    expect(eml).toBe(relay.mails[0]!.raw);
    expect(eml).toMatch(/^Message-ID: <agenda\/7@hub>$/m);
    expect(eml).toMatch(/^To: parent@example\.org$/m);
  });

  it('keeps only the last mails, in memory and in its folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hub-smtp-'));
    relay = await startSmtpStandin({ port: 0, folder, maxMails: 2 });
    const s = connect(relay.port);
    for (const n of [1, 2, 3]) await s.send({ to: 'parent@example.org', subject: `Mail ${n}`, text: 'x', reference: `m${n}` });

    expect(relay.received).toBe(3);
    expect(relay.mails.map((m) => m.subject)).toEqual(['Mail 2', 'Mail 3']);
    expect(readdirSync(folder).sort()).toEqual(['000002-m2_hub.eml', '000003-m3_hub.eml']);
  });
});
