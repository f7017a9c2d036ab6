import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import type { HubDatabase } from '../database.ts';
import { MemorySessionStore } from './memory-store.ts';
import { PostgresSessionStore } from './postgres-store.ts';
import { newSessionCredentials, sessionOfSecret, type HubSession, type SessionStore } from './session.ts';

const timeouts = { idleMs: 60_000, absoluteMs: 3_600_000 };
const log = createLogger('sessions-test', 'silent');

let counter = 0;
function session(transport: HubSession['transport'], personId = `p${++counter}`, extra: Partial<HubSession> = {}) {
  const { id, secret, secretHash } = newSessionCredentials();
  const now = Date.now();
  const value: HubSession = {
    id,
    secretHash,
    personId,
    profile: 'student',
    functions: [],
    schools: [],
    children: [],
    idp: 'educonnect',
    idpSubject: `s-${personId}`,
    createdAt: now,
    lastSeenAt: now,
    transport,
    ...extra,
  };
  return { secret, value };
}

let database: HubDatabase;
const opened: PostgresSessionStore[] = [];
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await database?.close();
});
const postgresStore = async () => {
  const store = await PostgresSessionStore.open(database, { log });
  opened.push(store);
  return store;
};

describe.each([
  { name: 'memory', open: async (): Promise<SessionStore> => new MemorySessionStore(timeouts) },
  { name: 'postgres', open: postgresStore },
])('$name session store', ({ open }) => {
  it('an update changes a live session, and never brings back one a logout ended meanwhile', async () => {
    const store = await open();
    const { value } = session('cookie');
    await store.put(value);
    const later = Date.now() + 1000;
    expect(await store.update({ ...value, lastSeenAt: later, schools: ['0750001A'] })).toBe(true);
    expect(await store.getBySecretHash(value.secretHash)).toMatchObject({ lastSeenAt: later, schools: ['0750001A'] });
    // A request read the session, then the person logged out, then the request touched it.
    await store.delete(value.id);
    expect(await store.update({ ...value, lastSeenAt: later + 1000 })).toBe(false);
    expect(await store.getBySecretHash(value.secretHash)).toBeUndefined();
    expect(await store.get(value.id)).toBeUndefined();
  });

  it('a touch records the use and nothing else: facts refreshed meanwhile stay, and an ended session stays ended', async () => {
    const store = await open();
    const { value } = session('cookie', undefined, { profile: 'guardian', children: ['child-1', 'child-2'] });
    await store.put(value);
    // A request read the session (two children); meanwhile the directory said the parent lost
    // authority over one, and another request refreshed the facts.
    const readByRequest = (await store.getBySecretHash(value.secretHash))!;
    expect(await store.update({ ...readByRequest, children: ['child-2'], factsAt: Date.now() })).toBe(true);
    const later = Date.now() + 5000;
    expect(await store.touch(readByRequest, later)).toBe(true);
    expect(await store.getBySecretHash(value.secretHash)).toMatchObject({ children: ['child-2'], lastSeenAt: later });
    // A later touch arriving first, then an earlier one: the later use stays.
    expect(await store.touch(readByRequest, later - 3000)).toBe(true);
    expect((await store.getBySecretHash(value.secretHash))!.lastSeenAt).toBe(later);
    await store.delete(value.id);
    expect(await store.touch(readByRequest, later + 1000)).toBe(false);
    expect(await store.get(value.id)).toBeUndefined();
  });

  it('keeps sessions under the hash of their secret, never the secret; public ids are unrelated', async () => {
    const store = await open();
    const { secret, value } = session('cookie');
    await store.put(value);
    expect(value.id).not.toBe(secret);
    expect(JSON.stringify(await store.listByPerson(value.personId))).not.toContain(secret);
    expect(await store.get(secret)).toBeUndefined();
    expect(await store.get(value.id)).toEqual(value);
    expect(await sessionOfSecret(store, secret, 'cookie')).toEqual(value);
  });

  it('a secret opens its session only through the carrier it was issued for', async () => {
    const store = await open();
    const web = session('cookie');
    const app = session('bearer');
    await store.put(web.value);
    await store.put(app.value);
    expect(await sessionOfSecret(store, web.secret, 'bearer')).toBeUndefined();
    expect(await sessionOfSecret(store, app.secret, 'cookie')).toBeUndefined();
    expect(await sessionOfSecret(store, app.secret, 'bearer')).toEqual(app.value);
  });

  it('updates, lists and deletes by public id', async () => {
    const store = await open();
    const a = session('cookie', 'lister', {
      idpSessionId: 'sid-a',
      idToken: 'id-token',
      userAgent: 'ua',
      factsAt: Date.now(),
      functions: ['DIR'],
      schools: ['0750001A'],
      children: ['c1'],
    });
    const b = session('bearer', 'lister');
    await store.put(a.value);
    await store.put(b.value);
    await store.put({ ...a.value, lastSeenAt: a.value.lastSeenAt + 1 });
    expect((await store.get(a.value.id))?.lastSeenAt).toBe(a.value.lastSeenAt + 1);
    expect((await store.listByPerson('lister')).map((s) => s.id).sort()).toEqual([a.value.id, b.value.id].sort());
    await store.delete(a.value.id);
    expect(await sessionOfSecret(store, a.secret, 'cookie')).toBeUndefined();
    expect((await store.listByPerson('lister')).map((s) => s.id)).toEqual([b.value.id]);
    expect(await store.deleteByIdpSession('educonnect', { idpSubject: 's-lister' })).toBe(1);
    expect(await store.listByPerson('lister')).toEqual([]);
    expect(await store.get(b.value.id)).toBeUndefined();
  });

  it('a back-channel logout by sid ends that session only; by sub (no sid), every session of the person', async () => {
    const store = await open();
    const one = session('cookie', 'bcl', { idpSessionId: 'sid-1' });
    const two = session('cookie', 'bcl', { idpSessionId: 'sid-2' });
    const other = session('cookie', 'bcl-other', { idpSessionId: 'sid-1', idp: 'agents' });
    for (const s of [one, two, other]) await store.put(s.value);
    expect(await store.deleteByIdpSession('educonnect', { idpSessionId: 'sid-1' })).toBe(1);
    expect(await store.getBySecretHash(one.value.secretHash)).toBeUndefined();
    expect(await store.getBySecretHash(two.value.secretHash)).toEqual(two.value);
    expect(await store.getBySecretHash(other.value.secretHash)).toEqual(other.value);
    expect(await store.deleteByIdpSession('educonnect', { idpSubject: 's-bcl' })).toBe(1);
    expect(await store.listByPerson('bcl')).toEqual([]);
  });

  it('keeps a person’s login history, newest first, at most `limit`', async () => {
    const store = await open();
    const at = Date.now();
    for (let i = 0; i < 5; i++) await store.recordLogin({ personId: 'historian', at: at + i, idp: 'educonnect', outcome: 'success', userAgent: `ua-${i}` });
    await store.recordLogin({ personId: 'someone-else', at, idp: 'agents', outcome: 'refused', reason: 'no-match' });
    const history = await store.loginHistory('historian', 3);
    expect(history.map((e) => e.userAgent)).toEqual(['ua-4', 'ua-3', 'ua-2']);
    expect(history[0]).toEqual({ personId: 'historian', at: at + 4, idp: 'educonnect', outcome: 'success', userAgent: 'ua-4' });
  });
});

describe('postgres session store', () => {
  it('stores only the hash of the secret: the table holds no secret', async () => {
    const store = await postgresStore();
    const { secret, value } = session('bearer');
    await store.put(value);
    const rows = await database.pool.query('SELECT * FROM sessions WHERE id = $1', [value.id]);
    expect(rows.rowCount).toBe(1);
    expect(JSON.stringify(rows.rows)).not.toContain(secret);
    expect(rows.rows[0].secret_hash).toBe(value.secretHash);
  });

  it('serves a session it has seen from its cache, without asking the database', async () => {
    const store = await postgresStore();
    const { value } = session('cookie');
    await store.put(value);
    // The store's own notification of that write arrives just after it, and empties the cache once.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.getBySecretHash(value.secretHash)).toEqual(value);
    // Gone from the table behind the store's back (no notification): only the cache can still answer.
    await database.pool.query('DELETE FROM sessions WHERE id = $1', [value.id]);
    expect(await store.getBySecretHash(value.secretHash)).toEqual(value);
  });

  it('a logout on one instance is effective on another within one second (LISTEN/NOTIFY)', async () => {
    const first = await postgresStore();
    const second = await postgresStore();
    const { value } = session('cookie');
    await first.put(value);
    // The first instance caches it (a request there), then the person logs out on the second.
    expect(await first.getBySecretHash(value.secretHash)).toEqual(value);
    expect(await first.getBySecretHash(value.secretHash)).toEqual(value);
    const loggedOutAt = Date.now();
    await second.delete(value.id);
    let seenGoneAt: number | undefined;
    while (Date.now() - loggedOutAt < 1_000) {
      if ((await first.getBySecretHash(value.secretHash)) === undefined) {
        seenGoneAt = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seenGoneAt, 'the first instance still honoured the session a second after logout').toBeDefined();
  });

  it('a back-channel logout and a change on one instance reach the other’s cache too', async () => {
    const first = await postgresStore();
    const second = await postgresStore();
    const { value } = session('cookie', 'bcl-cache', { idpSessionId: 'sid-cache' });
    await first.put(value);
    expect(await first.getBySecretHash(value.secretHash)).toEqual(value);
    await second.put({ ...value, children: ['new-child'] });
    await expect.poll(async () => (await first.getBySecretHash(value.secretHash))?.children, { timeout: 1_000, interval: 10 }).toEqual(['new-child']);
    await second.deleteByIdpSession('educonnect', { idpSessionId: 'sid-cache' });
    await expect.poll(() => first.getBySecretHash(value.secretHash), { timeout: 1_000, interval: 10 }).toBeUndefined();
  });

  it('when its notification connection is cut, an instance stays up, stops trusting its cache, and reconnects', async () => {
    const first = await postgresStore();
    const second = await postgresStore();
    const { value } = session('cookie', 'cut-listener');
    await first.put(value);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await first.getBySecretHash(value.secretHash)).toEqual(value);
    // The server ends every LISTEN connection (a failover, an administrator): the processes must not crash.
    await database.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`,
    );
    await second.delete(value.id);
    // Whatever the first instance had cached before the cut is not trusted: the logout is seen at once or after reconnecting.
    await expect.poll(() => first.getBySecretHash(value.secretHash), { timeout: 1_000, interval: 10 }).toBeUndefined();
    // Reconnected, it caches again and hears the next logout.
    const next = session('cookie', 'cut-listener');
    await first.put(next.value);
    await expect
      .poll(
        async () => {
          const { rows } = await database.pool.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`,
          );
          return rows[0].n;
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBeGreaterThanOrEqual(2);
    expect(await first.getBySecretHash(next.value.secretHash)).toEqual(next.value);
    await second.delete(next.value.id);
    await expect.poll(() => first.getBySecretHash(next.value.secretHash), { timeout: 1_000, interval: 10 }).toBeUndefined();
  });

  it('closing while the server ends the connection (the server stopping with the process) does not crash', async () => {
    const store = await postgresStore();
    const { rows } = await database.pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'ent-hub-listener' AND datname = current_database()`);
    // The server's "terminating connection" reaches the listener just as the store closes it.
    await database.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it('sessions and login history survive a restart of the store', async () => {
    const before = await postgresStore();
    const { secret, value } = session('bearer', 'restarted');
    await before.put(value);
    await before.recordLogin({ personId: 'restarted', at: value.createdAt, idp: 'educonnect', outcome: 'success' });
    await before.close();
    const after = await postgresStore();
    expect(await sessionOfSecret(after, secret, 'bearer')).toEqual(value);
    expect(await after.loginHistory('restarted', 10)).toHaveLength(1);
  });

  it('deletes sessions past their idle or absolute timeout, and only those', async () => {
    const store = await postgresStore();
    const now = Date.now();
    const idle = session('cookie', 'expiring', { lastSeenAt: now - timeouts.idleMs - 1_000 });
    const old = session('cookie', 'expiring', { createdAt: now - timeouts.absoluteMs - 1_000 });
    const live = session('cookie', 'expiring');
    for (const s of [idle, old, live]) await store.put(s.value);
    expect(await store.deleteExpired(timeouts, now)).toBeGreaterThanOrEqual(2);
    expect((await store.listByPerson('expiring')).map((s) => s.id)).toEqual([live.value.id]);
  });
});
