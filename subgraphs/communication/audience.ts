import { codeKey, foldName, type Directory } from '../../connectors/directory/directory.ts';
import type { EducationStaff, Person, Student, StructureCode } from '../../connectors/directory/model.ts';
import type { Perimeter, PerimeterOptions } from '../perimeter/perimeter.ts';

/*
 * Who may write to whom: the one place it is decided, from the directory's relations now (never
 * from a session's snapshot). `mayWriteTo` for a person, `lists` for the lists a viewer may send
 * to, `expand` for who a list reaches at the moment of sending.
 */

export interface AudienceOptions extends PerimeterOptions {
  /** Whether a pupil may write to the pupils of their own classes (off by default: collège). */
  pupilToPupil: boolean;
}

export type ListKind = 'class-pupils' | 'class-guardians' | 'class-teachers' | 'group-pupils' | 'school-staff';
const LIST_KINDS: readonly ListKind[] = ['class-pupils', 'class-guardians', 'class-teachers', 'group-pupils', 'school-staff'];

/** A list of recipients: its id says what it is (`class-guardians:<structure>$<code>`, `school-staff:<structure>`). */
export interface RecipientList {
  id: string;
  kind: ListKind;
  name: string;
  structureId: string;
  /** The class or group's code; absent for a school's staff. */
  code?: string;
}

/** Functions whose holders write to every class of their school (and its lists). */
const SCHOOL_WIDE_FUNCTIONS = new Set(['DIR', 'EDU']);
/** The direction: the only ones who write to a school's whole staff. */
const DIRECTION = 'DIR';

const isAgent = (p: Person): p is EducationStaff => p.kind === 'teacher' || p.kind === 'staff';
const keysOf = (units: readonly StructureCode[]) => new Set(units.map(codeKey));

/** Whether this agent teaches (a class or group of) this pupil. */
function teaches(agent: EducationStaff, pupil: Student): boolean {
  const theirs = new Set([...agent.classes, ...agent.classSubjects, ...agent.groups, ...agent.groupSubjects].map(codeKey));
  return [...pupil.classes, ...pupil.groups].some((u) => theirs.has(codeKey(u)));
}

/** Parses a list id; undefined for anything that is not one. */
export function parseListId(id: string): { kind: ListKind; structureId: string; code?: string } | undefined {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon) as ListKind;
  if (colon < 0 || !LIST_KINDS.includes(kind)) return undefined;
  const rest = id.slice(colon + 1);
  if (kind === 'school-staff') return rest ? { kind, structureId: rest } : undefined;
  const dollar = rest.indexOf('$');
  if (dollar <= 0 || dollar === rest.length - 1) return undefined;
  return { kind, structureId: rest.slice(0, dollar), code: rest.slice(dollar + 1) };
}

export class Audience {
  #lists: Promise<RecipientList[]> | undefined;

  constructor(
    private readonly perimeter: Perimeter,
    private readonly directory: Directory,
    private readonly options: AudienceOptions,
  ) {}

  /** Whether the viewer may write to this person. */
  async mayWriteTo(target: Person): Promise<boolean> {
    const self = await this.perimeter.self();
    if (!self || self.id === target.id) return false;
    switch (self.kind) {
      case 'guardian':
        // The teachers and staff of their children's schools; never other families.
        return isAgent(target) && this.perimeter.canSee(target);
      case 'student':
        if (target.kind === 'staff') return this.perimeter.canSee(target);
        if (target.kind === 'teacher') return teaches(target, self);
        if (target.kind === 'student') return this.options.pupilToPupil && [...keysOf(self.classes)].some((k) => keysOf(target.classes).has(k));
        return false;
      case 'teacher':
      case 'staff':
        return this.perimeter.canSee(target);
    }
  }

  /** The lists the viewer may send to: their classes' and groups', every class of a school they run, its staff for its direction. */
  lists(): Promise<RecipientList[]> {
    // Once per request: a message naming several lists checks each against the same answer.
    this.#lists ??= this.#computeLists();
    return this.#lists;
  }

  async #computeLists(): Promise<RecipientList[]> {
    const self = await this.perimeter.self();
    if (!self || !isAgent(self)) return [];
    const classes = new Map<string, StructureCode>();
    const groups = new Map<string, StructureCode>();
    for (const c of [...self.classes, ...self.classSubjects]) classes.set(codeKey(c), { structureId: c.structureId, code: c.code });
    for (const g of [...self.groups, ...self.groupSubjects]) groups.set(codeKey(g), { structureId: g.structureId, code: g.code });
    const wide = [...new Set(self.functions.filter((f) => SCHOOL_WIDE_FUNCTIONS.has(f.code)).map((f) => f.structureId))];
    const directed = new Set(self.functions.filter((f) => f.code === DIRECTION).map((f) => f.structureId));
    const schoolIds = [...new Set([...wide, ...[...classes.values(), ...groups.values()].map((u) => u.structureId)])];
    const schools = new Map((await this.perimeter.schoolsById(schoolIds)).filter((s) => s !== undefined).map((s) => [s.id, s]));
    for (const id of wide) {
      for (const code of schools.get(id)?.classes ?? []) classes.set(codeKey({ structureId: id, code }), { structureId: id, code });
      for (const code of schools.get(id)?.groups ?? []) groups.set(codeKey({ structureId: id, code }), { structureId: id, code });
    }
    const where = (structureId: string) => schools.get(structureId)?.name ?? structureId;
    const lists: RecipientList[] = [];
    for (const c of classes.values()) {
      lists.push(
        { id: `class-pupils:${codeKey(c)}`, kind: 'class-pupils', name: `Élèves de ${c.code} — ${where(c.structureId)}`, ...c },
        { id: `class-guardians:${codeKey(c)}`, kind: 'class-guardians', name: `Parents de ${c.code} — ${where(c.structureId)}`, ...c },
        { id: `class-teachers:${codeKey(c)}`, kind: 'class-teachers', name: `Professeurs de ${c.code} — ${where(c.structureId)}`, ...c },
      );
    }
    for (const g of groups.values()) {
      lists.push({ id: `group-pupils:${codeKey(g)}`, kind: 'group-pupils', name: `Élèves du groupe ${g.code} — ${where(g.structureId)}`, ...g });
    }
    for (const id of directed) lists.push({ id: `school-staff:${id}`, kind: 'school-staff', name: `Personnels — ${where(id)}`, structureId: id });
    return lists.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }

  /** The list with this id if the viewer may send to it. */
  async list(id: string): Promise<RecipientList | undefined> {
    if (!parseListId(id)) return undefined;
    return (await this.lists()).find((l) => l.id === id);
  }

  /** Lists and people the viewer may write to whose names match `text` (accent- and case-insensitive). */
  async search(text: string, limit: number): Promise<{ lists: RecipientList[]; people: Person[] }> {
    const folded = foldName(text);
    const lists = (await this.lists()).filter((l) => foldName(l.name).includes(folded)).slice(0, limit);
    // Search widely, then keep whom the rules allow, until the page is full.
    const found = await this.directory.searchPeople(text, { limit: limit * 20 });
    const allowed = await Promise.all(found.map((p) => this.mayWriteTo(p)));
    return { lists, people: found.filter((_, i) => allowed[i]).slice(0, limit) };
  }

  /**
   * Who a list reaches now. A class's guardians are its pupils' legal guardians (a "personne en
   * charge" too when the configuration says so); a parent without legal authority is not one.
   */
  async expand(list: RecipientList): Promise<Person[]> {
    const unit = { structureId: list.structureId, code: list.code ?? '' };
    switch (list.kind) {
      case 'class-pupils':
        return this.directory.studentsOfClass(unit);
      case 'group-pupils':
        return this.directory.studentsOfGroup(unit);
      case 'class-teachers':
        return this.directory.teachersOfClass(unit);
      case 'school-staff':
        return this.directory.staffOfSchool(list.structureId);
      case 'class-guardians': {
        const pupils = await this.directory.studentsOfClass(unit);
        const ids = [...new Set(pupils.flatMap((p) => this.legalGuardianIds(p)))];
        return (await this.directory.people(ids)).filter((p) => p?.kind === 'guardian');
      }
    }
  }

  /**
   * The school whose direction a report by the viewer about a message from `sender` goes to: one
   * both belong to (a guardian through their children), else the viewer's own first school.
   */
  async reportSchool(sender: Person | undefined): Promise<string | undefined> {
    const self = await this.perimeter.self();
    if (!self) return undefined;
    const mine = await this.perimeter.schoolsOfPerson(self);
    const theirs = new Set(sender ? await this.perimeter.schoolsOfPerson(sender) : []);
    return mine.find((id) => theirs.has(id)) ?? mine[0];
  }

  /** The schools the viewer directs (DIR): the reports they see. */
  directedSchools(): Promise<string[]> {
    return this.schoolsWhereViewerHolds([DIRECTION]);
  }

  /** The schools (ids) where the viewer holds one of these staff functions now, from the directory. */
  async schoolsWhereViewerHolds(functions: readonly string[]): Promise<string[]> {
    const self = await this.perimeter.self();
    return self && isAgent(self) ? [...new Set(self.functions.filter((f) => functions.includes(f.code)).map((f) => f.structureId))] : [];
  }

  /** The pupil's guardians who sign for them and receive their class's mail. */
  legalGuardianIds(pupil: Student): string[] {
    return pupil.guardians.filter((l) => l.legal === 1 || (l.legal === 2 && this.options.personInChargeSeesChild)).map((l) => l.adultId);
  }
}
