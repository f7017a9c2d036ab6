import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Student } from '../connectors/directory/model.ts';
import { aafDocument, modifyRequestXml } from '../connectors/directory/aaf/write.ts';
import { importAafIntoDatabase } from '../store/directory/aaf-writer.ts';
import { directoryChange } from '../test/helpers/directory-change.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { until } from '../test/helpers/until.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/** The messaging (issue 15) through the router, over the embedded académie's people. */
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id subject to { id displayName } lists { id name } } }`;
const OPEN = `query Open($id: ID!) { message(id: $id) { id subject bodyHtml sender { id displayName } to { id displayName } lists { name } readAt
  receipts { total read readBy { person { id } readAt } notYetRead { id } }
  liaison { asked signed children { child { id displayName } signatures { guardian { id displayName } signedAt } } } } }`;
const INBOX = `{ mailbox { unreadCount folder(name: INBOX, first: 50) { items { id subject sender { displayName } readAt requiresSignature } } } }`;
const RECIPIENTS = `query Recipients($search: String!) { recipients(search: $search, first: 50) { id name kind profile } }`;

describe('messaging through the hub', { timeout: 60_000 }, () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  let collegeId: string;
  const loginOf = (personId: string) => hub.logins.find((l) => l.personId === personId)!.login;
  const demo = (description: RegExp) => hub.academie.demo.find((d) => description.test(d.description))!;
  const pupilsOf = (code: string): Promise<Student[]> => hub.academie.directory.studentsOfClass({ structureId: collegeId, code });
  const inbox = async (login: string) => (await ask(login, INBOX)).data.mailbox;
  const legalGuardians = (pupils: Student[]) => [...new Set(pupils.flatMap((p) => p.guardians.filter((l) => l.legal === 1).map((l) => l.adultId)))];

  beforeAll(async () => {
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-messaging-')), ...(await testHubOptions()) });
    ({ ask } = hubSession(hub));
    const lea = (await hub.academie.directory.people([hub.logins.find((l) => l.login === 'lea.martin')!.personId]))[0] as Student;
    collegeId = lea.classes[0]!.structureId;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('the demo accounts find messages already in their inboxes: a class trip, a mot to sign, a parent’s question', async () => {
    const subjects = async (login: string) => (await inbox(login)).folder.items.map((m: any) => [m.subject, m.requiresSignature]);
    expect(await subjects('sophie.martin')).toContainEqual(['Sortie au Louvre le jeudi 4 décembre', false]);
    expect(await subjects(demo(/separated mother/).login)).toContainEqual(['Réunion parents-professeurs du 9 décembre', true]);
    expect(await subjects(demo(/teacher of .*5EA/).login)).toContainEqual(['Absence de Léa jeudi matin', false]);
    expect(await subjects(demo(/separated father/).login)).toEqual([]);
  });

  it('a guardian writes to her child’s teacher, who reads it; the sender sees the read receipt', async () => {
    const { data } = await ask('lea.martin', '{ me { ... on Student { classes { teachers { id displayName } } } } }');
    const teacher = data.me.classes[0].teachers[0];
    const sent = await ask('sophie.martin', SEND, {
      input: { to: [teacher.id], subject: 'Rendez-vous', body: '<p>Bonjour, pourrions-nous nous voir <b>jeudi</b> ?</p>' },
    });
    expect(sent.errors).toBeUndefined();
    const id = sent.data.sendMessage.id;
    const before = await ask('sophie.martin', OPEN, { id });
    expect(before.data.message.receipts).toMatchObject({ total: 1, read: 0, notYetRead: [{ id: teacher.id }] });

    const teacherLogin = loginOf(teacher.id);
    const box = await inbox(teacherLogin);
    expect(box.unreadCount).toBeGreaterThanOrEqual(1);
    expect(box.folder.items.find((m: any) => m.id === id)).toMatchObject({ subject: 'Rendez-vous', readAt: null, sender: { displayName: 'Sophie MARTIN' } });
    const opened = await ask(teacherLogin, OPEN, { id });
    expect(opened.data.message).toMatchObject({ bodyHtml: '<p>Bonjour, pourrions-nous nous voir <b>jeudi</b> ?</p>', receipts: null });
    expect((await inbox(teacherLogin)).unreadCount).toBe(box.unreadCount - 1);

    const after = await ask('sophie.martin', OPEN, { id });
    expect(after.data.message.receipts).toMatchObject({ total: 1, read: 1, readBy: [{ person: { id: teacher.id } }], notYetRead: [] });
    // Nobody else opens it: not another teacher, not the other parent.
    expect((await ask('thomas.martin', OPEN, { id })).data.message).toBeNull();
    expect((await ask(demo(/teacher of 4E/).login, OPEN, { id })).data.message).toBeNull();
  });

  it('a teacher writes to the guardians of a class: each family receives it, none sees another’s name; the father without authority is not on the list', async () => {
    const teacher = demo(/teacher of .*4EA/);
    const lists = (await ask(teacher.login, RECIPIENTS, { search: 'Parents de 4EA' })).data.recipients;
    expect(lists).toEqual([expect.objectContaining({ kind: 'LIST', name: expect.stringMatching(/^Parents de 4EA — /) })]);
    const sent = await ask(teacher.login, SEND, { input: { to: [lists[0].id], subject: 'Sortie au musée', body: 'Départ à 8 h.' } });
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage.lists).toEqual([{ id: lists[0].id, name: lists[0].name }]);
    const id = sent.data.sendMessage.id;

    const guardians = legalGuardians(await pupilsOf('4EA'));
    const claire = demo(/separated mother/);
    const marc = demo(/separated father/);
    expect(guardians).toContain(claire.id);
    expect(guardians).not.toContain(marc.id);
    const own = await ask(teacher.login, OPEN, { id });
    expect(own.data.message.to.map((p: any) => p.id).sort()).toEqual([...guardians].sort());

    const seen = await ask(claire.login, OPEN, { id });
    expect(seen.data.message).toMatchObject({ subject: 'Sortie au musée', to: [], lists: [{ name: lists[0].name }] });
    expect((await ask(marc.login, OPEN, { id })).data.message).toBeNull();
    expect((await inbox(marc.login)).folder.items.some((m: any) => m.id === id)).toBe(false);
    const other = guardians.find((g) => g !== claire.id)!;
    expect((await ask(loginOf(other), OPEN, { id })).data.message.to).toEqual([]);
  });

  it('a pupil cannot write to a pupil (of another class, or of their own by default), nor a parent to another family; a forged id is refused; nothing is sent', async () => {
    const hugo = hub.logins.find((l) => l.login === 'hugo.martin')!.personId;
    const lea = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    const classmate = (await pupilsOf('5EA')).find((p) => p.id !== lea)!;
    for (const target of [hugo, classmate.id]) {
      const refused = await ask('lea.martin', SEND, { input: { to: [target], subject: 'Salut', body: 'coucou' } });
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', recipients: [target] } });
      expect(refused.errors?.[0]?.message).toContain(target);
    }
    const claire = demo(/separated mother/);
    const forged = 'class-guardians:' + collegeId + '$4EA';
    const before = (await ask(claire.login, `{ mailbox { folder(name: SENT) { items { id } } } }`)).data.mailbox.folder.items.length;
    for (const to of [[lea], ['not-a-person-id'], [forged], [demo(/teacher of .*4EA/).id, 'school-staff:' + collegeId]]) {
      const refused = await ask(claire.login, SEND, { input: { to, subject: 'Test', body: 'x' } });
      expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(to)).toBe('FORBIDDEN');
    }
    expect((await ask(claire.login, `{ mailbox { folder(name: SENT) { items { id } } } }`)).data.mailbox.folder.items).toHaveLength(before);
    // Offered recipients are only those allowed: a parent finds no other family, and no pupil.
    const offered = (await ask(claire.login, RECIPIENTS, { search: 'mar' })).data.recipients;
    expect(offered.every((r: any) => r.kind === 'PERSON' && ['TEACHER', 'STAFF'].includes(r.profile))).toBe(true);
  });

  it('a recall removes the copies not yet read, and keeps the read ones', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const list = (await ask(teacher.login, RECIPIENTS, { search: 'Parents de 5EA' })).data.recipients[0];
    const { data } = await ask(teacher.login, SEND, { input: { to: [list.id], subject: 'Erreur de date', body: 'Contrôle lundi.' } });
    const id = data.sendMessage.id;
    await ask('sophie.martin', OPEN, { id });
    const guardians = legalGuardians(await pupilsOf('5EA'));
    const unread = guardians.filter((g) => g !== hub.logins.find((l) => l.login === 'sophie.martin')!.personId);
    expect((await inbox(loginOf(unread[0]!))).folder.items.some((m: any) => m.id === id)).toBe(true);

    const recalled = await ask(teacher.login, `mutation($id: ID!) { recallMessage(id: $id) }`, { id });
    expect(recalled).toEqual({ data: { recallMessage: unread.length } });
    expect((await inbox(loginOf(unread[0]!))).folder.items.some((m: any) => m.id === id)).toBe(false);
    expect((await ask(loginOf(unread[0]!), OPEN, { id })).data.message).toBeNull();
    expect((await ask('sophie.martin', OPEN, { id })).data.message.subject).toBe('Erreur de date');
    // Only its sender recalls it, once.
    expect((await ask('sophie.martin', `mutation($id: ID!) { recallMessage(id: $id) }`, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await ask(teacher.login, `mutation($id: ID!) { recallMessage(id: $id) }`, { id })).errors?.[0]?.extensions?.code).toBe('ALREADY_RECALLED');
  });

  it('the cahier de liaison: one copy for a guardian of two children, a signature per child and per legal guardian', async () => {
    const principal = demo(/^principal, /);
    const lists = (await ask(principal.login, RECIPIENTS, { search: 'Parents de' })).data.recipients.filter((r: any) => /^Parents de (5EA|3EB) /.test(r.name));
    expect(lists).toHaveLength(2);
    const sent = await ask(principal.login, SEND, {
      input: { to: lists.map((l: any) => l.id), subject: 'Réunion parents-professeurs', body: 'Merci de signer.', requiresSignature: true },
    });
    expect(sent.errors).toBeUndefined();
    const id = sent.data.sendMessage.id;
    const asked = (await pupilsOf('5EA')).concat(await pupilsOf('3EB')).reduce((n, p) => n + p.guardians.filter((l) => l.legal === 1).length, 0);

    const sophie = await inbox('sophie.martin');
    expect(sophie.folder.items.filter((m: any) => m.id === id)).toEqual([expect.objectContaining({ requiresSignature: true })]);
    const mine = (await ask('sophie.martin', OPEN, { id })).data.message.liaison;
    expect(mine.children.map((c: any) => c.child.displayName).sort()).toEqual(['Hugo MARTIN', 'Léa MARTIN']);
    for (const child of mine.children) {
      const signed = await ask('sophie.martin', `mutation($m: ID!, $c: ID!) { signLiaison(messageId: $m, childId: $c) }`, { m: id, c: child.child.id });
      expect(signed).toEqual({ data: { signLiaison: true } });
    }
    // Thomas signs for Léa only; a parent cannot sign for a child who is not theirs.
    const lea = mine.children.find((c: any) => c.child.displayName === 'Léa MARTIN').child.id;
    expect((await ask('thomas.martin', `mutation($m: ID!, $c: ID!) { signLiaison(messageId: $m, childId: $c) }`, { m: id, c: lea })).data.signLiaison).toBe(
      true,
    );
    const stranger = (await pupilsOf('5EA')).find(
      (p) => !p.guardians.some((l) => l.adultId === hub.logins.find((x) => x.login === 'sophie.martin')!.personId),
    )!;
    expect(
      (await ask('sophie.martin', `mutation($m: ID!, $c: ID!) { signLiaison(messageId: $m, childId: $c) }`, { m: id, c: stranger.id })).data.signLiaison,
    ).toBe(false);

    const author = (await ask(principal.login, OPEN, { id })).data.message.liaison;
    expect(author).toMatchObject({ asked, signed: 3 });
    const hugo = author.children.find((c: any) => c.child.displayName === 'Hugo MARTIN');
    expect(hugo.signatures.map((s: any) => [s.guardian.displayName, s.signedAt !== null]).sort()).toEqual([
      ['Sophie MARTIN', true],
      ['Thomas MARTIN', false],
    ]);
    // A guardian sees their own signatures only.
    const thomas = (await ask('thomas.martin', OPEN, { id })).data.message.liaison;
    expect(thomas.children.flatMap((c: any) => c.signatures.map((s: any) => s.guardian.displayName))).toEqual(['Thomas MARTIN', 'Thomas MARTIN']);

    // The author reminds whoever has not signed: Thomas (Hugo's signature), not Sophie (both given).
    const unsigned = new Set(author.children.flatMap((c: any) => c.signatures.filter((x: any) => !x.signedAt).map((x: any) => x.guardian.id))).size;
    expect(await ask(principal.login, `mutation($m: ID!) { remindLiaison(messageId: $m) }`, { m: id })).toEqual({ data: { remindLiaison: unsigned } });
    const reminder = (box: any) => box.folder.items.some((m: any) => m.subject === 'Rappel : Réunion parents-professeurs');
    expect(reminder(await inbox('thomas.martin'))).toBe(true);
    expect(reminder(await inbox('sophie.martin'))).toBe(false);
    expect((await ask('sophie.martin', `mutation($m: ID!) { remindLiaison(messageId: $m) }`, { m: id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses bad input with a clear error and stores nothing: scripts, 10,000 recipients, a 1 MB search, a mot to a person', async () => {
    const teacher = demo(/teacher of .*4EA/);
    const { data: before } = await ask(teacher.login, `{ mailbox { folder(name: SENT, first: 100) { items { id } } } }`);
    const target = (await ask(teacher.login, RECIPIENTS, { search: 'Parents de 4EA' })).data.recipients[0].id;
    const script = await ask(teacher.login, SEND, { input: { to: [target], subject: 'x', body: '<p onclick="steal()">Bonjour</p><script>alert(1)</script>' } });
    expect(script.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(script.errors?.[0]?.message).toMatch(/scripts/);
    const many = await ask(teacher.login, SEND, { input: { to: Array.from({ length: 10_000 }, (_, i) => `p${i}`), subject: 'x', body: 'x' } });
    expect(JSON.stringify(many.errors)).toMatch(/At most 100 recipients|too large|exceeds/i);
    const search = await ask(teacher.login, RECIPIENTS, { search: 'a'.repeat(1_000_000) });
    expect(search.errors?.length).toBeGreaterThan(0);
    // Markup whose sanitizing would cost seconds (it grows faster than its length) is refused at once.
    const nested = await ask(teacher.login, SEND, { input: { to: [target], subject: 'x', body: '<a>'.repeat(23_333) + '</b>'.repeat(7_500) } });
    expect(nested.errors?.[0]?.message).toMatch(/more than 2000 HTML tags/);
    // Characters that are not text: PostgreSQL refuses NUL; invisible ones disguise a subject.
    for (const input of [
      { to: [target], subject: 'a\u0000b', body: 'x' },
      { to: [target], subject: 'ok', body: 'a\u0000b' },
      { to: [target], subject: 'facture\u202Efdp.exe', body: 'x' },
    ]) {
      expect((await ask(teacher.login, SEND, { input })).errors?.[0]?.extensions?.code, JSON.stringify(input.subject)).toBe('BAD_USER_INPUT');
    }
    const nul = await ask(teacher.login, `query($t: String!) { mailbox { search(text: $t) { id } } }`, { t: 'ab\u0000cd' });
    expect(nul.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const mot = await ask(teacher.login, SEND, { input: { to: [demo(/separated mother/).id], subject: 'x', body: 'x', requiresSignature: true } });
    expect(mot.errors?.[0]?.message).toMatch(/class guardian lists only/);
    const { data: after } = await ask(teacher.login, `{ mailbox { folder(name: SENT, first: 100) { items { id } } } }`);
    expect(after.mailbox.folder.items).toHaveLength(before.mailbox.folder.items.length);
  });

  it('searches one’s own messages in French (stemmed words of the sender, subject, body), never others’', async () => {
    const SEARCH = `query($t: String!, $since: String) { mailbox { search(text: $t, since: $since) { subject sender { displayName } } } }`;
    const found = async (login: string, t: string, since?: string) => (await ask(login, SEARCH, { t, since })).data.mailbox.search.map((m: any) => m.subject);
    expect(await found('sophie.martin', 'sorties louvre')).toContain('Sortie au Louvre le jeudi 4 décembre');
    expect(await found('sophie.martin', 'pique-niques')).toContain('Sortie au Louvre le jeudi 4 décembre');
    expect(await found('sophie.martin', 'louvre -musée', '2099-01-01')).toEqual([]);
    expect(await found('sophie.martin', 'orthodontiste')).toEqual(['Absence de Léa jeudi matin']);
    expect(await found(demo(/separated father/).login, 'louvre')).toEqual([]);
    expect(await found(demo(/teacher of .*4EA/).login, 'orthodontiste')).toEqual([]);
    const bad = await ask('sophie.martin', SEARCH, { t: 'louvre', since: 'hier' });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect((await ask('sophie.martin', SEARCH, { t: 'x'.repeat(101) })).errors?.[0]?.message).toMatch(/at most 100 characters/);
  });

  it('a recipient reports a message to the school’s direction, who sees it (journaled, naming its author) and nothing else; another school’s direction sees nothing', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const lea = hub.logins.find((l) => l.login === 'lea.martin')!.personId;
    const { data } = await ask(teacher.login, SEND, { input: { to: [lea], subject: 'Message déplacé', body: 'Contenu à signaler' } });
    const id = data.sendMessage.id;
    const REPORT = `mutation($id: ID!, $r: String!) { reportMessage(id: $id, reason: $r) }`;
    expect((await ask('hugo.martin', REPORT, { id, r: 'pas pour moi' })).data.reportMessage).toBe(false);
    expect((await ask('lea.martin', REPORT, { id, r: '' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await ask('lea.martin', REPORT, { id, r: 'Ce message me met mal à l’aise.' })).toEqual({ data: { reportMessage: true } });
    // Reported unread, it cannot be recalled from the pupil while the direction reads it.
    expect(await ask(teacher.login, `mutation($id: ID!) { recallMessage(id: $id) }`, { id })).toEqual({ data: { recallMessage: 0 } });
    expect((await ask('lea.martin', OPEN, { id })).data.message.subject).toBe('Message déplacé');

    const REPORTS = `{ reportedMessages { reason reporter { displayName } messageId author { id displayName subject bodyHtml } } }`;
    const principal = demo(/^principal, /);
    const seen = (await ask(principal.login, REPORTS)).data.reportedMessages;
    expect(seen).toContainEqual({
      reason: 'Ce message me met mal à l’aise.',
      reporter: { displayName: 'Léa MARTIN' },
      messageId: id,
      author: { id: teacher.id, displayName: expect.any(String), subject: 'Message déplacé', bodyHtml: 'Contenu à signaler' },
    });
    const lyceePrincipal = hub.academie.demo.filter((d) => /^principal, /.test(d.description))[1]!;
    expect((await ask(lyceePrincipal.login, REPORTS)).data.reportedMessages.some((r: any) => r.messageId === id)).toBe(false);
    // Neither a teacher nor a parent may ask.
    expect((await ask(teacher.login, REPORTS)).errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect((await ask('sophie.martin', REPORTS)).errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    // The direction's reading is journaled, naming the author; the content is not in it.
    await until(async () => {
      const { rows } = await hub.store.store.database.pool.query<{ fields: string[] }>(
        `SELECT fields FROM journal_events WHERE $1 = ANY (targets) AND viewer_person_id = $2`,
        [teacher.id, principal.id],
      );
      return rows.some((r) => r.fields.includes('ReportedAuthor.bodyHtml'));
    });
  });

  it('attachments: checked by content, downloaded through the hub by the sender and the recipients only, for a few minutes', async () => {
    const teacher = demo(/teacher of .*5EA/);
    const claire = demo(/separated mother/);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const send = (attachments: unknown[]) =>
      ask('sophie.martin', SEND.replace('to { id displayName }', 'to { id } attachments { id name contentType bytes downloadPath }'), {
        input: { to: [teacher.id], subject: 'Certificat', body: 'Ci-joint.', attachments },
      });
    const { data: before } = await ask('sophie.martin', `{ mailbox { folder(name: SENT, first: 100) { items { id } } } }`);
    const disguised = await send([{ name: 'certificat.pdf', contentType: 'application/pdf', base64: png.toString('base64') }]);
    expect(disguised.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/content is not application\/pdf/) });
    const html = await send([{ name: 'x.html', contentType: 'text/html', base64: Buffer.from('<script>alert(1)</script>').toString('base64') }]);
    expect(html.errors?.[0]?.message).toMatch(/not accepted/);
    const four = await send(Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.pdf`, contentType: 'application/pdf', base64: pdf.toString('base64') })));
    expect(four.errors?.[0]?.message).toMatch(/At most 3 attachments/);
    const big = await send([{ name: 'gros.pdf', contentType: 'application/pdf', base64: Buffer.concat([pdf, Buffer.alloc(1_100_000)]).toString('base64') }]);
    expect(big.errors?.length ?? 0).toBeGreaterThan(0);
    for (const name of ['a\u0000b.pdf', 'devoir\u202Efdp.pdf', 'a\nb.pdf']) {
      expect((await send([{ name, contentType: 'application/pdf', base64: pdf.toString('base64') }])).errors?.[0]?.extensions?.code, JSON.stringify(name)).toBe(
        'BAD_USER_INPUT',
      );
    }
    const three = await send(
      Array.from({ length: 3 }, (_, i) => ({
        name: `f${i}.pdf`,
        contentType: 'application/pdf',
        base64: Buffer.concat([pdf, Buffer.alloc(480_000)]).toString('base64'),
      })),
    );
    expect(three.errors?.[0]?.message).toMatch(/at most 1400000 in one message/);
    const { data: unchanged } = await ask('sophie.martin', `{ mailbox { folder(name: SENT, first: 100) { items { id } } } }`);
    expect(unchanged.mailbox.folder.items).toHaveLength(before.mailbox.folder.items.length);

    const sent = await send([{ name: 'certificat médical.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') }]);
    expect(sent.errors).toBeUndefined();
    const id = sent.data.sendMessage.id;
    const download = (path: string) => fetch(new URL(path, hub.router.publicUrl));
    const QUERY = `query($id: ID!) { message(id: $id) { attachments { name bytes downloadPath } } }`;
    const theirs = (await ask(teacher.login, QUERY, { id })).data.message.attachments[0];
    expect(theirs).toMatchObject({ name: 'certificat médical.pdf', bytes: pdf.length });
    const got = await download(theirs.downloadPath);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="certificat medical.pdf"; filename*=UTF-8''certificat%20m%C3%A9dical.pdf`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await got.arrayBuffer())).toEqual(pdf);
    // A PDF named .html is saved as a PDF.
    const renamed = await send([{ name: 'devoir.html', contentType: 'application/pdf', base64: pdf.toString('base64') }]);
    expect(renamed.data.sendMessage.attachments[0].name).toBe('devoir.html.pdf');
    // Nobody else gets a link; a changed link is a plain 404; a read copy stays through a recall, with its files.
    expect((await ask(claire.login, QUERY, { id })).data.message).toBeNull();
    const tampered = theirs.downloadPath.slice(0, -3) + (theirs.downloadPath.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await download(tampered)).status).toBe(404);
    expect((await ask('sophie.martin', `mutation($id: ID!) { recallMessage(id: $id) }`, { id })).data.recallMessage).toBe(0);
    const mine = (await ask('sophie.martin', QUERY, { id })).data.message.attachments[0];
    expect((await download(mine.downloadPath)).status).toBe(200);
  });

  it('message content never reaches the journal of access', async () => {
    const { rows } = await hub.store.store.database.pool.query(
      `SELECT count(*)::int AS n FROM journal_events j WHERE row_to_json(j)::text LIKE '%Sortie au mus%' OR row_to_json(j)::text LIKE '%part à 8 h%'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('a reminder of a mot goes only to whoever may still sign: not to a parent who lost legal authority since', async () => {
    const principal = demo(/^principal, /);
    const claire = demo(/separated mother/);
    const sent = (await ask(principal.login, `{ mailbox { folder(name: SENT, first: 100) { items { id subject } } } }`)).data.mailbox.folder.items;
    const mot = sent.find((m: any) => m.subject === 'Réunion parents-professeurs du 9 décembre').id;
    const lucas = hub.logins.find((l) => l.login === 'lucas.bernard')!.personId;
    const links = hub.academie.store.snapshot().Eleve![lucas]!.ENTElevePersRelEleve!;
    const changed = links.map((l) =>
      l.startsWith(`${claire.id}$`)
        ? l
            .split('$')
            .map((part, i) => (i === 3 ? '0' : part))
            .join('$')
        : l,
    );
    const deltaDir = mkdtempSync(join(tmpdir(), 'hub-messaging-delta-'));
    writeFileSync(join(deltaDir, 'ENT_Delta_20261124_Eleve_0000.xml'), aafDocument([modifyRequestXml('Eleve', lucas, { ENTElevePersRelEleve: changed })]));
    expect((await directoryChange(hub.answerChanges, () => importAafIntoDatabase(hub.store.store.database, deltaDir))).report.appliedEntries).toBe(1);

    expect((await ask(claire.login, `mutation($m: ID!, $c: ID!) { signLiaison(messageId: $m, childId: $c) }`, { m: mot, c: lucas })).data.signLiaison).toBe(
      false,
    );
    expect((await ask(principal.login, `mutation($m: ID!) { remindLiaison(messageId: $m) }`, { m: mot })).errors).toBeUndefined();
    const reminded = (await inbox(claire.login)).folder.items.some((m: any) => m.subject === 'Rappel : Réunion parents-professeurs du 9 décembre');
    expect(reminded).toBe(false);
  });
  it('drafts: saved, listed, updated, named by who they go to, invisible to others, sent once; a recipient the rules refuse is refused when sent', async () => {
    const SAVE = `mutation Save($input: DraftInput!, $id: ID) { saveDraft(input: $input, id: $id) { id subject bodyHtml to { id name kind } updatedAt } }`;
    const DRAFTS = `{ mailbox { folder(name: DRAFTS, first: 20) { items { id subject } } } }`;
    const DRAFT = `query($id: ID!) { mailbox { draft(id: $id) { id subject bodyHtml to { id name } } } }`;
    const SEND_DRAFT = `mutation($id: ID!) { sendDraft(id: $id) { id subject bodyHtml to { id } } }`;
    const { data } = await ask('lea.martin', '{ me { ... on Student { classes { teachers { id displayName } } } } }');
    const teacher = data.me.classes[0].teachers[0];

    const saved = await ask('sophie.martin', SAVE, { input: { to: [teacher.id], subject: 'Brouillon', body: '<p>Début <script>x</script></p>' } });
    expect(saved.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const first = await ask('sophie.martin', SAVE, { input: { to: [teacher.id], subject: 'Brouillon', body: '<p>Début</p>' } });
    expect(first.errors).toBeUndefined();
    const id = first.data.saveDraft.id;
    expect(first.data.saveDraft.to).toEqual([{ id: teacher.id, name: teacher.displayName, kind: 'PERSON' }]);
    const updated = await ask('sophie.martin', SAVE, {
      id,
      input: { to: [teacher.id], subject: 'Question sur la sortie', body: '<p>Début, <b>suite</b></p>' },
    });
    expect(updated.data.saveDraft).toMatchObject({ id, subject: 'Question sur la sortie', bodyHtml: '<p>Début, <b>suite</b></p>' });
    expect((await ask('sophie.martin', DRAFTS)).data.mailbox.folder.items).toContainEqual({ id, subject: 'Question sur la sortie' });

    // Nobody else sees, changes, sends or deletes it: not the other parent, not its recipient.
    for (const login of ['thomas.martin', loginOf(teacher.id)]) {
      expect((await ask(login, DRAFT, { id })).data.mailbox.draft).toBeNull();
      expect((await ask(login, DRAFTS)).data.mailbox.folder.items.map((d: any) => d.id)).not.toContain(id);
      expect((await ask(login, SAVE, { id, input: { subject: 'volé' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await ask(login, SEND_DRAFT, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await ask(login, `mutation($id: ID!) { deleteDraft(id: $id) }`, { id })).data.deleteDraft).toBe(false);
    }
    expect((await ask('sophie.martin', DRAFT, { id })).data.mailbox.draft.subject).toBe('Question sur la sortie');

    // Sent twice at once (a double click): one message, and the draft is gone.
    const sends = await Promise.all([1, 2].map(() => ask('sophie.martin', SEND_DRAFT, { id })));
    expect(sends.filter((s) => s.data?.sendDraft).map((s) => s.data.sendDraft.subject)).toEqual(['Question sur la sortie']);
    expect(sends.filter((s) => s.errors?.[0]?.extensions?.code === 'NOT_FOUND')).toHaveLength(1);
    const received = (await inbox(loginOf(teacher.id))).folder.items.filter((m: any) => m.subject === 'Question sur la sortie');
    expect(received).toHaveLength(1);
    expect((await ask('sophie.martin', DRAFTS)).data.mailbox.folder.items.map((d: any) => d.id)).not.toContain(id);

    // A draft to another family: saved (the rules apply when sent), named by no one, refused when sent, kept.
    const otherFamily = demo(/separated mother/).id;
    const forged = await ask('sophie.martin', SAVE, { input: { to: [otherFamily], subject: 'Autre famille', body: 'x' } });
    expect(forged.data.saveDraft.to).toEqual([{ id: otherFamily, name: null, kind: 'PERSON' }]);
    const refused = await ask('sophie.martin', SEND_DRAFT, { id: forged.data.saveDraft.id });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', recipients: [otherFamily] } });
    expect((await ask('sophie.martin', DRAFT, { id: forged.data.saveDraft.id })).data.mailbox.draft.subject).toBe('Autre famille');
  });

  it('own folders: created, a message moved in and listed, another person’s message or folder refused, a deleted folder gives its messages back to the inbox', async () => {
    const FOLDERS = `{ mailbox { folders { id name total unreadCount } } }`;
    const CREATE = `mutation($name: String!) { createMessageFolder(name: $name) { id name total unreadCount } }`;
    const MOVE = `mutation($id: ID!, $folderId: ID) { moveMessage(id: $id, folderId: $folderId) }`;
    const IN_FOLDER = `query($id: ID!) { mailbox { ownFolder(id: $id, first: 20) { items { id subject } } } }`;
    const teacher = demo(/teacher of .*5EA/);
    const question = (await inbox(teacher.login)).folder.items.find((m: any) => m.subject === 'Absence de Léa jeudi matin');
    expect(question).toBeDefined();

    const created = await ask(teacher.login, CREATE, { name: '  Familles  ' });
    expect(created.data.createMessageFolder).toMatchObject({ name: 'Familles', total: 0, unreadCount: 0 });
    const folderId = created.data.createMessageFolder.id;
    expect((await ask(teacher.login, CREATE, { name: 'FAMILLES' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    expect((await ask(teacher.login, MOVE, { id: question.id, folderId })).data.moveMessage).toBe(true);
    expect((await inbox(teacher.login)).folder.items.map((m: any) => m.id)).not.toContain(question.id);
    expect((await ask(teacher.login, IN_FOLDER, { id: folderId })).data.mailbox.ownFolder.items).toEqual([{ id: question.id, subject: question.subject }]);
    expect((await ask(teacher.login, FOLDERS)).data.mailbox.folders).toContainEqual({
      id: folderId,
      name: 'Familles',
      total: 1,
      unreadCount: question.readAt ? 0 : 1,
    });

    // Another person: cannot list the folder, move the message (not theirs) or into the folder (not theirs); nothing changes.
    const sophieFolder = (await ask('sophie.martin', CREATE, { name: 'Familles' })).data.createMessageFolder.id;
    expect((await ask('sophie.martin', IN_FOLDER, { id: folderId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await ask('sophie.martin', MOVE, { id: question.id, folderId: sophieFolder })).errors?.[0]).toMatchObject({
      message: 'No message you received has this id.',
      extensions: { code: 'NOT_FOUND' },
    });
    expect((await ask(teacher.login, MOVE, { id: question.id, folderId: sophieFolder })).errors?.[0]).toMatchObject({
      message: 'No folder of yours has this id.',
    });
    expect((await ask('sophie.martin', `mutation($id: ID!) { deleteMessageFolder(id: $id) }`, { id: folderId })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await ask('sophie.martin', `mutation($id: ID!) { renameMessageFolder(id: $id, name: "x") { id } }`, { id: folderId })).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    expect((await ask(teacher.login, IN_FOLDER, { id: folderId })).data.mailbox.ownFolder.items.map((m: any) => m.id)).toEqual([question.id]);

    const renamed = await ask(teacher.login, `mutation($id: ID!) { renameMessageFolder(id: $id, name: "Parents d’élèves") { name total } }`, { id: folderId });
    expect(renamed.data.renameMessageFolder).toEqual({ name: 'Parents d’élèves', total: 1 });
    expect((await ask(teacher.login, `mutation($id: ID!) { deleteMessageFolder(id: $id) }`, { id: folderId })).data.deleteMessageFolder).toBe(1);
    expect((await inbox(teacher.login)).folder.items.map((m: any) => m.id)).toContain(question.id);
    expect((await ask(teacher.login, FOLDERS)).data.mailbox.folders.map((f: any) => f.id)).not.toContain(folderId);
  });

  it('refuses bad drafts and folders with a clear error and stores nothing: a 1 MB name, control characters, 10,000 ids, too many folders', async () => {
    const login = 'thomas.martin';
    const CREATE = `mutation($name: String!) { createMessageFolder(name: $name) { id } }`;
    const folders = async () => (await ask(login, `{ mailbox { folders { id } } }`)).data.mailbox.folders.length;
    const drafts = async () => (await ask(login, `{ mailbox { folder(name: DRAFTS, first: 100) { items { id } } } }`)).data.mailbox.folder.items.length;
    const [foldersBefore, draftsBefore] = [await folders(), await drafts()];
    expect((await ask(login, CREATE, { name: 'x'.repeat(1_000_000) })).errors?.length).toBeGreaterThan(0);
    for (const name of ['', '   ', 'a'.repeat(61), 'a\u0000b', 'ligne\nsuivante', 'facture\u202Efdp']) {
      expect((await ask(login, CREATE, { name })).errors?.[0]?.extensions?.code, JSON.stringify(name)).toBe('BAD_USER_INPUT');
    }
    const SAVE = `mutation($input: DraftInput!) { saveDraft(input: $input) { id } }`;
    const many = await ask(login, SAVE, { input: { to: Array.from({ length: 10_000 }, (_, i) => `p${i}`) } });
    expect(JSON.stringify(many.errors)).toMatch(/At most 100 recipients|too large|exceeds/i);
    for (const input of [{ to: ['a'.repeat(201)] }, { to: ['p\u0000'] }, { subject: 'a\u0000b' }, { body: 'a'.repeat(100_001) }]) {
      expect((await ask(login, SAVE, { input })).errors?.[0]?.extensions?.code, JSON.stringify(input).slice(0, 60)).toBe('BAD_USER_INPUT');
    }
    expect([await folders(), await drafts()]).toEqual([foldersBefore, draftsBefore]);
    for (let i = foldersBefore; i < 100; i++) expect((await ask(login, CREATE, { name: `Dossier ${i}` })).errors).toBeUndefined();
    expect((await ask(login, CREATE, { name: 'Un de trop' })).errors?.[0]).toMatchObject({
      extensions: { code: 'QUOTA_EXCEEDED', quota: 'foldersPerPerson', limit: 100 },
    });
  });
});
