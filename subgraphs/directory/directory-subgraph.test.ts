import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import { createLogger } from '../../lib/logger.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { askSubgraph } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import type { StartedSubgraph } from '../kit/subgraph-server.ts';
import { startDirectorySubgraph } from './server.ts';

describe('directory subgraph', () => {
  let academie: EmbeddedAcademie;
  let subgraph: StartedSubgraph;
  let lenient: StartedSubgraph;
  beforeAll(async () => {
    academie = await demoAcademie();
    const common = { directory: academie.directory, viewerContextKey: TEST_VIEWER_KEY, log: createLogger('directory'), port: 0 };
    subgraph = await startDirectorySubgraph({ ...common, perimeter: { personInChargeSeesChild: false } });
    lenient = await startDirectorySubgraph({ ...common, perimeter: { personInChargeSeesChild: true } });
  });
  afterAll(async () => {
    await Promise.all([subgraph?.close(0), lenient?.close(0)]);
  });

  // Test-side JSON: errors asserted field by field.
  const ask = async (
    viewer: Viewer | string,
    query: string,
    variables: Record<string, unknown> = {},
    target = subgraph,
  ): Promise<{ data?: any; errors?: any[] }> =>
    (await askSubgraph(target, 'directory', typeof viewer === 'string' ? viewerFor(academie, viewer) : viewer, query, variables)).body;
  const personQuery = 'query($id: ID!) { person(id: $id) { id displayName ... on Student { birthDate classes { code } } } }';
  const canSee = async (viewer: string, target: string, on = subgraph) => {
    const result = await ask(viewer, personQuery, { id: demoId(academie, target) }, on);
    if (result.data?.person) return true;
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    return false;
  };

  it('serves schools to anyone the router sends, anonymous included', async () => {
    const { data } = await ask(ANONYMOUS, '{ schools { uai name classes { id } } }');
    expect(data.schools).toHaveLength(2);
    expect(data.schools[0].name).toMatch(/^Collège Jean Moulin/);
    expect(data.schools[0].classes.map((c: any) => c.id)).toContain(`${data.schools[0].uai}:5EA`);
  });

  it('gives an anonymous viewer no person, and says so without revealing existence', async () => {
    const known = await ask(ANONYMOUS, personQuery, { id: demoId(academie, 'lea.martin') });
    const unknown = await ask(ANONYMOUS, personQuery, { id: 'no-such-id' });
    expect(known.data.person).toBeNull();
    expect(known.errors).toEqual(unknown.errors);
    expect(known.errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers me for each kind of person', async () => {
    const { data } = await ask('sophie.martin', '{ me { __typename displayName ... on Guardian { children { legalGuardian student { firstName } } } } }');
    expect(data.me.__typename).toBe('Guardian');
    expect(data.me.children.map((c: any) => c.student.firstName).sort()).toEqual(['Chloé', 'Hugo', 'Léa']);
    expect(data.me.children.every((c: any) => c.legalGuardian)).toBe(true);
  });

  it('a guardian sees their own children, and nobody else’s (same error for an unknown id)', async () => {
    expect(await canSee('sophie.martin', 'lea.martin')).toBe(true);
    expect(await canSee('sophie.martin', 'chloe.martin')).toBe(true);
    expect(await canSee('sophie.martin', 'ines.petit')).toBe(false);
    const other = await ask('sophie.martin', personQuery, { id: demoId(academie, 'ines.petit') });
    const none = await ask('sophie.martin', personQuery, { id: '424242' });
    expect(other.errors).toEqual(none.errors);
  });

  it('separated parents: only the one with legal authority sees the child', async () => {
    const lucas = [...academie.store.records('Eleve')].find((s) => s.firstName === 'Lucas' && s.lastName === 'BERNARD')!;
    const see = async (login: string) => (await ask(login, personQuery, { id: lucas.id })).data?.person !== null;
    expect(await see('claire.bernard')).toBe(true);
    expect(await see('marc.bernard')).toBe(false);
  });

  it('a "personne en charge" sees the child only where configuration allows', async () => {
    const emma = [...academie.store.records('Eleve')].find((s) => s.firstName === 'Emma' && s.lastName === 'ROBERT')!;
    const see = async (on: StartedSubgraph) => (await ask('monique.durand', personQuery, { id: emma.id }, on)).data?.person !== null;
    expect(await see(subgraph)).toBe(false);
    expect(await see(lenient)).toBe(true);
  });

  it('a teacher sees the pupils of their classes, not of the others', async () => {
    const lowerLevels = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const upperLevels = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('3EB'))!.login;
    expect(await canSee(lowerLevels, 'lea.martin')).toBe(true); // Léa is in 5EA
    expect(await canSee(upperLevels, 'lea.martin')).toBe(false);
    expect(await canSee(upperLevels, 'chloe.martin')).toBe(false); // another school
    // …and the guardians of their pupils.
    expect(await canSee(lowerLevels, 'sophie.martin')).toBe(true);
  });

  it('the CPE sees every pupil of their school and no other school’s; a principal elsewhere sees none', async () => {
    const cpeCollege = academie.demo.find((d) => d.description.startsWith('CPE, Collège'))!.login;
    const principalLycee = academie.demo.find((d) => d.description.startsWith('principal, Lycée'))!.login;
    expect(await canSee(cpeCollege, 'lea.martin')).toBe(true);
    expect(await canSee(cpeCollege, 'chloe.martin')).toBe(false);
    expect(await canSee(principalLycee, 'lea.martin')).toBe(false);
    expect(await canSee(principalLycee, 'chloe.martin')).toBe(true);
  });

  it('a pupil sees themselves, their guardians and their teachers, but no other pupil', async () => {
    expect(await canSee('lea.martin', 'lea.martin')).toBe(true);
    expect(await canSee('lea.martin', 'sophie.martin')).toBe(true);
    expect(await canSee('lea.martin', 'chloe.martin')).toBe(false); // her sister: not her business
    const { data } = await ask('lea.martin', '{ me { ... on Student { classes { teachers { displayName } } } } }');
    expect(data.me.classes[0].teachers.length).toBeGreaterThan(0);
  });

  it('the _entities path applies the same perimeter', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { id firstName } } }';
    const representations = [
      { __typename: 'Student', id: demoId(academie, 'lea.martin') },
      { __typename: 'Student', id: demoId(academie, 'ines.petit') },
      { __typename: 'Person', id: demoId(academie, 'ines.petit') },
    ];
    const result = await ask('sophie.martin', query, { r: representations });
    expect(result.data._entities).toEqual([{ id: demoId(academie, 'lea.martin'), firstName: 'Léa' }, null, null]);
    expect(result.errors!.map((e) => e.extensions.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('a class roster holds only the pupils the viewer may see', async () => {
    const college = (await ask(ANONYMOUS, '{ schools { uai } }')).data.schools[0].uai;
    const roster = `query($id: ID!) { class(id: $id) { students { firstName lastName } } }`;
    const asGuardian = await ask('sophie.martin', roster, { id: `${college}:5EA` });
    expect(asGuardian.data.class.students).toEqual([{ firstName: 'Léa', lastName: 'MARTIN' }]);
    const teacher = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const asTeacher = await ask(teacher, roster, { id: `${college}:5EA` });
    expect(asTeacher.data.class.students.length).toBeGreaterThan(5);
  });

  it('searches people by name within the perimeter only', async () => {
    const teacher = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const { data } = await ask(teacher, '{ searchPeople(text: "mart") { displayName } }');
    const names = data.searchPeople.map((p: any) => p.displayName);
    expect(names).toContain('Léa MARTIN');
    expect(names).not.toContain('Chloé MARTIN'); // at the lycée, not the teacher's pupil
    const tooShort = await ask(teacher, '{ searchPeople(text: "m") { id } }');
    expect(tooShort.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('resolves each person type by reference only for a person of that kind', async () => {
    const teacher = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const cpe = academie.demo.find((d) => d.description.startsWith('CPE, Collège'))!.login;
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id } } }';
    const ref = (__typename: string, login: string) => ({ __typename, id: demoId(academie, login) });
    const matching = [ref('Student', 'lea.martin'), ref('Guardian', 'sophie.martin'), ref('Teacher', teacher), ref('Staff', cpe)];
    const mismatched = [ref('Guardian', 'lea.martin'), ref('Student', 'sophie.martin'), ref('Staff', teacher), ref('Teacher', cpe)];
    const result = await ask(teacher, query, { r: [...matching, ...mismatched] });
    expect(result.data._entities).toEqual([...matching.map(({ id }) => ({ id })), null, null, null, null]);
    expect(result.errors!.map((e) => e.extensions.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('a guardian–pupil link carries the same flags from either side, as the directory records them', async () => {
    const flags = 'legalGuardian personInCharge financial contact relationship';
    const emma = [...academie.store.records('Eleve')].find((s) => s.firstName === 'Emma' && s.lastName === 'ROBERT')!;
    for (const [adult, pupilId] of [
      ['sophie.martin', demoId(academie, 'lea.martin')],
      ['monique.durand', emma.id],
    ] as const) {
      const adultId = demoId(academie, adult);
      const recorded = (await academie.directory.guardiansOf(pupilId)).find((l) => l.guardian?.id === adultId)!.link;
      const expected = {
        legalGuardian: recorded.legal === 1,
        personInCharge: recorded.legal === 2,
        financial: recorded.financial,
        contact: recorded.contact,
        relationship: recorded.relationship,
      };
      const fromPupil = await ask(
        adult,
        `query($id: ID!) { person(id: $id) { ... on Student { guardians { ${flags} guardian { id } } } } }`,
        { id: pupilId },
        lenient,
      );
      const fromAdult = await ask(adult, `{ me { ... on Guardian { children { ${flags} student { id } } } } }`, {}, lenient);
      const { guardian, ...pupilSide } = fromPupil.data.person.guardians.find((l: any) => l.guardian?.id === adultId);
      const { student, ...adultSide } = fromAdult.data.me.children.find((l: any) => l.student.id === pupilId);
      expect({ guardian, student }).toEqual({ guardian: { id: adultId }, student: { id: pupilId } });
      expect(pupilSide).toEqual(expected);
      expect(adultSide).toEqual(expected);
    }
    // Both kinds of link are covered: a responsable légal and a personne en charge.
    expect((await ask('monique.durand', '{ me { ... on Guardian { children { personInCharge } } } }', {}, lenient)).data.me.children).toContainEqual({
      personInCharge: true,
    });
  });

  it('classes and groups list their pupils and teachers alike; a teacher’s classes come once each', async () => {
    const cpe = academie.demo.find((d) => d.description.startsWith('CPE, Collège'))!.login;
    const college = (await ask(ANONYMOUS, '{ schools { uai } }')).data.schools[0].uai;
    const members = '{ id students { id } teachers { id } }';
    const { data } = await ask(cpe, `query($uai: ID!) { school(uai: $uai) { classes ${members} groups ${members} } }`, { uai: college });
    for (const unit of [...data.school.classes, ...data.school.groups]) expect(unit.id).toMatch(new RegExp(`^${college}:`));
    const populated = (units: any[]) => units.filter((u) => u.students.length > 0 && u.teachers.length > 0);
    expect(populated(data.school.classes).length).toBeGreaterThan(0);
    expect(populated(data.school.groups).length).toBeGreaterThan(0);

    const teacher = academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('5EA'))!.login;
    const own = await ask(teacher, '{ me { ... on Teacher { classes { id } teachings { class { id } } } } }');
    const ids = own.data.me.classes.map((c: any) => c.id);
    expect(ids).toContain(`${college}:5EA`);
    expect(new Set(ids).size).toBe(ids.length);
    const taught = own.data.me.teachings.flatMap((t: any) => (t.class ? [t.class.id] : []));
    expect(ids).toEqual(expect.arrayContaining(taught));
  });
});
