import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { sessionSecretHash } from '../store/sessions/session.ts';
import { CookieJar, loginFlow } from './login-flow.ts';

/** The hub as `npm start` runs it, on free ports, with two accounts the directory cannot link. */
describe('login through the embedded identity providers', () => {
  let hub: EmbeddedHub;
  /** The provider reads an account's claims at each login: tests set these before logging in. */
  const twinClaims: Record<string, unknown> = { sub: 'twin', FrEduCtPersonAffiliation: ['resp2d'] };
  /** A login without FrEduCtRefId: only the fallback rule (names, birth date, school) can link it. */
  const fallbackClaims: Record<string, unknown> = { sub: 'fallback', FrEduCtPersonAffiliation: ['eleve2d'] };
  /** A login naming a pupil of the directory while EduConnect says guardian: the test sets FrEduCtRefId. */
  const mismatchClaims: Record<string, unknown> = { sub: 'mismatch', FrEduCtPersonAffiliation: ['resp2d'] };
  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-login-')),
      ...FREE_PORTS,
      databaseUrl: await createTestDatabaseUrl(),
      extraAccounts: {
        educonnect: [
          {
            login: 'ghost.pupil',
            password: 'ghost-pass',
            claims: { sub: 'ghost', FrEduCtPersonAffiliation: ['eleve2d'], FrEduCtRefId: ['{AAF}PAR||9999999'] },
          },
          { login: 'two.jointures', password: 'two-pass', claims: twinClaims },
          { login: 'no.jointure', password: 'no-pass', claims: fallbackClaims },
          { login: 'wrong.profile', password: 'wrong-pass', claims: mismatchClaims },
        ],
      },
    });
  });
  afterAll(() => hub?.stop());

  const login = (name: string, transport: 'bearer' | 'cookie' = 'bearer', extra: Partial<Parameters<typeof loginFlow>[0]> = {}) => {
    const account = hub.logins.find((l) => l.login === name);
    return loginFlow({
      routerUrl: hub.router.publicUrl,
      idp: account?.idp ?? 'educonnect',
      login: name,
      password: account?.password ?? `${name.split('.')[0]}-pass`,
      transport,
      ...extra,
    });
  };
  const graphql = async (query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}) => {
    const response = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a guardian of three children logs in and reads each child’s data through the router', async () => {
    const result = await login('sophie.martin');
    expect(result.kind).toBe('bearer');
    if (result.kind !== 'bearer') return;
    const { body } = await graphql(
      '{ viewer { profile person { displayName } children { id displayName birthDate classes { code school { name } } } } }',
      bearer(result.token),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.profile).toBe('GUARDIAN');
    expect(body.data.viewer.person.displayName).toBe('Sophie MARTIN');
    const children = body.data.viewer.children;
    expect(children.map((c: any) => c.displayName).sort()).toEqual(['Chloé MARTIN', 'Hugo MARTIN', 'Léa MARTIN']);
    expect(children.every((c: any) => /^\d{4}-\d{2}-\d{2}$/.test(c.birthDate))).toBe(true);
    expect(new Set(children.map((c: any) => c.classes[0].school.name)).size).toBe(2);
    // Each child directly by id, as a frontend switching between children would.
    for (const child of children) {
      const one = await graphql('query($id: ID!) { person(id: $id) { displayName } }', bearer(result.token), { id: child.id });
      expect(one.body.data.person.displayName).toBe(child.displayName);
    }
  });

  it('staff log in at the agent provider, linked by their email', async () => {
    const cpe = hub.academie.demo.find((d) => d.description.startsWith('CPE, Collège'))!;
    const result = await login(cpe.login);
    expect(result.kind).toBe('bearer');
    if (result.kind !== 'bearer') return;
    const { body } = await graphql('{ viewer { profile functions person { id } } }', bearer(result.token));
    expect(body.data.viewer).toEqual({ profile: 'STAFF', functions: ['EDU'], person: { id: cpe.id } });
  });

  it('a web login sets an HttpOnly, Secure, SameSite cookie with a fresh id, and goes back where asked (same site only)', async () => {
    const result = await login('lea.martin', 'cookie', { params: { return_to: '/timetable' }, presetHubCookie: '__Host-hub_session=planted-by-attacker' });
    expect(result.kind).toBe('cookie');
    if (result.kind !== 'cookie') return;
    expect(result.setCookie).toMatch(/^__Host-hub_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax; Max-Age=\d+$/);
    // Session fixation: the id planted before login is never adopted.
    expect(result.cookie).not.toContain('planted-by-attacker');
    expect(await hub.router.sessions.get('planted-by-attacker')).toBeUndefined();
    expect(result.location).toBe('/timetable');
    const { body } = await graphql('{ viewer { profile } }', { cookie: result.cookie });
    expect(body.data.viewer.profile).toBe('STUDENT');

    const again = await login('lea.martin', 'cookie', { params: { return_to: 'https://evil.example/' } });
    expect(again.kind === 'cookie' && again.location).toBe('/');
    expect(again.kind === 'cookie' && again.cookie).not.toBe(result.cookie);
  });

  it('a web session logs out with the logout page’s button, then at the provider (RP-initiated)', async () => {
    const jar = new CookieJar();
    const result = await login('lea.martin', 'cookie', { jar });
    if (result.kind !== 'cookie') throw new Error('login failed');
    const logoutUrl = new URL('/auth/logout', hub.router.publicUrl);
    // A GET (a link, an image) never logs out: it shows the button.
    const page = await fetch(logoutUrl, { headers: { cookie: result.cookie } });
    expect(page.status).toBe(200);
    expect((await graphql('{ viewer { profile } }', { cookie: result.cookie })).status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const posted = await fetch(logoutUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: result.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(posted.status).toBe(302);
    const providerLogout = new URL(posted.headers.get('location')!);
    expect(providerLogout.origin).toBe(new URL(hub.providers.find((p) => p.id === 'educonnect')!.issuer).origin);
    expect(providerLogout.searchParams.get('post_logout_redirect_uri')).toBe(`${hub.router.publicUrl}/auth/logged-out`);
    expect((await graphql('{ viewer { profile } }', { cookie: result.cookie })).status).toBe(401);
  });

  it('a login cancelled at the provider is a 403 page in French, and the next login works', async () => {
    const jar = new CookieJar();
    const stopped = await login('lea.martin', 'cookie', { stopAtCallback: true, jar });
    if (stopped.kind !== 'callback') throw new Error('no callback');
    const cancelled = new URL(stopped.url);
    cancelled.search = new URLSearchParams({ state: cancelled.searchParams.get('state')!, error: 'access_denied' }).toString();
    const response = await fetch(cancelled, { headers: { cookie: jar.header(cancelled) } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Connexion annulée');
    expect((await login('lea.martin', 'cookie', { jar })).kind).toBe('cookie');
  });

  it('refuses a callback with an unknown state, and a replayed callback', async () => {
    // No login of this browser carries that state (there is no login cookie at all).
    const wrong = await fetch(`${hub.router.publicUrl}/auth/callback?code=abc&state=forged`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('pas été commencée dans ce navigateur');

    const jar = new CookieJar();
    const stopped = await login('lea.martin', 'bearer', { stopAtCallback: true, jar });
    expect(stopped.kind).toBe('callback');
    if (stopped.kind !== 'callback') return;
    const cookie = jar.header(new URL(stopped.url));
    const first = await fetch(stopped.url, { headers: { cookie } });
    expect(first.status).toBe(200);
    const replay = await fetch(stopped.url, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Connexion expirée ou déjà utilisée');
  });

  it('refuses a login that matches nobody in the directory, and opens no session', async () => {
    const before = await hub.router.sessions.listByPerson('9999999');
    const result = await login('ghost.pupil');
    expect(result).toMatchObject({ kind: 'refused', status: 403 });
    expect(result.kind === 'refused' && result.body).toContain('Aucun compte de l’annuaire');
    expect(await hub.router.sessions.listByPerson('9999999')).toEqual(before);
  });

  it('links by names, birth date and school when the login carries no directory link, if exactly one person matches', async () => {
    const ines = [...hub.academie.store.records('Eleve')].find((s) => s.firstName === 'Inès' && s.lastName === 'PETIT')!;
    const lycee = (await hub.academie.directory.schoolsById([ines.schoolIds[0]!]))[0]!;
    Object.assign(fallbackClaims, { given_name: 'Inès', family_name: 'Petit', birthdate: ines.birthDate, FrEduCtEleveUAI: lycee.uai });
    const result = await login('no.jointure');
    if (result.kind !== 'bearer') throw new Error(`fallback login refused: ${JSON.stringify(result)}`);
    const { body } = await graphql('{ viewer { person { id } } }', bearer(result.token));
    expect(body.data.viewer.person.id).toBe(ines.id);

    // A birth date that matches nobody: refused, not guessed.
    fallbackClaims.birthdate = '1900-01-01';
    expect(await login('no.jointure')).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('refuses a login that matches more than one person', async () => {
    // One login carrying the jointures of two guardians who both exist: the hub must not guess.
    const guardians = hub.logins.filter((l) => l.profile === 'guardian').slice(0, 2);
    twinClaims.FrEduCtRefId = guardians.map((g) => `{AAF}PAR||${g.personId}`);
    const result = await login('two.jointures');
    expect(result).toMatchObject({ kind: 'refused', status: 403 });
    expect(result.kind === 'refused' && result.body).toContain('Plusieurs comptes');
  });

  it('a back-channel logout from the provider ends the hub session', async () => {
    const jar = new CookieJar();
    const result = await login('hugo.martin', 'cookie', { jar });
    if (result.kind !== 'cookie') throw new Error('login failed');
    expect((await graphql('{ viewer { profile } }', { cookie: result.cookie })).status).toBe(200);
    // The person logs out at the provider itself (another application's logout button, say).
    const issuer = new URL(hub.services.find((s) => s.name === 'idp educonnect')!.url);
    const endUrl = new URL('/session/end', issuer);
    const confirm = await fetch(endUrl, { headers: { cookie: jar.header(endUrl) } });
    const page = await confirm.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
    expect(xsrf).toBeTruthy();
    const confirmUrl = new URL('/session/end/confirm', issuer);
    jar.store(endUrl, confirm);
    await fetch(confirmUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(confirmUrl), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    const deadline = Date.now() + 5000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await graphql('{ viewer { profile } }', { cookie: result.cookie })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it('refuses a forged back-channel logout token', async () => {
    const response = await fetch(`${hub.router.publicUrl}/auth/backchannel-logout/educonnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.c2ln',
    });
    expect(response.status).toBe(400);
  });

  it('a session cannot be used after logout', async () => {
    const result = await login('chloe.martin');
    if (result.kind !== 'bearer') throw new Error('login failed');
    expect((await graphql('{ viewer { profile } }', bearer(result.token))).status).toBe(200);
    const logout = await fetch(`${hub.router.publicUrl}/auth/logout`, { method: 'POST', headers: bearer(result.token) });
    expect(logout.status).toBe(204);
    const after = await graphql('{ viewer { profile } }', bearer(result.token));
    expect(after.status).toBe(401);
    expect(after.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('an unknown or forged credential is refused, not treated as anonymous', async () => {
    expect((await graphql('{ schools { uai } }', bearer('hubs_not-a-session'))).status).toBe(401);
    expect((await graphql('{ schools { uai } }', bearer('eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.'))).status).toBe(401);
    expect((await graphql('{ schools { uai } }', { cookie: '__Host-hub_session=made-up' })).status).toBe(401);
    const undecodable = await graphql('{ schools { uai } }', { cookie: '__Host-hub_session=%E0%A4%A' });
    expect(undecodable.status).toBe(401);
    expect(undecodable.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await graphql('{ schools { uai } }', {})).status).toBe(200);
  });

  it('an idle session expires', async () => {
    const result = await login('ines.petit');
    if (result.kind !== 'bearer') throw new Error('login failed');
    const session = (await hub.router.sessions.getBySecretHash(sessionSecretHash(result.token.slice('hubs_'.length))))!;
    await hub.router.sessions.put({ ...session, lastSeenAt: Date.now() - 31 * 60_000 });
    expect((await graphql('{ viewer { profile } }', bearer(result.token))).status).toBe(401);
    expect(await hub.router.sessions.get(session.id)).toBeUndefined();
  });

  it('a person lists their sessions and login history, and ends the other sessions', async () => {
    const phone = await login('claire.bernard');
    const laptop = await login('claire.bernard');
    if (phone.kind !== 'bearer' || laptop.kind !== 'bearer') throw new Error('login failed');
    const { body } = await graphql('{ viewer { sessions { id current kind } loginHistory { outcome identityProvider } } }', bearer(laptop.token));
    expect(body.data.viewer.sessions).toHaveLength(2);
    expect(body.data.viewer.sessions.filter((s: any) => s.current)).toHaveLength(1);
    expect(body.data.viewer.loginHistory.slice(0, 2)).toEqual([
      { outcome: 'success', identityProvider: 'educonnect' },
      { outcome: 'success', identityProvider: 'educonnect' },
    ]);
    const ended = await graphql('mutation { endOtherSessions }', bearer(laptop.token));
    expect(ended.body.data.endOtherSessions).toBe(1);
    expect((await graphql('{ viewer { profile } }', bearer(phone.token))).status).toBe(401);
    expect((await graphql('{ viewer { profile } }', bearer(laptop.token))).status).toBe(200);
  });

  it('a refused login that names a known person (profile mismatch) shows in that person’s login history', async () => {
    const pupil = hub.academie.demo.find((d) => d.profile === 'student');
    if (!pupil) throw new Error('the demo académie has no pupil');
    mismatchClaims.FrEduCtRefId = [`{AAF}ACA||${pupil.id}`];
    const refused = await login('wrong.profile');
    expect(refused).toMatchObject({ kind: 'refused', status: 403 });

    const own = await login(pupil.login);
    if (own.kind !== 'bearer') throw new Error('login failed');
    const { body } = await graphql('{ viewer { loginHistory { outcome identityProvider } } }', bearer(own.token));
    // Newest first: their own login, then the refused one.
    expect(body.data.viewer.loginHistory.slice(0, 2)).toEqual([
      { outcome: 'success', identityProvider: 'educonnect' },
      { outcome: 'refused', identityProvider: 'educonnect' },
    ]);
  });

  it('a person cannot end someone else’s session', async () => {
    const victim = await login('marc.bernard');
    const other = await login('monique.durand');
    if (victim.kind !== 'bearer' || other.kind !== 'bearer') throw new Error('login failed');
    const victimId = (await graphql('{ viewer { session { id } } }', bearer(victim.token))).body.data.viewer.session.id;
    const result = await graphql('mutation($id: ID!) { endSession(id: $id) }', bearer(other.token), { id: victimId });
    expect(result.body.data.endSession).toBe(false);
    expect((await graphql('{ viewer { profile } }', bearer(victim.token))).status).toBe(200);
  });
});
