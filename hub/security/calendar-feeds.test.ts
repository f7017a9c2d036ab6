/**
 * Attack class: amplification through the calendar feeds. A feed's URL is public (calendar apps
 * send nothing else) and each GET used to make its own uncached upstream calls, with no rate limit,
 * each feed its own caller upstream: polling a URL hard loaded the school's system, and one person's
 * few feeds counted as several people for the circuit breaker. A feed is read as its owner reads:
 * the owner (the person) is the caller for the budget, the lane and the breaker; the calendar is
 * served from a cache for a few minutes; a token is rate-limited (429 with Retry-After).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';
import { DEFAULT_FEED_SERVING } from '../../subgraphs/vie-scolaire/calendar/feed-route.ts';

const TODAY = '2026-11-23';

describe('calendar feeds: no amplification through a public URL', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-feeds-security-')),
      ...(await testHubOptions()),
      today: () => TODAY,
      // Each failed call counts once; three failed calls of three distinct callers open the breaker.
      vieScolaireUpstream: { retries: 0, requestTimeoutMs: 1000, deadlineMs: 1500, breakerThreshold: 3, breakerMinCallers: 3, breakerResetMs: 30_000 },
    });
    ({ ask } = hubSession(hub));
  });
  afterAll(() => hub?.stop());

  const college = () => hub.vieScolaire.standins[0]!; // schools start in UAI order: the collège first
  const upstreamCalls = () => (college().requests.get('/api/emploiDuTemps') ?? 0) + (college().requests.get('/api/travailAFaire') ?? 0);
  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const createFeed = async (login: string, pupil?: string): Promise<string> => {
    const { data, errors } = await ask(login, 'mutation($p: ID) { createCalendarFeed(pupilId: $p) { url } }', { p: pupil ? personId(pupil) : null });
    expect(errors).toBeUndefined();
    return data.createCalendarFeed.url as string;
  };

  it('a feed polled again and again asks the school’s system once', async () => {
    const url = await createFeed('lea.martin');
    const before = upstreamCalls();
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      bodies.push(await response.text());
    }
    // One timetable read and one homework read, whatever the number of polls.
    expect(upstreamCalls() - before).toBe(2);
    expect(bodies[0]).toMatch(/BEGIN:VEVENT/);
    expect(new Set(bodies.map((b) => b.replace(/DTSTAMP:.*\r\n/g, ''))).size).toBe(1);
  });

  it('one token polled past its limit gets 429 with Retry-After; another feed is served', async () => {
    const url = await createFeed('lucas.bernard');
    for (let i = 0; i < DEFAULT_FEED_SERVING.requestsPerWindow; i++) expect((await fetch(url)).status).toBe(200);
    const refused = await fetch(url);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(DEFAULT_FEED_SERVING.windowMs / 1000);
    expect((await fetch(await createFeed('lucas.bernard'))).status).toBe(200);
    // An unknown token is a plain 404, however often it is tried.
    const unknown = url.replace(/[\w-]+\.ics$/, `${'B'.repeat(43)}.ics`);
    for (let i = 0; i <= DEFAULT_FEED_SERVING.requestsPerWindow; i++) expect((await fetch(unknown)).status).toBe(404);
  });

  it('one person’s feeds are one caller upstream: their failures alone do not open the school’s breaker', async () => {
    // Three feeds of one guardian for a child whose data nobody has read yet (nothing cached).
    const urls = [
      await createFeed('sophie.martin', 'hugo.martin'),
      await createFeed('sophie.martin', 'hugo.martin'),
      await createFeed('sophie.martin', 'hugo.martin'),
    ];
    college().faults.errorRate = 1;
    try {
      for (const url of urls) expect((await fetch(url)).status).toBe(503);
      expect(hub.vieScolaire.upstreams.get(college().uai).circuit).toBe('closed');
    } finally {
      college().faults.errorRate = 0;
    }
    // The school's system back, the feeds and everyone else are served at once.
    expect((await fetch(urls[0]!)).status).toBe(200);
  });
});
