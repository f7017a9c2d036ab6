import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-store.ts';
import { newSessionCredentials, sessionOfSecret, type HubSession } from './session.ts';

const timeouts = { idleMs: 60_000, absoluteMs: 3_600_000 };

function session(transport: HubSession['transport'], personId = 'p1') {
  const { id, secret, secretHash } = newSessionCredentials();
  const value: HubSession = {
    id, secretHash, personId, profile: 'student', functions: [], schools: [], children: [],
    idp: 'educonnect', idpSubject: 's', createdAt: Date.now(), lastSeenAt: Date.now(), transport,
  };
  return { secret, value };
}

describe('memory session store', () => {
  it('keeps sessions under the hash of their secret, never the secret; public ids are unrelated', async () => {
    const store = new MemorySessionStore(timeouts);
    const { secret, value } = session('cookie');
    await store.put(value);
    expect(value.id).not.toBe(secret);
    expect(JSON.stringify(await store.listByPerson('p1'))).not.toContain(secret);
    expect(await store.get(secret)).toBeUndefined();
    expect(await store.get(value.id)).toEqual(value);
    expect(await sessionOfSecret(store, secret, 'cookie')).toEqual(value);
  });

  it('a secret opens its session only through the carrier it was issued for', async () => {
    const store = new MemorySessionStore(timeouts);
    const web = session('cookie');
    const app = session('bearer');
    await store.put(web.value);
    await store.put(app.value);
    expect(await sessionOfSecret(store, web.secret, 'bearer')).toBeUndefined();
    expect(await sessionOfSecret(store, app.secret, 'cookie')).toBeUndefined();
    expect(await sessionOfSecret(store, app.secret, 'bearer')).toEqual(app.value);
  });

  it('updates, lists and deletes by public id', async () => {
    const store = new MemorySessionStore(timeouts);
    const a = session('cookie');
    const b = session('bearer');
    await store.put(a.value);
    await store.put(b.value);
    await store.put({ ...a.value, lastSeenAt: a.value.lastSeenAt + 1 });
    expect((await store.listByPerson('p1')).map((s) => s.id).sort()).toEqual([a.value.id, b.value.id].sort());
    await store.delete(a.value.id);
    expect(await sessionOfSecret(store, a.secret, 'cookie')).toBeUndefined();
    expect((await store.listByPerson('p1')).map((s) => s.id)).toEqual([b.value.id]);
    expect(await store.deleteByIdpSession('educonnect', { idpSubject: 's' })).toBe(1);
    expect(await store.listByPerson('p1')).toEqual([]);
    expect(await store.get(b.value.id)).toBeUndefined();
  });
});
