import { sql, type Kysely } from 'kysely';
import { codeKey, foldName, type ChildLink, type Directory, type GuardianOfStudent, type PersonCriteria } from '../../connectors/directory/directory.ts';
import type { AafAttributes, AafCategory } from '../../connectors/directory/aaf/entry.ts';
import { PERSON_CATEGORIES, recordOf, type RecordOf } from '../../connectors/directory/aaf/map.ts';
import type { EducationStaff, Person, School, Student, StructureCode } from '../../connectors/directory/model.ts';
import type { Database, DirectoryLinksTable } from '../schema.ts';

/** Adults per `childrenOfMany` query: bounded statements, and still one round trip for a family page. */
const CHILDREN_CHUNK = 100;

interface EntryRow {
  category: AafCategory;
  id: string;
  attributes: AafAttributes;
}

/** Records are re-derived from the stored attributes by the import's own mapping (one code for both). */
const toRecord = <C extends AafCategory>(row: EntryRow & { category: C }): RecordOf[C] => recordOf(row.category, row.id, row.attributes);

/** `%` and `_` typed by a user match themselves in a LIKE prefix. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * The imported directory (store/migrations/0005-directory.ts) as the hub reads it: every method is
 * one or a few indexed queries (by id, by UAI, by class, by adult, by name prefix), never a read of
 * the whole académie, so a process's memory does not grow with the académie's size.
 */
export class PostgresDirectory implements Directory {
  constructor(private readonly db: Kysely<Database>) {}

  #entries(category: AafCategory | readonly AafCategory[]) {
    const query = this.db.selectFrom('directory_entries').select(['category', 'id', 'attributes']);
    return typeof category === 'string' ? query.where('category', '=', category) : query.where('category', 'in', category);
  }

  async #byIds<C extends AafCategory>(category: C, ids: readonly string[]): Promise<(RecordOf[C] | undefined)[]> {
    if (!ids.length) return [];
    const rows = (await this.#entries(category)
      .where('id', 'in', [...new Set(ids)])
      .execute()) as (EntryRow & { category: C })[];
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id));
  }

  /** Records linked to `target` by `relation`, ordered by id. */
  async #linked<C extends AafCategory>(category: C, relation: DirectoryLinksTable['relation'], target: string): Promise<RecordOf[C][]> {
    const rows = (await this.db
      .selectFrom('directory_links as l')
      .innerJoin('directory_entries as e', (join) => join.onRef('e.category', '=', 'l.category').onRef('e.id', '=', 'l.entry_id'))
      .select(['e.category', 'e.id', 'e.attributes'])
      .where('l.relation', '=', relation)
      .where('l.target', '=', target)
      .where('l.category', '=', category)
      .orderBy('e.id')
      .execute()) as (EntryRow & { category: C })[];
    return rows.map(toRecord);
  }

  async people(ids: readonly string[]): Promise<(Person | undefined)[]> {
    if (!ids.length) return [];
    const rows = await this.#entries(PERSON_CATEGORIES)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    // An id held by several categories resolves as AafStore did: pupil, then staff, then adult.
    const rank = (category: AafCategory) => PERSON_CATEGORIES.indexOf(category as (typeof PERSON_CATEGORIES)[number]);
    const byId = new Map<string, EntryRow>();
    for (const row of rows) {
      const seen = byId.get(row.id);
      if (!seen || rank(row.category) < rank(seen.category)) byId.set(row.id, row);
    }
    return ids.map((id) => {
      const row = byId.get(id);
      return row && (toRecord(row) as Person);
    });
  }

  async schoolsByUai(uais: readonly string[]): Promise<(School | undefined)[]> {
    if (!uais.length) return [];
    const rows = (await this.#entries('EtabEducNat')
      .where('uai', 'in', [...new Set(uais)])
      .orderBy('id')
      .execute()) as (EntryRow & { category: 'EtabEducNat' })[];
    const byUai = new Map(rows.map((row) => toRecord(row)).map((school) => [school.uai, school]));
    return uais.map((uai) => byUai.get(uai));
  }

  schoolsById(ids: readonly string[]): Promise<(School | undefined)[]> {
    return this.#byIds('EtabEducNat', ids);
  }

  async allSchools(): Promise<School[]> {
    const rows = (await this.#entries('EtabEducNat').execute()) as (EntryRow & { category: 'EtabEducNat' })[];
    return rows.map(toRecord).sort((a, b) => a.uai.localeCompare(b.uai));
  }

  studentsOfClass(klass: StructureCode): Promise<Student[]> {
    return this.#linked('Eleve', 'student_class', codeKey(klass));
  }

  studentsOfGroup(group: StructureCode): Promise<Student[]> {
    return this.#linked('Eleve', 'student_group', codeKey(group));
  }

  teachersOfClass(klass: StructureCode): Promise<EducationStaff[]> {
    return this.#linked('PersEducNat', 'teacher_class', codeKey(klass));
  }

  teachersOfGroup(group: StructureCode): Promise<EducationStaff[]> {
    return this.#linked('PersEducNat', 'teacher_group', codeKey(group));
  }

  staffOfSchool(schoolId: string): Promise<EducationStaff[]> {
    return this.#linked('PersEducNat', 'staff_school', schoolId);
  }

  /** The pupils attached to a school (`ENTPersonStructRattach`), for the GAR export: one index range. */
  studentsOfSchool(schoolId: string): Promise<Student[]> {
    return this.#linked('Eleve', 'student_school', schoolId);
  }

  async childrenOf(guardianId: string): Promise<ChildLink[]> {
    return (await this.childrenOfMany([guardianId]))[0]!;
  }

  async childrenOfMany(guardianIds: readonly string[]): Promise<ChildLink[][]> {
    const unique = [...new Set(guardianIds)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += CHILDREN_CHUNK) chunks.push(unique.slice(i, i + CHILDREN_CHUNK));
    const rows = (
      await Promise.all(
        chunks.map((chunk) =>
          this.db
            .selectFrom('directory_links as l')
            .innerJoin('directory_entries as e', (join) => join.onRef('e.category', '=', 'l.category').onRef('e.id', '=', 'l.entry_id'))
            .select(['l.target as adultId', 'l.position', 'e.category', 'e.id', 'e.attributes'])
            .where('l.relation', '=', 'guardian')
            .where('l.target', 'in', chunk)
            .orderBy('e.id')
            .orderBy('l.position')
            .execute(),
        ),
      )
    ).flat();
    const byAdult = new Map<string, ChildLink[]>();
    const students = new Map<string, Student>();
    for (const row of rows) {
      let student = students.get(row.id);
      if (!student) students.set(row.id, (student = toRecord(row as EntryRow & { category: 'Eleve' })));
      const link = student.guardians[row.position];
      if (!link) continue;
      const list = byAdult.get(row.adultId);
      if (list) list.push({ student, link });
      else byAdult.set(row.adultId, [{ student, link }]);
    }
    return guardianIds.map((id) => byAdult.get(id) ?? []);
  }

  async guardiansOf(studentId: string): Promise<GuardianOfStudent[]> {
    const [student] = await this.#byIds('Eleve', [studentId]);
    if (!student) return [];
    const guardians = await this.#byIds(
      'PersRelEleve',
      student.guardians.map((link) => link.adultId),
    );
    return student.guardians.map((link, i) => ({ guardian: guardians[i], link }));
  }

  subjects(codes: readonly string[]) {
    return this.#byIds('MatiereEducNat', codes);
  }

  mefs(codes: readonly string[]) {
    return this.#byIds('MefEducNat', codes);
  }

  async findPeople(criteria: PersonCriteria): Promise<Person[]> {
    if (!Object.values(criteria).some(Boolean)) return [];
    let schoolId: string | undefined;
    if (criteria.schoolUai) {
      schoolId = (await this.schoolsByUai([criteria.schoolUai]))[0]?.id;
      if (!schoolId) return [];
    }
    let query = this.#entries(PERSON_CATEGORIES);
    // Each criterion given must match; one given but absent from the person does not.
    if (criteria.email !== undefined) query = query.where('email_key', '=', foldName(criteria.email));
    if (criteria.lastName !== undefined) query = query.where('last_name_key', '=', foldName(criteria.lastName));
    if (criteria.firstName !== undefined) query = query.where('first_name_key', '=', foldName(criteria.firstName));
    if (criteria.birthDate) query = query.where('birth_date', '=', criteria.birthDate);
    if (schoolId) query = query.where(sql<boolean>`attributes -> 'ENTPersonStructRattach' ? ${schoolId}`);
    const rows = await query.orderBy('category').orderBy('id').execute();
    return rows.map((row) => toRecord(row) as Person);
  }

  async searchPeople(text: string, options: { limit: number }): Promise<Person[]> {
    const needle = foldName(text.trim());
    if (!needle || options.limit <= 0) return [];
    const pattern = likePrefix(needle);
    // One index range per name form, each stopped at `limit`: at most 3 × limit rows are read.
    const branch = (column: 'last_name_key' | 'first_name_key' | 'full_name_key') =>
      this.#entries(PERSON_CATEGORIES).where(column, 'like', pattern).orderBy(column).orderBy('id').limit(options.limit);
    // "first last" starts with a needle that has no space exactly when the first name does: that form is
    // read only for a needle with a space ("lucas b").
    const forms = needle.includes(' ') ? (['last_name_key', 'first_name_key', 'full_name_key'] as const) : (['last_name_key', 'first_name_key'] as const);
    const rows = (await Promise.all(forms.map((form) => branch(form).execute()))).flat();
    const seen = new Set<string>();
    const out: Person[] = [];
    for (const row of rows) {
      const key = `${row.category}$${row.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(toRecord(row) as Person);
      if (out.length >= options.limit) break;
    }
    return out;
  }
}
