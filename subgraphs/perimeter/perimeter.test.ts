import { beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { Student } from '../../connectors/directory/model.ts';
import { demoAcademie, demoId, viewerFor } from '../../test/helpers/demo-academie.ts';
import { Perimeter } from './perimeter.ts';

/*
 * A pupil enrolled in two schools (Inès: the lycée, and an option at the collège) is seen by the
 * collège's teachers and staff as a pupil of the collège only: what the lycée knows of her is not
 * theirs to read.
 */
describe('perimeter: the schools in which a relationship with a pupil holds', () => {
  let academie: EmbeddedAcademie;
  let ines: Student;
  let college: string;
  let lycee: string;
  beforeAll(async () => {
    academie = await demoAcademie();
    const [person] = await academie.directory.people([demoId(academie, 'ines.petit')]);
    ines = person as Student;
    const schools = await academie.directory.schoolsById(ines.schoolIds);
    college = schools.find((s) => s?.type === 'CLG')!.id;
    lycee = schools.find((s) => s?.type === 'LYC')!.id;
  });

  const perimeterOf = (login: string) => new Perimeter(viewerFor(academie, login), academie.directory, { personInChargeSeesChild: false });
  /** A demo teacher or staff member of one school, by what the demo says of them. */
  const demoOf = async (matches: (description: string) => boolean, structureId: string) => {
    for (const d of academie.demo.filter((p) => (p.profile === 'teacher' || p.profile === 'staff') && matches(p.description))) {
      const [person] = await academie.directory.people([d.id]);
      if (person && (person.kind === 'teacher' || person.kind === 'staff') && person.functions.some((f) => f.structureId === structureId)) return d.login;
    }
    throw new Error('no such demo person');
  };

  it('the pupil and her guardian: every school of the pupil', async () => {
    expect((await perimeterOf('ines.petit').pupilSchools(ines.id))?.sort()).toEqual([college, lycee].sort());
  });

  it('a teacher of her collège class: the collège only', async () => {
    const teacher = await demoOf((d) => d.includes('3EA'), college);
    expect(await perimeterOf(teacher).pupilSchools(ines.id)).toEqual([college]);
  });

  it('the principal and the CPE of the collège: the collège only; of the lycée: the lycée only', async () => {
    for (const title of ['principal', 'CPE', 'documentaliste']) {
      expect(await perimeterOf(await demoOf((d) => d.startsWith(`${title},`), college)).pupilSchools(ines.id)).toEqual([college]);
      expect(await perimeterOf(await demoOf((d) => d.startsWith(`${title},`), lycee)).pupilSchools(ines.id)).toEqual([lycee]);
    }
  });

  it('outside the perimeter, or not a pupil: undefined alike', async () => {
    expect(await perimeterOf('sophie.martin').pupilSchools(ines.id)).toBeUndefined();
    expect(await perimeterOf('ines.petit').pupilSchools(demoId(academie, 'sophie.martin'))).toBeUndefined();
    expect(await perimeterOf('ines.petit').pupilSchools('no-such-person')).toBeUndefined();
  });
});
