import { Client, EqualityFilter } from 'ldapts';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedAcademie } from '../../../tooling/academie/embedded.ts';
import { demoAcademie } from '../../../test/helpers/demo-academie.ts';
import { slapdAvailable, startSlapd, type RunningSlapd } from '../../../test/helpers/slapd.ts';
import { academieLdif } from '../../../tooling/ldif/ldif.ts';
import { LdapDirectory } from './ldap-directory.ts';
import { LdapError, LdapPool, type LdapConnectionOptions } from './ldap-pool.ts';

if (!slapdAvailable()) console.warn('skipped: LDAP tests need Debian’s slapd (apt-get install slapd ldap-utils); .ci/run installs it');

/** A pool that counts its searches and the entries they brought back, to prove batching and limits. */
class CountingPool extends LdapPool {
  searches = 0;
  entries = 0;
  override async search(...args: Parameters<LdapPool['search']>) {
    this.searches++;
    const found = await super.search(...args);
    this.entries += found.length;
    return found;
  }
}

describe.skipIf(!slapdAvailable())('SDET directory over LDAP (real slapd)', () => {
  let academie: EmbeddedAcademie;
  let slapd: RunningSlapd;
  let pool: CountingPool;
  let ldap: LdapDirectory;
  const pools: LdapPool[] = [];
  const options = (extra: Partial<LdapConnectionOptions> = {}): LdapConnectionOptions => ({
    url: slapd.url,
    bindDn: slapd.serviceDn,
    password: slapd.servicePassword,
    base: slapd.base,
    timeoutMs: 2000,
    pageSize: 20,
    ...extra,
  });
  const open = (extra: Partial<LdapConnectionOptions> = {}) => {
    const p = new LdapPool(options(extra));
    pools.push(p);
    return p;
  };
  const id = (login: string) => academie.demo.find((d) => d.login === login)!.id;

  beforeAll(async () => {
    academie = await demoAcademie();
    slapd = await startSlapd((service) => academieLdif(academie.store, 'dc=ent,dc=test', service), { sizeLimit: 50 });
    pool = new CountingPool(options());
    pools.push(pool);
    ldap = new LdapDirectory(pool);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await slapd?.stop();
  });

  it('gives the same people as the AAF backend, links resolved', async () => {
    const ids = [...academie.store.records('Eleve')]
      .slice(0, 20)
      .map((s) => s.id)
      .concat([id('sophie.martin'), id('manon.dubois'), id('elodie.girard'), id('ines.petit')]);
    const [fromLdap, fromAaf] = [await ldap.people(ids), await academie.directory.people(ids)];
    expect(fromLdap).toEqual(fromAaf);
    expect(fromLdap.every(Boolean)).toBe(true);
  });

  it('resolves schools, rosters, teachers and family links as the AAF backend does', async () => {
    const schools = await ldap.allSchools();
    const aafSchools = await academie.directory.allSchools();
    expect(schools.map((s) => ({ ...s, classes: [...s.classes].sort(), groups: [...s.groups].sort() }))).toEqual(
      aafSchools.map((s) => ({ ...s, classes: [...s.classes].sort(), groups: [...s.groups].sort() })),
    );
    const klass = { structureId: schools[0]!.id, code: '5EA' };
    const ids = (people: { id: string }[]) => people.map((p) => p.id).sort();
    expect(ids(await ldap.studentsOfClass(klass))).toEqual(ids(await academie.directory.studentsOfClass(klass)));
    expect(ids(await ldap.teachersOfClass(klass))).toEqual(ids(await academie.directory.teachersOfClass(klass)));
    const children = (links: { student: { id: string } }[]) => links.map((l) => l.student.id).sort();
    expect(children(await ldap.childrenOf(id('sophie.martin')))).toEqual(children(await academie.directory.childrenOf(id('sophie.martin'))));
    expect(children(await ldap.childrenOf(id('sophie.martin')))).toHaveLength(3);
    expect(await ldap.guardiansOf(id('lea.martin'))).toEqual(await academie.directory.guardiansOf(id('lea.martin')));
    expect(ids(await ldap.staffOfSchool(schools[0]!.id))).toEqual(ids(await academie.directory.staffOfSchool(schools[0]!.id)));
  });

  it('batches a request’s id lookups into one search with an OR filter', async () => {
    const ids = [...academie.store.records('PersRelEleve')].slice(0, 60).map((g) => g.id);
    const before = pool.searches;
    const found = await ldap.people(ids);
    expect(pool.searches - before).toBe(1);
    expect(found.map((p) => p?.id)).toEqual(ids);
  });

  it('escapes every value placed in a filter: injection attempts match nothing', async () => {
    // The same payloads, pasted into a string filter, would match many entries: prove it first.
    const raw = new Client({ url: slapd.url });
    await raw.bind(slapd.serviceDn, slapd.servicePassword);
    const naive = await raw.search(`ou=people,${slapd.base}`, { filter: `(sn=${'*'})`, paged: { pageSize: 20 } });
    await raw.unbind();
    expect(naive.searchEntries.length).toBeGreaterThan(100);

    expect(await ldap.findPeople({ lastName: '*' })).toEqual([]);
    expect(await ldap.findPeople({ email: '*)(mail=*' })).toEqual([]);
    expect(await ldap.findPeople({ lastName: 'MARTIN)(|(sn=*' })).toEqual([]);
    expect(await ldap.people(['*', `${id('lea.martin')})(objectClass=*`])).toEqual([undefined, undefined]);
    expect(await ldap.searchPeople('*', { limit: 10 })).toEqual([]);
    expect(await ldap.searchPeople('\\2a', { limit: 10 })).toEqual([]);
    // …while ordinary values still find what they should.
    expect((await ldap.findPeople({ lastName: 'martin', firstName: 'Léa' })).map((p) => p.id)).toEqual([id('lea.martin')]);
    expect((await ldap.searchPeople('MART', { limit: 50 })).length).toBeGreaterThanOrEqual(5);
  });

  it('pages past the server’s size limit', async () => {
    const pupils = academie.store.count('Eleve');
    expect(pupils).toBeGreaterThan(slapd.sizeLimit);
    const filter = new EqualityFilter({ attribute: 'objectClass', value: 'ENTEleve' });
    const paged = await pool.search(filter, { base: `ou=people,${slapd.base}`, attributes: ['ENTPersonJointure'] });
    expect(paged).toHaveLength(pupils);
    const unpaged = await pool.search(filter, { base: `ou=people,${slapd.base}`, attributes: ['ENTPersonJointure'], paged: false }).catch((e: unknown) => e);
    expect(unpaged).toBeInstanceOf(LdapError);
    expect(String((unpaged as Error).message)).toMatch(/size limit/i);
  });

  it('stops a name search at its limit on the server: a two-letter prefix never streams every match', async () => {
    const matches = await academie.directory.searchPeople('MA', { limit: 10_000 });
    expect(matches.length).toBeGreaterThan(20);
    const before = { searches: pool.searches, entries: pool.entries };
    const found = await ldap.searchPeople('MA', { limit: 5 });
    expect(found).toHaveLength(5);
    expect(pool.searches - before.searches).toBe(1);
    expect(pool.entries - before.entries).toBeLessThanOrEqual(5);
    // Past the server's own size limit: what it sent is the answer, not an error.
    expect((await ldap.searchPeople('MA', { limit: slapd.sizeLimit + 10 })).length).toBeLessThanOrEqual(slapd.sizeLimit + 10);
  });

  it('looks up the children of many adults in one search per 100 adults, linked as the AAF backend links them', async () => {
    const adults = [...academie.store.records('PersRelEleve')].slice(0, 150).map((g) => g.id);
    const before = pool.searches;
    const fromLdap = await ldap.childrenOfMany(adults);
    expect(pool.searches - before).toBe(2);
    const links = (list: { student: { id: string }; link: { legal: number } }[]) => list.map((l) => `${l.student.id}:${l.link.legal}`).sort();
    const fromAaf = await academie.directory.childrenOfMany(adults);
    expect(fromLdap.map(links)).toEqual(fromAaf.map(links));
    expect(fromLdap.flat().length).toBeGreaterThanOrEqual(150);
    expect(links(await ldap.childrenOf(adults[0]!))).toEqual(links(fromAaf[0]!));
  });

  it('speaks LDAPS and StartTLS with the directory’s CA pinned, and refuses an unknown certificate', async () => {
    const overLdaps = new LdapDirectory(open({ url: slapd.ldapsUrl, caPem: slapd.caPem }));
    expect((await overLdaps.people([id('lea.martin')]))[0]?.firstName).toBe('Léa');
    const overStartTls = new LdapDirectory(open({ startTls: true, caPem: slapd.caPem }));
    expect((await overStartTls.people([id('lea.martin')]))[0]?.firstName).toBe('Léa');
    const unpinned = new LdapDirectory(open({ url: slapd.ldapsUrl }));
    await expect(unpinned.people([id('lea.martin')])).rejects.toBeInstanceOf(LdapError);
  });

  it('says so when the service account is refused', async () => {
    const wrong = new LdapDirectory(open({ password: 'not-the-password' }));
    const error = await wrong.people([id('lea.martin')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'LdapError', reason: 'bind-refused' });
  });

  it('times out on a directory that accepts connections but never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const hung = new LdapDirectory(open({ url: `ldap://127.0.0.1:${port}`, timeoutMs: 300, connectTimeoutMs: 300 }));
      const started = Date.now();
      const error = await hung.people(['x']).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'LdapError', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('recovers after the server restarts', async () => {
    expect((await ldap.people([id('lea.martin')]))[0]).toBeDefined();
    await slapd.stop();
    const down = await ldap.people([id('lea.martin')]).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'LdapError', reason: 'unavailable' });
    await slapd.restart();
    expect((await ldap.people([id('lea.martin')]))[0]?.firstName).toBe('Léa');
  });
});
