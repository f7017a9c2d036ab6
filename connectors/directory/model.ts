/**
 * The académie directory as the hub sees it, whatever the backend (AAF files or the SDET LDAP).
 * Identifiers are the AAF jointures: `ENTPersonJointure` for people, `ENTStructureJointure` for
 * schools. Class and group codes are only unique within a school, hence `StructureCode`.
 */

export interface StructureCode {
  structureId: string;
  code: string;
}

export interface Address {
  street?: string;
  postalCode?: string;
  city?: string;
  country?: string;
}

export interface School {
  id: string;
  uai: string;
  name: string;
  type?: string;
  /** `PU` public, `PR` private under contract… as AAF sends it. */
  contract?: string;
  academy?: string;
  classes: string[];
  groups: string[];
  address: Address;
}

export interface Mef {
  code: string;
  label: string;
}

export interface Subject {
  code: string;
  label: string;
}

export type PersonKind = 'student' | 'teacher' | 'staff' | 'guardian';

interface PersonBase {
  id: string;
  kind: PersonKind;
  lastName: string;
  firstName: string;
  otherFirstNames: string[];
  birthName?: string;
  title?: string;
  /** ISO `yyyy-MM-dd`, from AAF `dd/MM/yyyy`. */
  birthDate?: string;
  email?: string;
  /** Schools the person is attached to (`ENTPersonStructRattach`). */
  schoolIds: string[];
}

/** `ENTElevePersRelEleve`: `adultId$lienParenté$respFinancier$respLégal$contact$paiement`. */
export interface GuardianLink {
  adultId: string;
  /** AAF relationship code (1 father, 2 mother, 10 tutor… as sent). */
  relationship: string;
  financial: boolean;
  /** 1 = responsable légal, 2 = "personne en charge", 0 = neither. */
  legal: 0 | 1 | 2;
  contact: boolean;
  payment: boolean;
}

export interface Student extends PersonBase {
  kind: 'student';
  ine?: string;
  classes: StructureCode[];
  groups: StructureCode[];
  mef?: string;
  mefLabel?: string;
  level?: string;
  regime?: string;
  scholarship?: boolean;
  transport?: boolean;
  status?: string;
  subjectCodes: string[];
  guardians: GuardianLink[];
  address: Address;
  homePhone?: string;
}

/** A class or group a teacher teaches, and in which subject (`structure$class$subjectCode`). */
export interface TeachingAssignment {
  structureId: string;
  code: string;
  subjectCode: string;
}

/** `ENTPersonFonctions`: `structure$code$label$disciplineCode$disciplineLabel`. */
export interface StaffFunction {
  structureId: string;
  /** DIR direction, EDU vie scolaire/CPE, DOC documentation, ENS teaching, ADM… */
  code: string;
  label?: string;
  disciplineCode?: string;
  disciplineLabel?: string;
}

export interface EducationStaff extends PersonBase {
  kind: 'teacher' | 'staff';
  functions: StaffFunction[];
  classes: StructureCode[];
  groups: StructureCode[];
  classSubjects: TeachingAssignment[];
  groupSubjects: TeachingAssignment[];
  /** Classes where the person is professeur principal. */
  principalOf: StructureCode[];
  teachesPupils: boolean;
}

export interface Guardian extends PersonBase {
  kind: 'guardian';
  homePhone?: string;
  workPhone?: string;
  mobilePhone?: string;
  address: Address;
  /** Pupils named on the guardian's own entry (`ENTAuxPersRelEleveEleve`), when sent. */
  studentIds: string[];
}

export type Person = Student | EducationStaff | Guardian;

/** How the hub names a person to others: first name, then last name, as the académie writes them. */
export const displayNameOf = (p: Pick<Person, 'firstName' | 'lastName'>): string => `${p.firstName} ${p.lastName}`.trim();
