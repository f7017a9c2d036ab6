import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { createDevCa, type DevCa } from '../../standins/dev-pki.ts';
import type { RunningGarStandin } from '../../standins/gar/gar-standin.ts';
import { demoAcademie } from '../../test/helpers/demo-academie.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import { GarClient, GarError, parseResources } from './gar-client.ts';
import { garPersonId } from './pseudonym.ts';
import { startTestGar, TEST_GAR_PSEUDONYM_SECRET, type TestGar } from '../../test/helpers/gar.ts';

describe('GAR connector against the stand-in (mutual TLS)', () => {
  let academie: EmbeddedAcademie;
  let testGar: TestGar;
  let gar: RunningGarStandin;
  let ca: DevCa;
  const clients: GarClient[] = [];
  const connect = (extra: Partial<ConstructorParameters<typeof GarClient>[0]> = {}) => {
    const c = new GarClient({ ...testGar.clientOptions, ...extra });
    clients.push(c);
    return c;
  };
  const garIdOf = (login: string) => garPersonId(TEST_GAR_PSEUDONYM_SECRET, academie.demo.find((d) => d.login === login)!.id);
  const uaiOf = async (login: string) => {
    const person = (await academie.directory.people([academie.demo.find((d) => d.login === login)!.id]))[0]!;
    return (
      await academie.directory.schoolsById([
        person.schoolIds[0] ?? (person.kind === 'teacher' || person.kind === 'staff' ? person.functions[0]!.structureId : ''),
      ])
    )[0]!.uai;
  };

  beforeAll(async () => {
    academie = await demoAcademie();
    testGar = await startTestGar(academie, createLogger('gar'));
    ({ gar, ca } = testGar);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gar?.close();
  });

  it('returns a pupil’s catalogue in the GAR’s shape: the textbooks of their level and the general resources', async () => {
    const resources = await connect().resources(await uaiOf('lea.martin'), garIdOf('lea.martin'));
    const names = resources.map((r) => r.name);
    expect(names).toContain('Mathématiques 5e - manuel numérique Sésamath');
    expect(names).not.toContain('Mathématiques 3e - manuel numérique Sésamath');
    expect(names).toContain('Le Robert Collège');
    expect(names).not.toContain('Banque de sujets et corrigés pour l’enseignant');
    const maths = resources.find((r) => r.name.startsWith('Mathématiques'))!;
    expect(maths).toMatchObject({
      id: expect.stringMatching(/^ark:\/86527\//),
      publisherName: 'Sésamath',
      accessUrl: expect.stringMatching(/^https:\/\//),
      presentationType: { code: 'MAN', name: 'Manuel numérique' },
      levels: [{ name: '5e', uri: expect.stringContaining('scolomfr') }],
      domains: [{ name: 'Mathématiques', uri: expect.any(String) }],
    });
  });

  it('gives a teacher the teacher resources too', async () => {
    const teacher = academie.demo.find((d) => d.profile === 'teacher')!.login;
    const names = (await connect().resources(await uaiOf(teacher), garIdOf(teacher))).map((r) => r.name);
    expect(names).toContain('Banque de sujets et corrigés pour l’enseignant');
  });

  it('reports the GAR’s own error object', async () => {
    const error = await connect()
      .resources('0000000X', garIdOf('lea.martin'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GarError);
    expect(error).toMatchObject({
      reason: 'refused',
      detail: { status: 400, code: 'Bad Request' },
      message: expect.stringContaining('Établissement non trouvé'),
    });
    const unknown = await connect()
      .resources(await uaiOf('lea.martin'), 'nobody')
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ reason: 'refused', detail: { status: 404, code: 'Not Found' } });
  });

  it('is refused without a client certificate, and with one from another CA', async () => {
    const url = `${gar.url}/ressources/ENTTEST/${await uaiOf('lea.martin')}/${garIdOf('lea.martin')}`;
    const noCert = new Agent({ connect: { ca: ca.certPem } });
    await expect(fetch(url, { dispatcher: noCert })).rejects.toThrow();
    await noCert.close();
    const rogue = createDevCa('Rogue CA').issue('ENT hub', 'client');
    const wrongCert = connect({ certPem: rogue.certPem, keyPem: rogue.keyPem });
    await expect(wrongCert.resources(await uaiOf('lea.martin'), garIdOf('lea.martin'))).rejects.toMatchObject({ reason: 'unavailable' });
  });

  it('pins the GAR’s CA: a server certificate from any other CA is refused', async () => {
    const otherCa = createDevCa('Other CA');
    const pinnedElsewhere = connect({ caPem: otherCa.certPem });
    await expect(pinnedElsewhere.resources(await uaiOf('lea.martin'), garIdOf('lea.martin'))).rejects.toMatchObject({ reason: 'unavailable' });
  });

  it('caches a person’s catalogue per school for its TTL, and shares concurrent asks', async () => {
    const cached = connect({ cacheTtlMs: 300 });
    const [uai, id] = [await uaiOf('chloe.martin'), garIdOf('chloe.martin')];
    const before = gar.requests;
    await Promise.all([cached.resources(uai, id), cached.resources(uai, id), cached.resources(uai, id)]);
    await cached.resources(uai, id);
    expect(gar.requests - before).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    await cached.resources(uai, id);
    expect(gar.requests - before).toBe(2);
  });

  it('gives up after its timeout when the GAR is slow', async () => {
    gar.faults.latencyMs = 1500;
    try {
      const started = Date.now();
      const error = await connect({ timeoutMs: 200 })
        .resources(await uaiOf('lea.martin'), garIdOf('lea.martin'))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GarError', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      gar.faults.latencyMs = 0;
    }
  });

  it('lists a school’s subscriptions, ILLIMITE as an unlimited licence count', async () => {
    const subscriptions = await connect().subscriptions(await uaiOf('lea.martin'));
    expect(subscriptions.length).toBeGreaterThan(10);
    expect(subscriptions[0]).toMatchObject({
      id: expect.stringMatching(/^ABO-/),
      assignmentType: 'ETABL',
      licences: expect.arrayContaining([{ audience: 'ENSEIGNANT', count: null }]),
    });
  });
});

describe('GAR response parsing: a lying upstream gets no free pass', () => {
  it('refuses a body without listeRessources', () => {
    expect(() => parseResources({ Erreur: {} })).toThrow(GarError);
    expect(() => parseResources('not json')).toThrow(GarError);
  });
  it('drops resources without id, name, or an https access URL, and keeps the rest', () => {
    const parsed = parseResources({
      listeRessources: {
        ressource: [
          { idRessource: 'a', nomRessource: 'Good', urlAccesRessource: 'https://x.example/a' },
          { idRessource: 'b', nomRessource: 'No URL' },
          { idRessource: 'c', nomRessource: 'Script', urlAccesRessource: 'javascript:alert(1)' },
          { nomRessource: 'No id', urlAccesRessource: 'https://x.example/d' },
        ],
      },
    });
    expect(parsed.map((r) => r.id)).toEqual(['a']);
  });
  it('accepts a single resource not wrapped in a list', () => {
    expect(parseResources({ listeRessources: { ressource: { idRessource: 'a', nomRessource: 'A', urlAccesRessource: 'https://x.example/a' } } })).toHaveLength(
      1,
    );
  });
});
