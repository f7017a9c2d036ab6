import type { School, Student } from '../../connectors/directory/model.ts';
import type { AgendaAudience } from '../../store/agenda/postgres-store.ts';
import { schoolsOf, type Perimeter } from './perimeter.ts';

/*
 * Whose school events a person sees in the shared agenda (and in a pupil's calendar feed): a pupil,
 * their schools' own events and their classes' and groups'; a guardian, their children's (as the
 * perimeter counts their children); teachers and staff, every event of their schools.
 */

/** Resolves structure ids to schools (the perimeter's batch, or the directory's). */
type SchoolsById = (ids: readonly string[]) => Promise<(School | undefined)[]>;

/** The audiences of these pupils, one per school (a school's classes and groups are per school). */
export async function pupilAudiences(pupils: readonly Student[], schoolsById: SchoolsById): Promise<AgendaAudience[]> {
  const structures = [...new Set(pupils.flatMap(schoolsOf))];
  const schools = (await schoolsById(structures)).filter((s): s is School => s !== undefined);
  return schools.map((school) => ({
    uai: school.uai,
    all: false,
    classes: [...new Set(pupils.flatMap((p) => p.classes.filter((c) => c.structureId === school.id).map((c) => c.code)))],
    groups: [...new Set(pupils.flatMap((p) => p.groups.filter((g) => g.structureId === school.id).map((g) => g.code)))],
  }));
}

/** The viewer's audiences, from the directory now (a parent who lost authority no longer sees the class's events). */
export async function viewerAgendaAudiences(perimeter: Perimeter): Promise<AgendaAudience[]> {
  const self = await perimeter.self();
  const schoolsById = (ids: readonly string[]) => perimeter.schoolsById(ids);
  switch (self?.kind) {
    case undefined:
      return [];
    case 'student':
      return pupilAudiences([self], schoolsById);
    case 'guardian': {
      const children = await Promise.all((await perimeter.childIds()).map((id) => perimeter.pupil(id)));
      return pupilAudiences(
        children.filter((c): c is Student => c !== undefined),
        schoolsById,
      );
    }
    case 'teacher':
    case 'staff': {
      const schools = (await schoolsById(await perimeter.schoolsOfPerson(self))).filter((s): s is School => s !== undefined);
      return schools.map((s) => ({ uai: s.uai, all: true, classes: [], groups: [] }));
    }
  }
}
