import { codeKey, type Directory } from '../../connectors/directory/directory.ts';
import type { EducationStaff, Guardian, Person, Student, StructureCode } from '../../connectors/directory/model.ts';
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

  constructor(
    readonly viewer: Viewer,
    private readonly directory: Directory,
    private readonly options: PerimeterOptions,
  ) {}

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
   * A pupil the viewer may see, by id; `undefined` alike for an unknown id, someone who is not a
   * pupil, and a pupil outside the perimeter (the caller must not learn which).
   */
  pupil(id: string): Promise<Student | undefined> {
    let pupil = this.#pupils.get(id);
    if (!pupil) {
      pupil = this.directory.people([id]).then(async ([p]) => (p?.kind === 'student' && (await this.canSee(p)) ? p : undefined));
      this.#pupils.set(id, pupil);
    }
    return pupil;
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
    switch (self.kind) {
      case 'guardian':
        return (await this.#childIds(self)).has(student.id);
      case 'student':
        return false;
      case 'teacher':
      case 'staff': {
        if (this.#teaches(self, student)) return true;
        const functions = forGuardian ? SCHOOL_WIDE_FUNCTIONS : new Set([...SCHOOL_WIDE_FUNCTIONS, ...PUPIL_WIDE_FUNCTIONS]);
        return self.functions.some((f) => functions.has(f.code) && student.schoolIds.includes(f.structureId));
      }
    }
  }

  async #canSeeGuardian(self: Person, guardian: Guardian): Promise<boolean> {
    if (self.kind === 'student') return (self as Student).guardians.some((l) => l.adultId === guardian.id);
    if (self.kind === 'guardian') return false;
    const children = await this.directory.childrenOf(guardian.id);
    for (const { student } of children) if (await this.#canSeeStudent(self, student, true)) return true;
    return false;
  }

  #teaches(self: EducationStaff, student: Student): boolean {
    const classes = new Set([...self.classes, ...self.classSubjects].map(codeKey));
    const groups = new Set([...self.groups, ...self.groupSubjects].map(codeKey));
    return student.classes.some((c) => classes.has(codeKey(c))) || student.groups.some((g) => groups.has(codeKey(g)));
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
    this.#children ??= this.directory.childrenOf(self.id).then(
      (links) =>
        new Set(
          links
            .filter(({ link }) => link.legal === 1 || (link.legal === 2 && this.options.personInChargeSeesChild))
            .map(({ student }) => student.id),
        ),
    );
    return this.#children;
  }
}
