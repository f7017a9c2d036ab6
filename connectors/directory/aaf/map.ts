import type {
  Address,
  EducationStaff,
  Guardian,
  GuardianLink,
  Mef,
  School,
  StaffFunction,
  Student,
  StructureCode,
  Subject,
  TeachingAssignment,
} from '../model.ts';
import { FrenchDateError, frenchDayToIso } from '../../../lib/french-dates.ts';
import { codeKey } from '../directory.ts';
import { first, type AafAttributes, type AafCategory } from './entry.ts';
import { HubError } from '../../../lib/errors.ts';

/** A value that breaks the format of its attribute: the entry is rejected with this reason. */
export class AafValueError extends HubError {
  static override readonly code = 'ERR_AAF_VALUE';
}

const all = (a: AafAttributes, name: string) => a[name] ?? [];
const flag = (value: string | undefined) => (value === undefined ? undefined : value === 'O' || value === '1');

/** `dd/MM/yyyy` → `yyyy-MM-dd`; anything else is a format error. */
export function aafDate(value: string | undefined, attribute: string): string | undefined {
  if (!value) return undefined;
  try {
    return frenchDayToIso(value);
  } catch (error) {
    throw error instanceof FrenchDateError ? new AafValueError(`${attribute}: ${error.message}`) : error;
  }
}

/** `structure$code[$…]` values; a value without a `$` is malformed and skipped by the caller. */
function structureCodes(values: string[], attribute: string): StructureCode[] {
  const seen = new Set<string>();
  const out: StructureCode[] = [];
  for (const value of values) {
    const [structureId, code] = value.split('$');
    if (!structureId || !code) throw new AafValueError(`${attribute}: "${value}" is not structure$code`);
    const key = codeKey({ structureId, code });
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ structureId, code });
    }
  }
  return out;
}

function teachingAssignments(values: string[], attribute: string): TeachingAssignment[] {
  return values.map((value) => {
    const [structureId, code, subjectCode] = value.split('$');
    if (!structureId || !code || !subjectCode) throw new AafValueError(`${attribute}: "${value}" is not structure$code$subject`);
    return { structureId, code, subjectCode };
  });
}

export function guardianLinks(values: string[]): GuardianLink[] {
  return values.map((value) => {
    const parts = value.split('$');
    const [adultId, relationship, financial, legal, contact, payment] = parts;
    if (parts.length !== 6 || !adultId) {
      throw new AafValueError(`ENTElevePersRelEleve: "${value}" is not adultId$lien$financier$légal$contact$paiement`);
    }
    const legalValue = Number(legal);
    return {
      adultId,
      relationship: relationship ?? '',
      financial: financial === '1',
      legal: legalValue === 1 || legalValue === 2 ? legalValue : 0,
      contact: contact === '1',
      payment: payment === '1',
    };
  });
}

function personAddress(a: AafAttributes): Address {
  return {
    street: first(a, 'ENTPersonAdresse'),
    postalCode: first(a, 'ENTPersonCodePostal'),
    city: first(a, 'ENTPersonVille'),
    country: first(a, 'ENTPersonPays'),
  };
}

function personBase(id: string, a: AafAttributes) {
  const lastName = first(a, 'sn') ?? first(a, 'ENTPersonNomPatro');
  if (!lastName) throw new AafValueError('sn: a person needs a last name');
  return {
    id,
    lastName,
    firstName: first(a, 'givenName') ?? '',
    otherFirstNames: all(a, 'ENTPersonAutresPrenoms'),
    birthName: first(a, 'ENTPersonNomPatro'),
    title: first(a, 'personalTitle'),
    birthDate: aafDate(first(a, 'ENTPersonDateNaissance'), 'ENTPersonDateNaissance'),
    email: first(a, 'mail'),
    schoolIds: [...new Set(all(a, 'ENTPersonStructRattach'))],
  };
}

export function toStudent(id: string, a: AafAttributes): Student {
  return {
    ...personBase(id, a),
    kind: 'student',
    ine: first(a, 'ENTEleveINE'),
    classes: structureCodes(all(a, 'ENTEleveClasses'), 'ENTEleveClasses'),
    groups: structureCodes(all(a, 'ENTEleveGroupes'), 'ENTEleveGroupes'),
    mef: first(a, 'ENTEleveMEF'),
    mefLabel: first(a, 'ENTEleveLibelleMEF'),
    level: first(a, 'ENTEleveNivFormation'),
    regime: first(a, 'ENTEleveRegime'),
    scholarship: flag(first(a, 'ENTEleveBoursier')),
    transport: flag(first(a, 'ENTEleveTransport')),
    status: first(a, 'ENTEleveStatutEleve'),
    subjectCodes: all(a, 'ENTEleveCodeEnseignements'),
    guardians: guardianLinks(all(a, 'ENTElevePersRelEleve')),
    address: personAddress(a),
    homePhone: first(a, 'homePhone'),
  };
}

function staffFunctions(values: string[]): StaffFunction[] {
  return values.map((value) => {
    const [structureId, code, label, disciplineCode, disciplineLabel] = value.split('$');
    if (!structureId || !code) throw new AafValueError(`ENTPersonFonctions: "${value}" is not structure$code…`);
    return { structureId, code, label, disciplineCode, disciplineLabel };
  });
}

export function toEducationStaff(id: string, a: AafAttributes): EducationStaff {
  const functions = staffFunctions(all(a, 'ENTPersonFonctions'));
  const classSubjects = teachingAssignments(all(a, 'ENTAuxEnsClassesMatieres'), 'ENTAuxEnsClassesMatieres');
  const groupSubjects = teachingAssignments(all(a, 'ENTAuxEnsGroupesMatieres'), 'ENTAuxEnsGroupesMatieres');
  const classes = structureCodes(all(a, 'ENTAuxEnsClasses'), 'ENTAuxEnsClasses');
  const groups = structureCodes(all(a, 'ENTAuxEnsGroupes'), 'ENTAuxEnsGroupes');
  // A teacher is whoever teaches: an ENS function, or classes/groups to teach.
  const teaches = functions.some((f) => f.code === 'ENS') || classSubjects.length + groupSubjects.length + classes.length + groups.length > 0;
  return {
    ...personBase(id, a),
    kind: teaches ? 'teacher' : 'staff',
    functions,
    classes,
    groups,
    classSubjects,
    groupSubjects,
    principalOf: structureCodes(all(a, 'ENTAuxEnsClassesPrincipal'), 'ENTAuxEnsClassesPrincipal'),
    teachesPupils: first(a, 'PersEducNatPresenceDevantEleves') === 'O',
  };
}

export function toGuardian(id: string, a: AafAttributes): Guardian {
  return {
    ...personBase(id, a),
    kind: 'guardian',
    homePhone: first(a, 'homePhone'),
    workPhone: first(a, 'telephoneNumber'),
    mobilePhone: first(a, 'mobile'),
    address: personAddress(a),
    studentIds: all(a, 'ENTAuxPersRelEleveEleve'),
  };
}

export function toSchool(id: string, a: AafAttributes): School {
  const uai = first(a, 'ENTStructureUAI') ?? first(a, 'ENTEtablissementUAI');
  if (!uai) throw new AafValueError('ENTStructureUAI: a school needs a UAI');
  if (!/^\d{7}[A-Z]$/.test(uai)) throw new AafValueError(`ENTStructureUAI: "${uai}" is not a UAI (7 digits and a letter)`);
  const codes = (name: string) =>
    all(a, name)
      .map((v) => v.split('$')[0] ?? v)
      .filter(Boolean);
  return {
    id,
    uai,
    name: first(a, 'ENTStructureNomCourant') ?? uai,
    type: first(a, 'ENTStructureTypeStruct'),
    contract: first(a, 'ENTEtablissementContrat'),
    academy: first(a, 'ENTServAcAcademie'),
    classes: codes('ENTStructureClasses'),
    groups: codes('ENTStructureGroupes'),
    address: { street: first(a, 'street'), postalCode: first(a, 'postalCode'), city: first(a, 'l') },
  };
}

export function toMef(id: string, a: AafAttributes): Mef {
  return { code: first(a, 'ENTMefJointure') ?? id, label: first(a, 'ENTLibelleMef') ?? id };
}

export function toSubject(id: string, a: AafAttributes): Subject {
  return { code: first(a, 'ENTMatJointure') ?? id, label: first(a, 'ENTLibelleMatiere') ?? id };
}

/** The typed record each AAF category maps to. */
export type RecordOf = {
  Eleve: Student;
  PersEducNat: EducationStaff;
  PersRelEleve: Guardian;
  EtabEducNat: School;
  MefEducNat: Mef;
  MatiereEducNat: Subject;
};

const MAPPERS: { [C in AafCategory]: (id: string, a: AafAttributes) => RecordOf[C] } = {
  Eleve: toStudent,
  PersEducNat: toEducationStaff,
  PersRelEleve: toGuardian,
  EtabEducNat: toSchool,
  MefEducNat: toMef,
  MatiereEducNat: toSubject,
};

/**
 * The record an entry's attributes stand for: a pure function of them, which is what lets a
 * `modifyRequest` re-derive it and makes re-imports idempotent. Throws AafValueError on a bad value.
 */
export function recordOf<C extends AafCategory>(category: C, id: string, attributes: AafAttributes): RecordOf[C] {
  return MAPPERS[category](id, attributes);
}

/** The categories whose records are people, in the order an id is looked up when several hold it. */
export const PERSON_CATEGORIES = ['Eleve', 'PersEducNat', 'PersRelEleve'] as const satisfies readonly AafCategory[];
export type PersonCategory = (typeof PERSON_CATEGORIES)[number];
