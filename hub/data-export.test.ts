import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { capturingLogger } from '../test/helpers/log-capture.ts';
import { until } from '../test/helpers/until.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

const REQUEST = 'mutation($p: ID) { requestDataExport(personId: $p) { id status person { id } } }';
const LIST = '{ viewer { dataExports { id status person { id } readyAt expiresAt } } }';
const LINK = 'mutation($id: ID!) { dataExportLink(id: $id) { path expiresAt } }';

describe('the right of access through the graph', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  const logs = capturingLogger('hub');
  const logText = () => JSON.stringify(logs.lines());
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-export-'));
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()), log: logs.log });
    ({ ask } = hubSession(hub));
  });
  afterAll(() => hub?.stop());

  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const download = (path: string) => fetch(new URL(path, hub.router.publicUrl));

  /** Asks for an export as `login` and waits until it is ready; returns its id. */
  async function readyExport(login: string, pupil?: string): Promise<string> {
    const asked = await ask(login, REQUEST, { p: pupil });
    expect(asked.errors).toBeUndefined();
    const id = asked.data.requestDataExport.id as string;
    await until(async () =>
      ((await ask(login, LIST)).data.viewer.dataExports as { id: string; status: string }[]).some((e) => e.id === id && e.status === 'READY'),
    );
    return id;
  }

  it('a guardian exports her child’s data: one JSON document, through a link on the hub’s origin that works once; journaled', async () => {
    const child = personId('lea.martin');
    const id = await readyExport('sophie.martin', child);
    const link = await ask('sophie.martin', LINK, { id });
    expect(link.errors).toBeUndefined();
    const { path } = link.data.dataExportLink as { path: string };
    expect(path).toMatch(/^\/privacy\/exports\/[\w-]{43}$/);

    const first = await download(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="donnees-personnelles-/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const document = (await first.json()) as { person: string; data: Record<string, unknown> };
    expect(document.person).toBe(child);
    expect(document.data.directoryRecord).toMatchObject({ id: child, firstName: 'Léa' });
    expect(Object.keys(document.data)).toEqual(
      expect.arrayContaining([
        'directoryRecord',
        'sessions',
        'loginHistory',
        'accessJournal',
        'submissions',
        'calendarFeeds',
        'dataExports',
        'messages',
        'notifications',
      ]),
    );
    // A pupil's correspondence is not in the export a guardian asked for.
    expect(document.data.messages).toMatchObject({ messages: null });

    // Once: the same link again is a plain 404, as a forged one.
    const again = await download(path);
    expect(again.status).toBe(404);
    const forged = await download(`/privacy/exports/${'A'.repeat(43)}`);
    expect([forged.status, await forged.text()]).toEqual([404, await again.text()]);
    expect((await ask('sophie.martin', LIST)).data.viewer.dataExports).toContainEqual(expect.objectContaining({ id, status: 'DOWNLOADED' }));

    // The child's journal says who asked, who read everything, and who downloaded it. The router
    // journals through its queue (flushed in the background): read once the mutation's event is in.
    type Event = { operationName: string | null; fields: string[]; accessor: { id: string } };
    let events: Event[] = [];
    await until(async () => {
      const journal = await ask(
        'sophie.martin',
        '{ viewer { accessLog(personId: $p) { operationName fields accessor { id } } } }'.replace('$p', JSON.stringify(child)),
      );
      events = journal.data.viewer.accessLog as Event[];
      return events.some((e) => e.fields.includes('Mutation.requestDataExport'));
    }).catch(() => undefined);
    const ops = events.map((e) => e.operationName);
    expect(ops).toEqual(expect.arrayContaining(['dataExportDownload', 'dataExport']));
    expect(events.filter((e) => e.operationName?.startsWith('dataExport')).every((e) => e.accessor.id === personId('sophie.martin'))).toBe(true);
    expect(events.some((e) => e.fields.includes('Mutation.requestDataExport'))).toBe(true);

    // The token never reaches a log (the router's access log names the route by its prefix).
    const token = path.split('/').pop()!;
    expect(logText()).not.toContain(token);
    expect(logText()).toContain('/privacy/exports/…');
  });

  it('a mother’s export of her son shows nothing of the other parent: not his link to the child, nor what he did', async () => {
    const lucas = personId('lucas.bernard');
    const father = personId('marc.bernard');
    // The father (without legal authority) once made a feed of Lucas's timetable, before the court decision.
    await hub.store.store.feeds.adopt([
      { id: '6f1c2a44-95b7-4a8e-9d55-0d1f3a2b7c11', tokenHash: 'f'.repeat(64), ownerId: father, pupilId: lucas, createdAt: new Date().toISOString() },
    ]);
    const id = await readyExport('claire.bernard', lucas);
    const link = await ask('claire.bernard', LINK, { id });
    const document = (await (await download(link.data.dataExportLink.path)).json()) as { data: Record<string, any> };
    expect(document.data.directoryRecord.guardians.map((g: { adultId: string }) => g.adultId)).toEqual([personId('claire.bernard')]);
    expect(document.data.calendarFeeds).toEqual([]);
    expect(JSON.stringify(document)).not.toContain(father);
  });

  it('a guardian cannot export another child’s data, nor a pupil their sister’s', async () => {
    const other = await ask('sophie.martin', REQUEST, { p: personId('ines.petit') });
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const sister = await ask('lea.martin', REQUEST, { p: personId('chloe.martin') });
    expect(sister.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const rows = await hub.store.store.database.db.selectFrom('data_exports').select('person_id').execute();
    expect(rows.map((r) => r.person_id)).not.toContain(personId('ines.petit'));
  });

  it('a person exports their own data; an expired link is a 404 like any other; one export at a time', async () => {
    const id = await readyExport('lea.martin');
    // Two at once: one is taken, the other refused while the first is in progress.
    const both = await Promise.all([ask('lea.martin', REQUEST), ask('lea.martin', REQUEST)]);
    expect(both.filter((a) => a.errors === undefined)).toHaveLength(1);
    expect(both.find((a) => a.errors)?.errors?.[0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'dataExportsInProgress' });

    const { path } = (await ask('lea.martin', LINK, { id })).data.dataExportLink as { path: string };
    // Someone else's export gives no link.
    expect((await ask('sophie.martin', LINK, { id })).data.dataExportLink).toBeNull();
    await hub.store.store.database.db
      .updateTable('data_exports')
      .set({ link_expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', id)
      .execute();
    const expired = await download(path);
    expect([expired.status, await expired.text()]).toEqual([404, 'Not Found\n']);
    // Only GET reaches it.
    expect((await fetch(new URL(path, hub.router.publicUrl), { method: 'POST' })).status).toBe(405);
  });

  it('a person’s own export carries the messages they received and sent', async () => {
    const id = await readyExport('sophie.martin');
    const { path } = (await ask('sophie.martin', LINK, { id })).data.dataExportLink as { path: string };
    const document = (await (await download(path)).json()) as {
      data: { messages: { received: { subject: string; from: { name: string } }[]; sent: { subject: string }[] } };
    };
    expect(document.data.messages.received).toContainEqual(expect.objectContaining({ subject: 'Sortie au Louvre le jeudi 4 décembre' }));
    expect(document.data.messages.sent).toContainEqual(expect.objectContaining({ subject: 'Absence de Léa jeudi matin' }));
  });

  it('a flood of made-up download links from one address is refused (429) like a login flood', async () => {
    const statuses = new Map<number, number>();
    // The default budget of /auth/* per address and window (300), plus a few.
    for (let i = 0; i < 310; i++) {
      const response = await download(`/privacy/exports/${'x'.repeat(43)}${i}`);
      await response.body?.cancel();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    // The downloads of the tests above count in the same window: at most 300 answered, the rest refused.
    expect(statuses.get(404)).toBeLessThanOrEqual(300);
    expect(statuses.get(429)).toBeGreaterThanOrEqual(10);
    expect((statuses.get(404) ?? 0) + (statuses.get(429) ?? 0)).toBe(310);
  });
});
