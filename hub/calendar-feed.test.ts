import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';

describe('calendar feeds', () => {
  let hub: EmbeddedHub;
  let dataDir: string;
  let ask: ReturnType<typeof hubSession>['ask'];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-ical-'));
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()), today: () => '2026-11-23' });
    ({ ask } = hubSession(hub));
  });
  afterAll(() => hub?.stop());

  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;

  it('a guardian creates a feed for a child: valid RFC 5545, lessons (cancelled ones CANCELLED) and homework due dates', async () => {
    const { data, errors } = await ask('sophie.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id url pupilId } }', {
      p: personId('lea.martin'),
    });
    expect(errors).toBeUndefined();
    const feed = data.createCalendarFeed;
    expect(feed.url).toMatch(/\/calendar\/[\w-]{43}\.ics$/);
    const response = await fetch(feed.url);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await response.text();

    // RFC 5545 form: CRLF everywhere, no line over 75 octets, the required properties.
    expect(text.endsWith('\r\n')).toBe(true);
    expect(
      text
        .split('\r\n')
        .slice(0, -1)
        .every((line) => Buffer.byteLength(line) <= 75 && !line.includes('\n')),
    ).toBe(true);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:/);

    const parsed = Object.values(ical.sync.parseICS(text)).filter((c: any) => c.type === 'VEVENT') as any[];
    const lessons = parsed.filter((e) => !String(e.summary).startsWith('Devoir'));
    const homework = parsed.filter((e) => String(e.summary).startsWith('Devoir'));
    expect(lessons.length).toBeGreaterThan(50);
    expect(homework.length).toBeGreaterThan(0);
    expect(parsed.every((e) => e.uid && e.dtstamp && e.start)).toBe(true);
    const monday = lessons.find((e) => e.start.toISOString() === '2026-11-23T07:00:00.000Z');
    expect(monday).toBeDefined(); // 08:00 in Paris (winter) is 07:00 UTC
    const cancelled = lessons.filter((e) => e.status === 'CANCELLED');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((e) => String(e.summary).endsWith('(annulé)'))).toBe(true);
    expect(homework.every((e) => e.datetype === 'date')).toBe(true);
  });

  it('lists one’s feeds without their secret, and revokes them', async () => {
    const created = await ask('lea.martin', 'mutation { createCalendarFeed { id url } }');
    const { url, id } = created.data.createCalendarFeed;
    expect((await fetch(url)).status).toBe(200);
    const list = await ask('lea.martin', '{ myCalendarFeeds { id url pupilId } }');
    expect(list.data.myCalendarFeeds).toEqual([{ id, url: null, pupilId: personId('lea.martin') }]);
    // The token is stored only as a hash (the feeds are in the hub's database).
    const rows = await hub.store.store.database.db.selectFrom('calendar_feeds').selectAll().execute();
    expect(rows.map((r) => r.id)).toContain(id);
    expect(JSON.stringify(rows)).not.toContain(url.split('/').pop()!.replace('.ics', ''));
    expect((await ask('sophie.martin', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id })).data.revokeCalendarFeed).toBe(false);
    expect((await ask('lea.martin', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id })).data.revokeCalendarFeed).toBe(true);
    expect((await fetch(url)).status).toBe(404);
  });

  it('refuses a feed for someone else’s child, and an unknown token', async () => {
    const other = await ask('sophie.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id } }', { p: personId('ines.petit') });
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const forHerSister = await ask('lea.martin', 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { id } }', { p: personId('chloe.martin') });
    expect(forHerSister.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const base = (await ask('lea.martin', 'mutation { createCalendarFeed { url } }')).data.createCalendarFeed.url.replace(/[\w-]+\.ics$/, '');
    expect((await fetch(`${base}${'A'.repeat(43)}.ics`)).status).toBe(404);
  });
});
