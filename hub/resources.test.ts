import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHubOptions } from '../test/helpers/database.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { routerHeaders, TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';

describe('GAR resources through the hub', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-resources-')),
      ...(await testHubOptions()),
      // Known, so a test can call the resources subgraph as the router does (the gate itself).
      env: { ...process.env, HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET },
    });
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

  describe('a pupil’s resources (Student.resources), for the pupil and their legal guardians only', () => {
    const CHILD_RESOURCES = '{ viewer { children { firstName resources { school { name } resources { name publisher accessUrl } } } } }';
    const PUPIL_RESOURCES = 'query($id: ID!) { person(id: $id) { displayName ... on Student { resources { school { name } resources { name } } } } }';
    const personId = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
    const names = (schools: { resources: { name: string }[] }[]) => schools.flatMap((s) => s.resources.map((r) => r.name)).sort();

    it('a guardian sees each child’s catalogue, in each child’s schools: what the child sees', async () => {
      const { data, errors } = await ask('sophie.martin', CHILD_RESOURCES);
      expect(errors).toBeUndefined();
      const byName = new Map(data.viewer.children.map((c: { firstName: string; resources: unknown }) => [c.firstName, c.resources]));
      expect([...byName.keys()].sort()).toEqual(['Chloé', 'Hugo', 'Léa']);
      for (const [firstName, login] of [
        ['Léa', 'lea.martin'],
        ['Chloé', 'chloe.martin'],
      ] as const) {
        const own = (await ask(login, RESOURCES)).data.myResources;
        const child = byName.get(firstName) as typeof own;
        expect(child.map((s: any) => s.school.name)).toEqual(own.map((s: any) => s.school.name));
        expect(names(child)).toEqual(names(own));
      }
      const lea = byName.get('Léa') as any[];
      expect(names(lea)).toContain('Mathématiques 5e - manuel numérique Sésamath');
      expect(lea[0].resources[0].accessUrl).toMatch(/^https?:\/\//);
    });

    it('the GAR down (nothing cached): the child’s resources are null with an error naming the GAR, the rest of the card answers', async () => {
      hub.gar.standin.faults.errorRate = 1;
      try {
        const { data, errors } = await ask('claire.bernard', '{ viewer { children { firstName resources { school { name } resources { name } } } } }');
        // Lucas's catalogue was never asked: nothing in the GAR client's cache to answer with.
        expect(data.viewer.children).toEqual([{ firstName: 'Lucas', resources: [{ school: { name: expect.any(String) }, resources: null }] }]);
        expect(errors?.every((e) => e.extensions.upstream === 'GAR')).toBe(true);
      } finally {
        hub.gar.standin.faults.errorRate = 0;
      }
    });
    it('another family’s child, a father without legal authority, a “personne en charge”, a teacher of the class: refused', async () => {
      const teacherOf5EA = hub.academie.demo.find((d) => /teacher of .*5EA/.test(d.description))!.login;
      for (const [login, pupil] of [
        ['claire.bernard', 'lea.martin'],
        ['marc.bernard', 'lucas.bernard'],
        ['monique.durand', 'emma.robert'],
        [teacherOf5EA, 'lea.martin'],
      ] as const) {
        const answer = await ask(login, PUPIL_RESOURCES, { id: personId(pupil) });
        expect(answer.data?.person?.resources ?? null, `${login} → ${pupil}`).toBeNull();
        expect(answer.errors?.map((e) => e.extensions.code)).toEqual(expect.arrayContaining([expect.stringMatching(/FORBIDDEN|UNAUTHORIZED_FIELD_OR_TYPE/)]));
        expect(JSON.stringify(answer)).not.toContain('manuel numérique');
      }
      // Her own child: yes.
      expect(names((await ask('claire.bernard', PUPIL_RESOURCES, { id: personId('lucas.bernard') })).data.person.resources).length).toBeGreaterThan(0);
    });

    it('the resources subgraph’s own gate: asked for another family’s child or by the separated father, FORBIDDEN', async () => {
      const ask_entities = async (viewerLogin: string, pupil: string) => {
        const body = JSON.stringify({
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { resources { resources { name } } } } }',
          variables: { r: [{ __typename: 'Student', id: personId(pupil) }] },
        });
        const viewer = { kind: 'person' as const, personId: personId(viewerLogin), profile: 'guardian' as const, scopes: ['resources:read'], policies: [] };
        const response = await fetch(hub.subgraphUrls.resources!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await routerHeaders('resources', viewer, body)) },
          body,
        });
        return (await response.json()) as { data?: { _entities: ({ resources: unknown } | null)[] }; errors?: { extensions: { code: string } }[] };
      };
      for (const [login, pupil] of [
        ['claire.bernard', 'lea.martin'],
        ['marc.bernard', 'lucas.bernard'],
      ] as const) {
        const answer = await ask_entities(login, pupil);
        expect(answer.data?._entities[0]?.resources ?? null).toBeNull();
        expect(answer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      }
      const allowed = await ask_entities('claire.bernard', 'lucas.bernard');
      expect(allowed.errors).toBeUndefined();
    });
  });
});
