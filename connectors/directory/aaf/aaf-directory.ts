import { codeKey, foldName, type ChildLink, type Directory, type GuardianOfStudent, type PersonCriteria } from '../directory.ts';
import type { EducationStaff, Person, School, Student, StructureCode } from '../model.ts';
import type { AafStore } from './store.ts';

interface Indexes {
  version: number;
  schoolByUai: Map<string, School>;
  studentsByClass: Map<string, Student[]>;
  studentsByGroup: Map<string, Student[]>;
  teachersByClass: Map<string, EducationStaff[]>;
  teachersByGroup: Map<string, EducationStaff[]>;
  childrenByAdult: Map<string, ChildLink[]>;
  staffBySchool: Map<string, EducationStaff[]>;
  studentsBySchool: Map<string, Student[]>;
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/**
 * The directory served from an imported AAF export. Links are resolved through indexes rebuilt
 * after the store changes (an import or a delta), never by scanning on each request.
 */
export class AafDirectory implements Directory {
  #indexes: Indexes | undefined;

  constructor(readonly store: AafStore) {}

  #index(): Indexes {
    if (this.#indexes?.version === this.store.version) return this.#indexes;
    const ix: Indexes = {
      version: this.store.version,
      schoolByUai: new Map(),
      studentsByClass: new Map(),
      studentsByGroup: new Map(),
      teachersByClass: new Map(),
      teachersByGroup: new Map(),
      childrenByAdult: new Map(),
      staffBySchool: new Map(),
      studentsBySchool: new Map(),
    };
    for (const school of this.store.records('EtabEducNat')) ix.schoolByUai.set(school.uai, school);
    for (const student of this.store.records('Eleve')) {
      for (const c of student.classes) push(ix.studentsByClass, codeKey(c), student);
      for (const g of student.groups) push(ix.studentsByGroup, codeKey(g), student);
      for (const schoolId of student.schoolIds) push(ix.studentsBySchool, schoolId, student);
      for (const link of student.guardians) push(ix.childrenByAdult, link.adultId, { student, link });
    }
    for (const staff of this.store.records('PersEducNat')) {
      // A teacher of a class is named in ENTAuxEnsClasses or ENTAuxEnsClassesMatieres (real exports
      // fill one or the other, sometimes with different structure ids).
      const classes = new Set([...staff.classes, ...staff.classSubjects].map(codeKey));
      const groups = new Set([...staff.groups, ...staff.groupSubjects].map(codeKey));
      for (const key of classes) push(ix.teachersByClass, key, staff);
      for (const key of groups) push(ix.teachersByGroup, key, staff);
      const schools = new Set([...staff.schoolIds, ...staff.functions.map((f) => f.structureId)]);
      for (const schoolId of schools) push(ix.staffBySchool, schoolId, staff);
    }
    this.#indexes = ix;
    return ix;
  }

  async people(ids: readonly string[]): Promise<(Person | undefined)[]> {
    return ids.map((id) => this.store.person(id));
  }

  async schoolsByUai(uais: readonly string[]) {
    const ix = this.#index();
    return uais.map((uai) => ix.schoolByUai.get(uai));
  }

  async allSchools() {
    return [...this.store.records('EtabEducNat')].sort((a, b) => a.uai.localeCompare(b.uai));
  }

  async schoolsById(ids: readonly string[]) {
    return ids.map((id) => this.store.record('EtabEducNat', id));
  }

  async studentsOfClass(klass: StructureCode) {
    return this.#index().studentsByClass.get(codeKey(klass)) ?? [];
  }

  async studentsOfGroup(group: StructureCode) {
    return this.#index().studentsByGroup.get(codeKey(group)) ?? [];
  }

  async teachersOfClass(klass: StructureCode) {
    return this.#index().teachersByClass.get(codeKey(klass)) ?? [];
  }

  async teachersOfGroup(group: StructureCode) {
    return this.#index().teachersByGroup.get(codeKey(group)) ?? [];
  }

  async childrenOf(guardianId: string) {
    return this.#index().childrenByAdult.get(guardianId) ?? [];
  }

  async childrenOfMany(guardianIds: readonly string[]) {
    const ix = this.#index();
    return guardianIds.map((id) => ix.childrenByAdult.get(id) ?? []);
  }

  async guardiansOf(studentId: string): Promise<GuardianOfStudent[]> {
    const student = this.store.record('Eleve', studentId);
    return (student?.guardians ?? []).map((link) => ({ guardian: this.store.record('PersRelEleve', link.adultId), link }));
  }

  async staffOfSchool(schoolId: string) {
    return this.#index().staffBySchool.get(schoolId) ?? [];
  }

  async studentsOfSchool(schoolId: string) {
    return this.#index().studentsBySchool.get(schoolId) ?? [];
  }

  async subjects(codes: readonly string[]) {
    return codes.map((code) => this.store.record('MatiereEducNat', code));
  }

  async mefs(codes: readonly string[]) {
    return codes.map((code) => this.store.record('MefEducNat', code));
  }

  async findPeople(criteria: PersonCriteria): Promise<Person[]> {
    if (!Object.values(criteria).some(Boolean)) return [];
    const schoolId = criteria.schoolUai ? this.#index().schoolByUai.get(criteria.schoolUai)?.id : undefined;
    if (criteria.schoolUai && !schoolId) return [];
    const same = (a: string | undefined, b: string | undefined) => b === undefined || (a !== undefined && foldName(a) === foldName(b));
    const out: Person[] = [];
    for (const person of this.#everyone()) {
      if (!same(person.email, criteria.email) || !same(person.lastName, criteria.lastName) || !same(person.firstName, criteria.firstName)) continue;
      if (criteria.birthDate && person.birthDate !== criteria.birthDate) continue;
      if (schoolId && !person.schoolIds.includes(schoolId)) continue;
      out.push(person);
    }
    return out;
  }

  #everyone(): Person[] {
    return [...this.store.records('Eleve'), ...this.store.records('PersEducNat'), ...this.store.records('PersRelEleve')];
  }

  async searchPeople(text: string, options: { limit: number }) {
    const needle = foldName(text.trim());
    if (!needle) return [];
    const matches = (p: Person) =>
      foldName(p.lastName).startsWith(needle) || foldName(p.firstName).startsWith(needle) || foldName(`${p.firstName} ${p.lastName}`).startsWith(needle);
    const out: Person[] = [];
    for (const person of this.#everyone()) {
      if (matches(person)) out.push(person);
      if (out.length >= options.limit) break;
    }
    return out;
  }
}
