import { beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { EducationStaff, Person, School, Student } from '../../connectors/directory/model.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { Perimeter } from './perimeter.ts';

/*
 * Rights that come from a staff function hold in that function's school only. The case: the
 * collège's CPE (EDU) also teaches the lycée's 2NDA (an ENS function there). As a teacher she sees
 * her lycée pupils; as CPE she has no say at the lycée.
 */
describe('perimeter: a staff function is a right in its own school only', () => {
  let academie: EmbeddedAcademie;
  let college: School;
  let lycee: School;
  let cpe: EducationStaff;
  let directory: Directory;
  const calls = new Map<string, number>();

  beforeAll(async () => {
    academie = await demoAcademie();
    const schools = await academie.directory.allSchools();
    college = schools.find((s) => s.type === 'CLG')!;
    lycee = schools.find((s) => s.type === 'LYC')!;
    const cpeLogin = academie.demo.find((d) => d.description.startsWith('CPE, Collège'))!.login;
    const [record] = await academie.directory.people([demoId(academie, cpeLogin)]);
    const original = record as EducationStaff;
    cpe = {
      ...original,
      kind: 'teacher',
      schoolIds: [college.id, lycee.id],
      functions: [...original.functions, { structureId: lycee.id, code: 'ENS', label: 'ENSEIGNEMENT' }],
      classes: [{ structureId: lycee.id, code: '2NDA' }],
      classSubjects: [{ structureId: lycee.id, code: '2NDA', subjectCode: '030201' }],
    };
    // The académie's directory, with the CPE as the AAF delta makes her, counting its calls.
    const base = academie.directory;
    directory = new Proxy(base, {
      get(target, name: keyof Directory) {
        const method = target[name];
        if (typeof method !== 'function') return method;
        return (...args: unknown[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          if (name === 'people') return base.people(args[0] as string[]).then((found) => found.map((p) => (p?.id === cpe.id ? cpe : p)));
          return (method as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  });

  const perimeterOf = (viewerId: string, profile: Person['kind']) =>
    new Perimeter({ kind: 'person', personId: viewerId, profile, scopes: [], policies: [] }, directory, { personInChargeSeesChild: false });
  const person = async (id: string) => (await academie.directory.people([id]))[0]!;
  /** A pupil of the lycée's 2NDA whose guardians have no child outside the lycée. */
  const lyceeOnlyPupil = async (): Promise<Student> => {
    for (const pupil of await academie.directory.studentsOfClass({ structureId: lycee.id, code: '2NDA' })) {
      const adults = pupil.guardians.map((l) => l.adultId);
      const children = (await academie.directory.childrenOfMany(adults)).flat();
      if (adults.length && children.every((c) => c.student.schoolIds.every((s) => s === lycee.id))) return pupil;
    }
    throw new Error('no such pupil');
  };

  it('holdsFunctionAt: the directory’s (function, school) pairs', async () => {
    const perimeter = perimeterOf(cpe.id, 'teacher');
    expect(await perimeter.holdsFunctionAt(['EDU'], college.id)).toBe(true);
    expect(await perimeter.holdsFunctionAt(['EDU', 'DIR'], lycee.id)).toBe(false);
    expect(await perimeter.holdsFunctionAt(['ENS'], lycee.id)).toBe(true);
    // A pupil or a guardian holds no function anywhere.
    expect(await perimeterOf(demoId(academie, 'sophie.martin'), 'guardian').holdsFunctionAt(['EDU', 'DIR', 'DOC'], college.id)).toBe(false);
  });

  it('the CPE reads her collège pupils’ and parents’ contact data, and only identity data of her lycée pupils and their parents', async () => {
    const perimeter = perimeterOf(cpe.id, 'teacher');
    const lea = await person(demoId(academie, 'lea.martin'));
    expect(await perimeter.mayRead('contact', lea)).toBe(true);
    expect(await perimeter.mayRead('schooling', lea)).toBe(true);

    const pupil = await lyceeOnlyPupil();
    expect(await perimeter.canSee(pupil)).toBe(true);
    expect(await perimeter.mayRead('identity', pupil)).toBe(true);
    expect(await perimeter.mayRead('contact', pupil)).toBe(false);
    expect(await perimeter.mayRead('schooling', pupil)).toBe(false);
    const parent = await person(pupil.guardians[0]!.adultId);
    expect(await perimeter.canSee(parent)).toBe(true);
    expect(await perimeter.mayRead('contact', parent)).toBe(false);
    // A parent with a child at the collège is a parent of her school.
    expect(await perimeter.mayRead('contact', await person(demoId(academie, 'sophie.martin')))).toBe(true);
  });

  it('pupils and guardians read by profile about the people they see; nobody reads about someone outside the perimeter', async () => {
    const lea = await person(demoId(academie, 'lea.martin'));
    const sophie = await person(demoId(academie, 'sophie.martin'));
    expect(await perimeterOf(sophie.id, 'guardian').mayRead('contact', lea)).toBe(true);
    expect(await perimeterOf(lea.id, 'student').mayRead('contact', sophie)).toBe(true);
    expect(await perimeterOf(lea.id, 'student').mayRead('identity', lea)).toBe(true);
    const stranger = await lyceeOnlyPupil();
    expect(await perimeterOf(sophie.id, 'guardian').mayRead('identity', stranger)).toBe(false);
    const teacher = viewerFor(academie, academie.demo.find((d) => d.profile === 'teacher' && d.description.includes('3EB'))!.login);
    expect(await perimeterOf(teacher.personId!, 'teacher').mayRead('identity', stranger)).toBe(false);
  });

  it('deciding about many guardians asks the directory for their children in one call', async () => {
    const principal = academie.demo.find((d) => d.description.startsWith('principal, Collège'))!;
    const guardians = [...academie.store.records('PersRelEleve')].slice(0, 200);
    const perimeter = perimeterOf(principal.id, 'staff');
    await perimeter.self();
    calls.clear();
    const visible = await perimeter.visible(guardians);
    expect(visible.length).toBeGreaterThan(10);
    expect(visible.length).toBeLessThan(guardians.length);
    expect(calls.get('childrenOf') ?? 0).toBe(0);
    expect(calls.get('childrenOfMany')).toBe(1);
  });
});
