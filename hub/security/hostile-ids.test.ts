/**
 * Attack class: hostile ids. Any logged-in person could put what they liked in an id argument, and
 * the journal wrote it down as sent (`person(id: <1.9 MB>)`: megabytes per request in the access
 * journal). Ids are now checked at the router, before planning, resolvers or the journal: at most
 * 256 characters, no control, format or invisible characters, in normal form C; inline or in
 * variables, in input objects, under aliases. Real ids keep working. The journal stays small.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession, type GraphQLAnswer } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

const HUGE = '1'.repeat(1_900_000);

describe('hostile ids', () => {
  let hub: EmbeddedHub;
  let session: ReturnType<typeof hubSession>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-hostile-ids-'));
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()) });
    session = hubSession(hub);
  });
  afterAll(() => hub?.stop());

  const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const refused = (answer: GraphQLAnswer, label: string) => {
    expect(answer.data ?? null, label).toBeNull();
    expect(answer.errors?.length, label).toBeGreaterThan(0);
    expect(
      answer.errors!.every((e) => e.extensions?.code === 'BAD_USER_INPUT'),
      `${label}: ${JSON.stringify(answer.errors).slice(0, 300)}`,
    ).toBe(true);
    // The refusal names the argument, never echoes the value.
    expect(JSON.stringify(answer).length, label).toBeLessThan(4000);
  };
  /** Every row the journal holds (events and their per-person index), each as one JSON line. */
  const journalLines = async () => {
    const { rows } = await hub.store.store.database.pool.query<{ line: string }>(
      'SELECT row_to_json(e)::text AS line FROM journal_events e UNION ALL SELECT row_to_json(t)::text FROM journal_targets t',
    );
    return rows.map((r) => r.line);
  };

  it('a 1.9 MB id, inline or in a variable, is refused before anything reads it', async () => {
    refused(await session.ask('lea.martin', `{ person(id: "${HUGE}") { displayName } }`), 'inline');
    refused(await session.ask('lea.martin', 'query($id: ID!) { person(id: $id) { displayName } }', { id: HUGE }), 'variable');
    refused(await session.ask('lea.martin', 'query($id: ID) { viewer { accessLog(personId: $id) { at } } }', { id: HUGE }), 'accessLog');
  });

  it('ids with control, format or invisible characters, or not in normal form, are refused', async () => {
    const lea = personId('lea.martin');
    const hostile = [
      `${lea}\n{"outcome":"allowed","forged":true}`, // a forged journal or log line
      `${lea}\u0000`,
      `${lea}\r`,
      `\u202E${lea}`, // right-to-left override: reads differently from what it holds
      `${lea}\u200B`, // zero-width space: looks like Léa's id, is not
      `${lea}\u00A0`, // no-break space
      `\uFEFF${lea}`,
      `cafe\u0301`, // a decomposed é: two spellings of one id
      '\uD800', // a lone surrogate
      '',
      'x'.repeat(257),
    ];
    for (const id of hostile) {
      refused(await session.ask('lea.martin', 'query($id: ID!) { person(id: $id) { displayName } }', { id }), JSON.stringify(id));
    }
  });

  it('ids inside input objects, under aliases and in lists are checked too', async () => {
    const lea = personId('lea.martin');
    refused(
      await session.ask('sophie.martin', 'mutation($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { id } }', {
        input: { pupilId: HUGE.slice(0, 100_000), absenceId: 'A-1', reason: 'Maladie' },
      }),
      'input object',
    );
    refused(
      await session.ask('sophie.martin', `mutation { justifyAbsence(input: { pupilId: "${lea}", absenceId: "A\\u0007", reason: "Maladie" }) { id } }`),
      'inline input object',
    );
    const aliases = Array.from({ length: 20 }, (_, i) => `p${i}: person(id: "${String(i).padEnd(60_000, '9')}") { displayName }`).join(' ');
    refused(await session.ask('lea.martin', `{ ${aliases} }`), 'aliases');
    // A list where one id is expected is not coerced into an id.
    refused(await session.ask('lea.martin', 'query($id: ID!) { person(id: $id) { displayName } }', { id: [lea, HUGE] }), 'list');
  });

  it('real ids of every shape still work', async () => {
    const lea = personId('lea.martin');
    const own = await session.ask('lea.martin', 'query($id: ID!) { person(id: $id) { id displayName ... on Student { classes { id } } } }', { id: lea });
    expect(own.errors).toBeUndefined();
    expect(own.data.person.id).toBe(lea);
    const classId = own.data.person.classes[0].id as string;
    expect(classId).toMatch(/^[0-9A-Z]+:.+/); // UAI:code
    const klass = await session.ask('lea.martin', 'query($id: ID!) { class(id: $id) { code } }', { id: classId });
    expect(klass.errors).toBeUndefined();
    const feed = await session.ask('lea.martin', 'mutation { createCalendarFeed { id } }');
    const revoked = await session.ask('lea.martin', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id: feed.data.createCalendarFeed.id });
    expect(revoked).toEqual({ data: { revokeCalendarFeed: true } });
  });

  it('a change that did not happen is journaled as failed, never as allowed', async () => {
    const requestId = 'revoke-unknown-feed';
    const unknown = '00000000-0000-4000-8000-000000000000';
    const answer = await session.ask('lea.martin', 'mutation($id: ID!) { revokeCalendarFeed(id: $id) }', { id: unknown }, { 'x-request-id': requestId });
    expect(answer).toEqual({ data: { revokeCalendarFeed: false } });
    await hub.router.audit.flush();
    const events = (await hub.router.auditStore.about(personId('lea.martin'), 200)).filter((e) => e.requestId === requestId);
    expect(events.map((e) => [e.fields, e.outcome, e.reason])).toEqual([[['Mutation.revokeCalendarFeed'], 'failed', 'no-effect']]);
  });

  it('the journal stays small: no hostile value reached it', async () => {
    await hub.router.audit.flush();
    const lines = await journalLines();
    expect(lines.length).toBeGreaterThan(0);
    const total = lines.reduce((n, line) => n + line.length, 0);
    expect(total).toBeLessThan(64 * 1024);
    for (const line of lines) {
      expect(line.length).toBeLessThan(4096);
      expect(line).not.toContain('1111111111');
      expect(line).not.toContain('forged');
    }
  });
});
