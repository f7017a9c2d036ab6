import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';

describe('GAR resources through the hub', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  beforeAll(async () => {
    hub = await startEmbeddedHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-resources-')), ...(await testHubOptions()) });
    ({ ask } = hubSession(hub));
  });
  afterAll(() => hub?.stop());

  const RESOURCES =
    'query($f: ResourceFilter) { myResources(filter: $f) { school { uai name } resources { name publisher levels domains accessUrl presentationType { code } } } }';
  const staffLogin = (prefix: string) => hub.academie.demo.find((d) => d.description.startsWith(prefix))!.login;

  it('a pupil gets their catalogue: the textbooks of their level and the general resources, with the school', async () => {
    const { data, errors } = await ask('lea.martin', RESOURCES);
    expect(errors).toBeUndefined();
    expect(data.myResources).toHaveLength(1);
    const [school] = data.myResources;
    expect(school.school.name).toMatch(/^Collège Jean Moulin/);
    const names = school.resources.map((r: any) => r.name);
    expect(names).toContain('Mathématiques 5e - manuel numérique Sésamath');
    expect(names).toContain('Le Robert Collège');
    expect(names.some((n: string) => n.includes(' 3e '))).toBe(false);
  });

  it('filters by domain, level and type, and searches by name', async () => {
    const names = async (f: Record<string, string>) => (await ask('lea.martin', RESOURCES, { f })).data.myResources[0].resources.map((r: any) => r.name);
    expect(await names({ domain: 'mathematiques' })).toEqual(['Mathématiques 5e - manuel numérique Sésamath']);
    expect((await names({ level: '5e' })).length).toBe(4);
    expect(await names({ type: 'DIC' })).toEqual(['Le Robert Collège', 'Larousse dictionnaire bilingue anglais-français']);
    expect(await names({ search: 'lumni vidéos' })).toEqual(['Lumni – vidéos éducatives']);
  });

  it('a pupil enrolled in two schools gets a catalogue per school', async () => {
    const { data } = await ask('ines.petit', RESOURCES);
    expect(data.myResources.map((s: any) => s.school.name).sort()).toEqual(['Collège Jean Moulin (Paris)', 'Lycée Victor Hugo (Paris)']);
  });

  it('a guardian has no GAR catalogue (an empty list, not an error)', async () => {
    expect(await ask('sophie.martin', RESOURCES)).toEqual({ data: { myResources: [] } });
  });

  it('the GAR down: resources are null with an error naming the GAR, and the rest of the graph answers', async () => {
    hub.gar.standin.faults.errorRate = 1;
    try {
      const { data, errors } = await ask('chloe.martin', '{ viewer { person { displayName } } myResources { school { name } resources { name } } }');
      expect(data.viewer.person.displayName).toBe('Chloé MARTIN');
      expect(data.myResources[0]).toEqual({ school: { name: 'Lycée Victor Hugo (Paris)' }, resources: null });
      expect(errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^GAR unavailable/),
          extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'GAR' }),
        }),
      ]);
    } finally {
      hub.gar.standin.faults.errorRate = 0;
    }
  });

  it('a school’s subscriptions: for its documentation and direction, not for others', async () => {
    const college = (await ask('lea.martin', '{ myResources { school { uai } } }')).data.myResources[0].school.uai;
    const query = 'query($uai: ID!) { school(uai: $uai) { name subscriptions { id resourceId assignmentType licences { audience count unlimited } } } }';
    const documentalist = await ask(staffLogin('documentaliste, Collège'), query, { uai: college });
    expect(documentalist.errors).toBeUndefined();
    expect(documentalist.data.school.subscriptions.length).toBeGreaterThan(10);
    expect(documentalist.data.school.subscriptions[0].licences).toContainEqual({ audience: 'ENSEIGNANT', count: null, unlimited: true });

    const otherSchool = await ask(staffLogin('documentaliste, Lycée'), query, { uai: college });
    expect(otherSchool.data.school.subscriptions).toBeNull();
    expect(otherSchool.errors?.[0].extensions.code).toBe('FORBIDDEN');

    const teacher = hub.academie.demo.find((d) => d.profile === 'teacher')!.login;
    const asTeacher = await ask(teacher, query, { uai: college });
    expect(asTeacher.data.school.subscriptions).toBeNull();
    expect(asTeacher.errors?.[0].extensions.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });
});
