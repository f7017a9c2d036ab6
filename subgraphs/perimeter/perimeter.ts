import DataLoader from 'dataloader';
import { codeKey, type ChildLink, type Directory } from '../../connectors/directory/directory.ts';
import type { EducationStaff, Guardian, Person, PersonKind, School, Student, StructureCode } from '../../connectors/directory/model.ts';
import type { Viewer } from '../../lib/viewer-context.ts';

/*
 * The one definition of who may see whom, shared by every subgraph that serves data about people
 * (the directory, the vie scolaire): a subgraph with a coarser copy would be the weak door. Facts
 * come from the directory at request time, never from the session (a session's snapshot of
 * children and schools is up to 12 h old; a parent who loses legal authority in tonight's AAF delta
 * must lose access at his next request).
 */

export interface PerimeterOptions {
  /** Whether a "personne en charge" (respLégal 2) sees the pupil as a legal guardian does. */
  personInChargeSeesChild: boolean;
}

/** Staff functions whose holders see every pupil of their school (and the pupils' guardians). */
const SCHOOL_WIDE_FUNCTIONS = new Set(['DIR', 'EDU']);
/** Staff functions whose holders see every pupil of their school, but not the guardians. */
const PUPIL_WIDE_FUNCTIONS = new Set(['DOC']);

/** Kinds of data about a person, as the directory's scopes name them (`directory:<kind>:read`). */
export type PersonData = 'identity' | 'contact' | 'schooling';
const ALL_DATA: readonly PersonData[] = ['identity', 'contact', 'schooling'];
/** What a profile reads by itself about the people its perimeter shows (pupils, guardians: their own family's). */
const DATA_BY_PROFILE: Record<PersonKind, readonly PersonData[]> = { student: ALL_DATA, guardian: ALL_DATA, teacher: ['identity'], staff: [] };
/**
 * What a staff function adds, about the people of the school it is held in and no one else. The
 * router's scope mapping (config/authorization.json, applied by router/auth/scope-mapping.ts)
 * grants a function's scopes whatever its school: that is the coarse gate; this is the fine one, so
 * a mapping that grants more is narrowed here, never widened.
 */
const DATA_BY_FUNCTION: Readonly<Record<string, readonly PersonData[]>> = { DIR: ALL_DATA, EDU: ALL_DATA, DOC: ['identity'], ENS: ['identity'] };

/**
 * Who may see whom, decided from the directory's own links. One instance per request: the viewer's
 * record and links are loaded once and reused for every person the request touches.
 *
 * - everyone sees themselves;
 * - a guardian sees the pupils they are responsable légal of (a "personne en charge" only when the
 *   configuration allows), and the teachers and staff of those pupils' schools;
 * - a pupil sees their own guardians, and the teachers and staff of their schools;
 * - a teacher sees the pupils of their classes and groups, those pupils' guardians, and the staff of
 *   their schools;
 * - direction and vie scolaire see the pupils of their schools and their guardians; documentation
 *   sees the pupils; every staff member sees the staff of their schools.
 */
export class Perimeter {
  #self: Promise<Person | undefined> | undefined;
  #children: Promise<Set<string>> | undefined;
  readonly #pupils = new Map<string, Promise<Student | undefined>>();
  /**
   * The children of each adult the request asks about, batched: a staff member's search over a
   * page of guardians is one directory call, not one per guardian.
   */
  readonly #childrenOf: DataLoader<string, ChildLink[]>;
  /**
   * People and schools the request reads, batched: the perimeter checks of a guardian's three
   * children are one directory read each, and settle together (so what is fetched next for them, one
   * upstream call per school, is asked for together too).
   */
  readonly #people: DataLoader<string, Person | undefined>;
  readonly #schools: DataLoader<string, School | undefined>;

  constructor(
    readonly viewer: Viewer,
    private readonly directory: Directory,
    private readonly options: PerimeterOptions,
  ) {
    this.#childrenOf = new DataLoader((ids) => directory.childrenOfMany(ids), { maxBatchSize: 500 });
    this.#people = new DataLoader((ids) => directory.people(ids), { maxBatchSize: 500 });
    this.#schools = new DataLoader((ids) => directory.schoolsById(ids), { maxBatchSize: 500 });
  }

  /** The pupils linked to an adult (every link, whatever its flags), from this request's batch. */
  childrenOf(adultId: string): Promise<ChildLink[]> {
    return this.#childrenOf.load(adultId);
  }

  /** The viewer's own directory record, if the viewer is a person. */
  self(): Promise<Person | undefined> {
    const id = this.viewer.personId;
    this.#self ??= id && this.viewer.kind === 'person' ? this.directory.people([id]).then(([p]) => p) : Promise.resolve(undefined);
    return this.#self;
  }

  async canSee(target: Person): Promise<boolean> {
    const self = await this.self();
    if (!self) return false;
    if (self.id === target.id) return true;
    switch (target.kind) {
      case 'student':
        return this.#canSeeStudent(self, target);
      case 'guardian':
        return this.#canSeeGuardian(self, target);
      case 'teacher':
      case 'staff':
        return (await this.#communitySchools(self)).some((id) => target.schoolIds.includes(id) || target.functions.some((f) => f.structureId === id));
    }
  }

  /**
   * Whether the viewer holds one of these staff functions in this structure, as the directory says
   * now: a function is a right in its own school only (a principal of the collège who teaches at the
   * lycée is a teacher there, not its principal).
   */
  async holdsFunctionAt(codes: Iterable<string>, structureId: string): Promise<boolean> {
    const self = await this.self();
    if (self?.kind !== 'teacher' && self?.kind !== 'staff') return false;
    const wanted = new Set(codes);
    return self.functions.some((f) => wanted.has(f.code) && f.structureId === structureId);
  }

  /**
   * Whether the viewer may read this kind of data about a person they see. Everyone reads their
   * own; pupils and guardians read what their profile gives about the people their perimeter shows;
   * a teacher or staff member reads what their profile gives, plus what a function they hold in
   * one of the person's schools adds (a CPE reads the contact data of her school's pupils, not of
   * the pupils she teaches at another school).
   */
  async mayRead(data: PersonData, target: Person): Promise<boolean> {
    const self = await this.self();
    if (!self || !(await this.canSee(target))) return false;
    if (self.id === target.id || DATA_BY_PROFILE[self.kind].includes(data)) return true;
    if (self.kind !== 'teacher' && self.kind !== 'staff') return false;
    const granting = self.functions.filter((f) => DATA_BY_FUNCTION[f.code]?.includes(data));
    if (!granting.length) return false;
    const schools = new Set(await this.schoolsOfPerson(target));
    return granting.some((f) => schools.has(f.structureId));
  }

  /**
   * The schools a person belongs to, sorted: a pupil's, a guardian's children's (every link), an
   * agent's attachments and functions.
   */
  async schoolsOfPerson(person: Person): Promise<string[]> {
    switch (person.kind) {
      case 'student':
        return schoolsOf(person);
      case 'guardian':
        return [...new Set((await this.childrenOf(person.id)).flatMap(({ student }) => schoolsOf(student)))].sort();
      case 'teacher':
      case 'staff':
        return [...new Set([...person.schoolIds, ...person.functions.map((f) => f.structureId)])].sort();
    }
  }

  /**
   * A pupil the viewer may see, by id; `undefined` alike for an unknown id, someone who is not a
   * pupil, and a pupil outside the perimeter (the caller must not learn which).
   */
  pupil(id: string): Promise<Student | undefined> {
    let pupil = this.#pupils.get(id);
    if (!pupil) {
      pupil = this.#people.load(id).then(async (p) => (p?.kind === 'student' && (await this.canSee(p)) ? p : undefined));
      this.#pupils.set(id, pupil);
    }
    return pupil;
  }

  /**
   * The schools (structure ids) in which the viewer's relationship with a pupil holds, by the
   * pupil's id: every school of the pupil for the pupil and their guardians; for a teacher, the
   * schools of the classes and groups they share with the pupil; for staff, the schools where their
   * function covers the pupil. A subgraph asks only these schools about the pupil: a collège's
   * teacher of a pupil also enrolled at a lycée reads what the collège knows, never the lycée's.
   * `undefined` alike for an unknown id, someone who is not a pupil, and a pupil outside the perimeter.
   */
  async pupilSchools(id: string): Promise<string[] | undefined> {
    const [self, pupil] = await Promise.all([this.self(), this.pupil(id)]);
    if (!self || !pupil) return undefined;
    return self.id === pupil.id ? schoolsOf(pupil) : this.#sharedSchools(self, pupil);
  }

  /** Schools by id, from this request's batch. */
  async schoolsById(ids: readonly string[]): Promise<(School | undefined)[]> {
    return Promise.all(ids.map((id) => this.#schools.load(id)));
  }

  /** The pupils the viewer is a guardian of (as the perimeter counts one); none for anyone else. */
  async childIds(): Promise<string[]> {
    const self = await this.self();
    return self?.kind === 'guardian' ? [...(await this.#childIds(self))] : [];
  }

  /** Whether the viewer is a guardian with authority over the pupil (what the perimeter counts as one). */
  async isGuardianOf(pupilId: string): Promise<boolean> {
    const self = await this.self();
    return self?.kind === 'guardian' && (await this.#childIds(self)).has(pupilId);
  }

  /** Whether the viewer is this pupil, or a guardian with authority over them. */
  async isPupilOrGuardianOf(pupilId: string): Promise<boolean> {
    const self = await this.self();
    return (self?.kind === 'student' && self.id === pupilId) || this.isGuardianOf(pupilId);
  }

  /**
   * Whether the viewer belongs to a class (what is taught in it is for them): its pupils, their
   * guardians (as the perimeter counts them), its teachers, and the staff whose function covers the
   * pupils of its school (direction, vie scolaire, documentation).
   */
  async canSeeClass(klass: StructureCode): Promise<boolean> {
    const self = await this.self();
    if (!self) return false;
    const key = codeKey(klass);
    switch (self.kind) {
      case 'student':
        return self.classes.some((c) => codeKey(c) === key);
      case 'guardian': {
        const children = await this.directory.people([...(await this.#childIds(self))]);
        return children.some((c) => c?.kind === 'student' && c.classes.some((k) => codeKey(k) === key));
      }
      case 'teacher':
      case 'staff':
        return (
          [...self.classes, ...self.classSubjects].some((c) => codeKey(c) === key) ||
          self.functions.some((f) => (SCHOOL_WIDE_FUNCTIONS.has(f.code) || PUPIL_WIDE_FUNCTIONS.has(f.code)) && f.structureId === klass.structureId)
        );
    }
  }

  /** Filters a list down to the people the viewer may see, keeping the order. */
  async visible<T extends Person>(people: T[]): Promise<T[]> {
    const allowed = await Promise.all(people.map((p) => this.canSee(p)));
    return people.filter((_, i) => allowed[i]);
  }

  async #canSeeStudent(self: Person, student: Student, forGuardian = false): Promise<boolean> {
    return (await this.#sharedSchools(self, student, forGuardian)).length > 0;
  }

  /**
   * Where the relationship of the viewer (not the pupil themselves) with a pupil holds: none when
   * there is no relationship. Seeing a pupil and the schools to read them in are this one decision.
   */
  async #sharedSchools(self: Person, student: Student, forGuardian = false): Promise<string[]> {
    switch (self.kind) {
      case 'guardian':
        return (await this.#childIds(self)).has(student.id) ? schoolsOf(student) : [];
      case 'student':
        return [];
      case 'teacher':
      case 'staff': {
        const functions = forGuardian ? SCHOOL_WIDE_FUNCTIONS : new Set([...SCHOOL_WIDE_FUNCTIONS, ...PUPIL_WIDE_FUNCTIONS]);
        const pupilSchools = schoolsOf(student);
        const byFunction = self.functions.filter((f) => functions.has(f.code) && pupilSchools.includes(f.structureId)).map((f) => f.structureId);
        return [...new Set([...this.#taughtIn(self, student), ...byFunction])].sort();
      }
    }
  }

  async #canSeeGuardian(self: Person, guardian: Guardian): Promise<boolean> {
    if (self.kind === 'student') return self.guardians.some((l) => l.adultId === guardian.id);
    if (self.kind === 'guardian') return false;
    const children = await this.childrenOf(guardian.id);
    for (const { student } of children) if (await this.#canSeeStudent(self, student, true)) return true;
    return false;
  }

  /** The schools of the classes and groups the viewer teaches (or belongs to) and the pupil is in. */
  #taughtIn(self: EducationStaff, student: Student): string[] {
    const classes = new Set([...self.classes, ...self.classSubjects].map(codeKey));
    const groups = new Set([...self.groups, ...self.groupSubjects].map(codeKey));
    return [...student.classes.filter((c) => classes.has(codeKey(c))), ...student.groups.filter((g) => groups.has(codeKey(g)))].map((c) => c.structureId);
  }

  /** The schools whose teachers and staff the viewer sees. */
  async #communitySchools(self: Person): Promise<string[]> {
    if (self.kind === 'guardian') {
      const children = await this.directory.people([...(await this.#childIds(self))]);
      return children.flatMap((c) => c?.schoolIds ?? []);
    }
    if (self.kind === 'student') return self.schoolIds;
    return [...self.schoolIds, ...self.functions.map((f) => f.structureId)];
  }

  #childIds(self: Guardian): Promise<Set<string>> {
    this.#children ??= this.childrenOf(self.id).then(
      (links) =>
        new Set(links.filter(({ link }) => link.legal === 1 || (link.legal === 2 && this.options.personInChargeSeesChild)).map(({ student }) => student.id)),
    );
    return this.#children;
  }
}

/** Every school of a pupil: their attachments, and the schools of their classes and groups. */
export function schoolsOf(student: Student): string[] {
  return [...new Set([...student.schoolIds, ...student.classes.map((c) => c.structureId), ...student.groups.map((g) => g.structureId)])].sort();
}
