import type { EducationStaff, Guardian, GuardianLink, Mef, Person, School, Student, StructureCode, Subject } from './model.ts';

export interface ChildLink {
  student: Student;
  link: GuardianLink;
}

export interface GuardianOfStudent {
  /** Undefined when the export names an adult it does not contain (a dangling link). */
  guardian?: Guardian;
  link: GuardianLink;
}

/**
 * What the hub asks of the académie directory. Two backends implement it: AAF files (the embedded
 * default) and the SDET LDAP directory. Every method is async because one of them is remote.
 */
export interface Directory {
  /** People by id, in the order asked, `undefined` where unknown. One round trip for the whole list. */
  people(ids: readonly string[]): Promise<(Person | undefined)[]>;
  schoolsByUai(uais: readonly string[]): Promise<(School | undefined)[]>;
  schoolsById(ids: readonly string[]): Promise<(School | undefined)[]>;
  /** Every school, sorted by UAI. */
  allSchools(): Promise<School[]>;
  studentsOfClass(klass: StructureCode): Promise<Student[]>;
  studentsOfGroup(group: StructureCode): Promise<Student[]>;
  teachersOfClass(klass: StructureCode): Promise<EducationStaff[]>;
  teachersOfGroup(group: StructureCode): Promise<EducationStaff[]>;
  /** Pupils linked to an adult through `ENTElevePersRelEleve`, with the link's flags. */
  childrenOf(guardianId: string): Promise<ChildLink[]>;
  /** `childrenOf` for many adults at once, in the order asked: one round trip (per 100 adults) for the whole list. */
  childrenOfMany(guardianIds: readonly string[]): Promise<ChildLink[][]>;
  guardiansOf(studentId: string): Promise<GuardianOfStudent[]>;
  /** Teachers and other staff attached to a school (`ENTPersonStructRattach`) or holding a function in it. */
  staffOfSchool(schoolId: string): Promise<EducationStaff[]>;
  /** Pupils attached to a school (`ENTPersonStructRattach`), whatever their classes: the GAR export's pupils. */
  studentsOfSchool(schoolId: string): Promise<Student[]>;
  subjects(codes: readonly string[]): Promise<(Subject | undefined)[]>;
  mefs(codes: readonly string[]): Promise<(Mef | undefined)[]>;
  /**
   * People matching every given criterion exactly (names accent- and case-insensitive), for linking
   * a login to a person. `schoolUai` matches any of the person's schools.
   */
  findPeople(criteria: PersonCriteria): Promise<Person[]>;
  /**
   * At most `limit` people whose names start with `text` (accent- and case-insensitive). The backend
   * stops at `limit`: a two-letter search never reads the whole académie.
   */
  searchPeople(text: string, options: { limit: number }): Promise<Person[]>;
}

export interface PersonCriteria {
  email?: string;
  lastName?: string;
  firstName?: string;
  /** `yyyy-MM-dd`. */
  birthDate?: string;
  schoolUai?: string;
}

/** Names are matched without accents or case, as users type them. */
export { foldText as foldName } from '../../lib/text.ts';

/**
 * `structure$code`: a class or group the way AAF writes it, and its key everywhere (a code alone is
 * unique only within its school).
 */
export const codeKey = (c: StructureCode) => `${c.structureId}$${c.code}`;
