import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../store/sessions/memory-store.ts';
import { DEFAULT_SESSION_TIMEOUTS, newSessionCredentials, type HubSession } from '../../store/sessions/session.ts';
import type { LinkedPerson } from '../../connectors/sso/linking.ts';
import { createLogger } from '../../lib/logger.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { DEFAULT_AUTHORIZATION_PATH, loadAuthorizationConfig } from '../authz/authorization-config.ts';
import { TrustedIssuers } from '../auth/trusted-issuers.ts';
import { useAuthentication } from './use-authentication.ts';

const MINUTE = 60_000;
const CLAIRE: LinkedPerson = { personId: 'P-claire', profile: 'guardian', functions: [], schools: ['0750001A'], children: ['P-lucas'] };

/** A guardian's app session whose facts were read from the directory `factsAgeMs` ago. */
async function sessionOf(sessions: MemorySessionStore, factsAgeMs: number) {
  const { id, secret, secretHash } = newSessionCredentials();
  const now = Date.now();
  const session: HubSession = {
    id,
    secretHash,
    ...CLAIRE,
    idp: 'educonnect',
    idpSubject: 'sub',
    createdAt: now - factsAgeMs,
    lastSeenAt: now,
    factsAt: now - factsAgeMs,
    transport: 'bearer',
  };
  await sessions.put(session);
  return { id, token: `hubs_${secret}` };
}

/** Runs the plugin's context building for one request, as the runtime does. */
async function viewerOf(plugin: ReturnType<typeof useAuthentication>, token: string): Promise<Viewer> {
  let extended: { viewer?: Viewer } = {};
  const request = new Request('http://hub.test/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await (plugin.onContextBuilding as (payload: unknown) => Promise<void>)({ context: { request }, extendContext: (e: typeof extended) => (extended = e) });
  return extended.viewer!;
}

describe('session facts follow the directory', () => {
  const log = createLogger('test', 'silent');
  const plugin = (sessions: MemorySessionStore, relink: (id: string) => Promise<LinkedPerson | undefined>) =>
    useAuthentication({
      sessions,
      timeouts: DEFAULT_SESSION_TIMEOUTS,
      scopeMapping: loadAuthorizationConfig(DEFAULT_AUTHORIZATION_PATH).scopes,
      trustedIssuers: new TrustedIssuers([]),
      sessionFacts: { maxAgeMs: 5 * MINUTE, relink, log },
    });

  it('a parent who lost legal authority loses the child within the facts’ maximum age, not at the end of the session', async () => {
    const sessions = new MemorySessionStore(DEFAULT_SESSION_TIMEOUTS);
    let reads = 0;
    const directoryNow = async () => (reads++, { ...CLAIRE, children: [] });
    const fresh = await sessionOf(sessions, 1 * MINUTE);
    const stale = await sessionOf(sessions, 6 * MINUTE);
    const auth = plugin(sessions, directoryNow);

    expect((await viewerOf(auth, fresh.token)).children).toEqual(['P-lucas']);
    expect(reads).toBe(0);
    expect((await viewerOf(auth, stale.token)).children).toEqual([]);
    expect((await sessions.get(stale.id))!.children).toEqual([]);
    // Read once: the refreshed facts are kept with the session.
    await viewerOf(auth, stale.token);
    expect(reads).toBe(1);
  });

  it('many requests of one stale session together read the directory once', async () => {
    const sessions = new MemorySessionStore(DEFAULT_SESSION_TIMEOUTS);
    let reads = 0;
    const slowDirectory = async () => (reads++, await new Promise((r) => setTimeout(r, 20)), CLAIRE);
    const stale = await sessionOf(sessions, 10 * MINUTE);
    const auth = plugin(sessions, slowDirectory);
    await Promise.all(Array.from({ length: 20 }, () => viewerOf(auth, stale.token)));
    expect(reads).toBe(1);
  });

  it('a person gone from the directory, or now another profile, is logged out', async () => {
    for (const answer of [undefined, { ...CLAIRE, profile: 'teacher' as const }]) {
      const sessions = new MemorySessionStore(DEFAULT_SESSION_TIMEOUTS);
      const stale = await sessionOf(sessions, 6 * MINUTE);
      const auth = plugin(sessions, async () => answer);
      await expect(viewerOf(auth, stale.token)).rejects.toThrow(/session has ended/);
      expect(await sessions.get(stale.id)).toBeUndefined();
    }
  });

  it('a directory that does not answer keeps the session on the facts it has (the subgraphs re-check their perimeter)', async () => {
    const sessions = new MemorySessionStore(DEFAULT_SESSION_TIMEOUTS);
    const stale = await sessionOf(sessions, 6 * MINUTE);
    const auth = plugin(sessions, async () => {
      throw new Error('ECONNREFUSED');
    });
    expect((await viewerOf(auth, stale.token)).children).toEqual(['P-lucas']);
  });
});
