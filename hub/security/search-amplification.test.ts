/**
 * Amplification through the directory: `searchPeople` must not let one person hammer the académie's
 * directory (the SDET's LDAP in production).
 *
 * The attack of the review: 30 aliased `searchPeople` in one operation, each fetching every match of
 * a two-letter prefix, and, for a staff viewer, one directory search per guardian found to decide
 * whether the guardian is in the perimeter: tens of thousands of LDAP searches per request. Three
 * layers answer it: the field's declared cost (the router's budget refuses the aliases), a size
 * limit on the directory search, and the perimeter's batched lookups of guardians' children.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../connectors/directory/directory.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

const SECRET = 'search-amplification-test-secret-0123456789';

describe('amplification: searchPeople cannot hammer the directory', () => {
  let hub: EmbeddedHub;
  let session: ReturnType<typeof hubSession>;
  /** Calls to each directory method since the last reset, through every subgraph of the hub. */
  const calls = new Map<string, number>();
  const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
  const principal = () => hub.academie.demo.find((d) => d.description.startsWith('principal, Collège'))!.login;
  const codesOf = (answer: { errors?: { extensions?: { code?: string } }[] }) => (answer.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    process.env.HUB_VIEWER_CONTEXT_SECRET = SECRET;
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-search-amplification-')), ...(await testHubOptions()) });
    session = hubSession(hub);
    await session.token(principal());
    await session.token('lea.martin');
    // Count every call the subgraphs make to the directory (the embedded hub's one instance).
    const directory = hub.academie.directory as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(directory)) as (keyof Directory)[]) {
      const method = directory[name];
      if (name === ('constructor' as string) || typeof method !== 'function') continue;
      directory[name] = (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (method as (...a: unknown[]) => unknown).apply(directory, args);
      };
    }
  });
  afterAll(async () => {
    delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    await hub?.stop();
  });

  it('the router refuses an operation of 30 aliased searchPeople: each costs a directory search', async () => {
    calls.clear();
    const aliases = Array.from({ length: 30 }, (_, i) => `s${i}: searchPeople(text: "ma${'abcdefghijklmnopqrstuvwxyz'[i % 26]}") { id displayName }`).join(' ');
    const answer = await session.ask(principal(), `{ ${aliases} }`);
    expect(answer.data ?? null).toBeNull();
    expect(codesOf(answer)).toContain('OPERATION_LIMIT_EXCEEDED');
    expect(answer.errors![0].message).toMatch(/cost/i);
    expect(calls.get('searchPeople') ?? 0).toBe(0);
    // One search, as a recipient picker sends it, is served.
    const one = await session.ask(principal(), '{ searchPeople(text: "mar") { id displayName } }');
    expect(one.errors).toBeUndefined();
    expect(one.data.searchPeople.length).toBeGreaterThan(0);
  });

  it('a principal’s search over many guardians makes a bounded number of directory calls, not one per guardian', async () => {
    calls.clear();
    const answer = await session.ask(principal(), '{ searchPeople(text: "ma", first: 50) { id profile } }');
    expect(answer.errors).toBeUndefined();
    const guardians = answer.data.searchPeople.filter((p: { profile: string }) => p.profile === 'GUARDIAN');
    // The search met many guardians (the principal sees the collège's families)…
    expect(guardians.length).toBeGreaterThanOrEqual(10);
    // …and the perimeter asked for their children in one batch, whatever their number.
    expect((calls.get('childrenOf') ?? 0) + (calls.get('childrenOfMany') ?? 0)).toBeLessThanOrEqual(2);
    expect(total()).toBeLessThanOrEqual(10);
  });
});
