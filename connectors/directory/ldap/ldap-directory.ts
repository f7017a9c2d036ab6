import { AndFilter, EqualityFilter, OrFilter, SubstringFilter, type Entry, type Filter } from 'ldapts';
import type { AafAttributes } from '../aaf/entry.ts';
import { AafValueError, toEducationStaff, toGuardian, toSchool, toStudent } from '../aaf/map.ts';
import { codeKey, foldName, type ChildLink, type Directory, type GuardianOfStudent, type PersonCriteria } from '../directory.ts';
import type { EducationStaff, Mef, Person, School, Student, StructureCode, Subject } from '../model.ts';
import { SdetDns } from './dn.ts';
import type { LdapPool } from './ldap-pool.ts';
import { isoDayToFrench } from '../../../lib/french-dates.ts';

const eq = (attribute: string, value: string) => new EqualityFilter({ attribute, value });
const startsWith = (attribute: string, initial: string) => new SubstringFilter({ attribute, initial });
const or = (filters: Filter[]) => (filters.length === 1 ? filters[0]! : new OrFilter({ filters }));
const and = (filters: Filter[]) => (filters.length === 1 ? filters[0]! : new AndFilter({ filters }));

/** Attributes holding DNs of classes and groups, and how they read back as AAF `structure$code`. */
const UNIT_ATTRIBUTES = ['ENTEleveClasses', 'ENTEleveGroupes', 'ENTAuxEnsClasses', 'ENTAuxEnsGroupes', 'ENTAuxEnsClassesPrincipal'];
/** Ids per OR filter: large enough to batch, small enough for any server's filter limits. */
const IDS_PER_SEARCH = 100;

/**
 * The directory read from the SDET LDAP directory. Links are DNs there; each entry is turned back
 * into AAF attributes and mapped by the same functions as an AAF import, so both backends give the
 * same records. Every filter is built from filter objects (encoded as BER, never parsed from a
 * string): a value can never change a filter's meaning.
 */
export class LdapDirectory implements Directory {
  readonly dns: SdetDns;

  constructor(private readonly pool: LdapPool) {
    this.dns = new SdetDns(pool.options.base);
  }

  #values(entry: Entry, attribute: string): string[] {
    const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
    const value = key ? entry[key] : undefined;
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  }

  /** An LDAP entry as AAF attributes: DN links become `structure$code` or ids again. */
  #asAaf(entry: Entry): AafAttributes {
    const attributes: AafAttributes = {};
    for (const key of Object.keys(entry)) {
      if (key === 'dn') continue;
      const values = this.#values(entry, key);
      if (UNIT_ATTRIBUTES.some((a) => a.toLowerCase() === key.toLowerCase())) {
        attributes[canonical(key)] = values.flatMap((dn) => {
          const unit = this.dns.unitOf(dn);
          return unit ? [codeKey(unit)] : [];
        });
      } else if (key.toLowerCase() === 'entpersonstructrattach') {
        attributes.ENTPersonStructRattach = values.flatMap((dn) => this.dns.structureId(dn) ?? []);
      } else if (key.toLowerCase() === 'entauxpersreleleveeleve') {
        attributes.ENTAuxPersRelEleveEleve = values.flatMap((dn) => this.dns.personId(dn) ?? []);
      } else if (key.toLowerCase() === 'telephonenumber') {
        attributes.telephoneNumber = values;
      } else {
        attributes[canonical(key)] = values;
      }
    }
    return attributes;
  }

  #toPerson(entry: Entry): Person | undefined {
    const classes = this.#values(entry, 'objectClass').map((c) => c.toLowerCase());
    const id = this.#values(entry, 'ENTPersonJointure')[0];
    if (!id) return undefined;
    const attributes = this.#asAaf(entry);
    try {
      if (classes.includes('enteleve')) return toStudent(id, attributes);
      if (classes.includes('entauxenseignant') || classes.includes('entauxnonensetab')) return toEducationStaff(id, attributes);
      if (classes.includes('entauxpersreleleve')) return toGuardian(id, attributes);
    } catch (error) {
      // A malformed entry is not served, and does not break the request for the others.
      if (error instanceof AafValueError) return undefined;
      throw error;
    }
    return undefined;
  }

  #toSchool(entry: Entry): School | undefined {
    const id = this.#values(entry, 'ENTStructureJointure')[0];
    if (!id) return undefined;
    try {
      const school = toSchool(id, this.#asAaf(entry));
      return school;
    } catch (error) {
      if (error instanceof AafValueError) return undefined;
      throw error;
    }
  }

  async #people(filter: Filter, sizeLimit?: number): Promise<Person[]> {
    const entries = await this.pool.search(filter, { base: `ou=people,${this.dns.base}`, scope: 'one', sizeLimit });
    return entries.flatMap((e) => this.#toPerson(e) ?? []);
  }

  async #schools(filter: Filter): Promise<School[]> {
    const entries = await this.pool.search(and([eq('objectClass', 'ENTStructure'), filter]), { base: `ou=structures,${this.dns.base}`, scope: 'one' });
    const schools = entries.flatMap((e) => this.#toSchool(e) ?? []);
    // Classes and groups are entries below each school.
    const units = await this.pool.search(or([eq('objectClass', 'ENTClasse'), eq('objectClass', 'ENTGroupe')]), {
      base: `ou=structures,${this.dns.base}`,
      attributes: ['cn', 'objectClass'],
    });
    for (const school of schools) {
      for (const unit of units) {
        const ref = this.dns.unitOf(unit.dn);
        if (ref?.structureId !== school.id) continue;
        const isClass = this.#values(unit, 'objectClass').some((c) => c.toLowerCase() === 'entclasse');
        (isClass ? school.classes : school.groups).push(ref.code);
      }
    }
    return schools;
  }

  /** Looks ids up by chunks of OR filters: one search per 100 ids. */
  async #byIds<T>(ids: readonly string[], search: (filter: Filter) => Promise<T[]>, attribute: string, key: (t: T) => string): Promise<(T | undefined)[]> {
    const unique = [...new Set(ids)];
    const found = new Map<string, T>();
    for (let i = 0; i < unique.length; i += IDS_PER_SEARCH) {
      const chunk = unique.slice(i, i + IDS_PER_SEARCH);
      for (const item of await search(or(chunk.map((id) => eq(attribute, id))))) found.set(key(item), item);
    }
    return ids.map((id) => found.get(id));
  }

  people(ids: readonly string[]) {
    return this.#byIds(
      ids,
      (f) => this.#people(f),
      'ENTPersonJointure',
      (p) => p.id,
    );
  }

  schoolsByUai(uais: readonly string[]) {
    return this.#byIds(
      uais,
      (f) => this.#schools(f),
      'ENTStructureUAI',
      (s) => s.uai,
    );
  }

  schoolsById(ids: readonly string[]) {
    return this.#byIds(
      ids,
      (f) => this.#schools(f),
      'ENTStructureJointure',
      (s) => s.id,
    );
  }

  async allSchools() {
    return (await this.#schools(eq('objectClass', 'ENTEtablissement'))).sort((a, b) => a.uai.localeCompare(b.uai));
  }

  async studentsOfClass(klass: StructureCode) {
    return (await this.#people(eq('ENTEleveClasses', this.dns.unit('classes', klass)))) as Student[];
  }

  async studentsOfGroup(group: StructureCode) {
    return (await this.#people(eq('ENTEleveGroupes', this.dns.unit('groups', group)))) as Student[];
  }

  async teachersOfClass(klass: StructureCode) {
    return (await this.#people(
      or([eq('ENTAuxEnsClasses', this.dns.unit('classes', klass)), startsWith('ENTAuxEnsClassesMatieres', `${codeKey(klass)}$`)]),
    )) as EducationStaff[];
  }

  async teachersOfGroup(group: StructureCode) {
    return (await this.#people(
      or([eq('ENTAuxEnsGroupes', this.dns.unit('groups', group)), startsWith('ENTAuxEnsGroupesMatieres', `${codeKey(group)}$`)]),
    )) as EducationStaff[];
  }

  async childrenOf(guardianId: string): Promise<ChildLink[]> {
    return (await this.childrenOfMany([guardianId]))[0]!;
  }

  /** One search per 100 adults: the pupils whose links name any of them. */
  async childrenOfMany(guardianIds: readonly string[]): Promise<ChildLink[][]> {
    const unique = [...new Set(guardianIds)];
    const students = new Map<string, Student>(); // a pupil of two adults of different chunks is found twice
    for (let i = 0; i < unique.length; i += IDS_PER_SEARCH) {
      const chunk = unique.slice(i, i + IDS_PER_SEARCH);
      for (const student of (await this.#people(or(chunk.map((id) => startsWith('ENTElevePersRelEleve', `${id}$`))))) as Student[])
        students.set(student.id, student);
    }
    const byAdult = new Map<string, ChildLink[]>();
    for (const student of students.values()) {
      for (const link of student.guardians) byAdult.set(link.adultId, [...(byAdult.get(link.adultId) ?? []), { student, link }]);
    }
    return guardianIds.map((id) => byAdult.get(id) ?? []);
  }

  async guardiansOf(studentId: string): Promise<GuardianOfStudent[]> {
    const [student] = await this.people([studentId]);
    if (student?.kind !== 'student') return [];
    const adults = await this.people(student.guardians.map((l) => l.adultId));
    return student.guardians.map((link, i) => ({ guardian: adults[i]?.kind === 'guardian' ? adults[i] : undefined, link }));
  }

  async staffOfSchool(schoolId: string) {
    return (await this.#people(
      and([
        or([eq('objectClass', 'ENTAuxEnseignant'), eq('objectClass', 'ENTAuxNonEnsEtab')]),
        or([eq('ENTPersonStructRattach', this.dns.structure(schoolId)), startsWith('ENTPersonFonctions', `${schoolId}$`)]),
      ]),
    )) as EducationStaff[];
  }

  async studentsOfSchool(schoolId: string) {
    return (await this.#people(and([eq('objectClass', 'ENTEleve'), eq('ENTPersonStructRattach', this.dns.structure(schoolId))]))) as Student[];
  }

  /** The SDET holds no subject or MEF nomenclature: labels come from the pupils' own entries. */
  async subjects(codes: readonly string[]): Promise<(Subject | undefined)[]> {
    return codes.map(() => undefined);
  }

  async mefs(codes: readonly string[]): Promise<(Mef | undefined)[]> {
    return codes.map(() => undefined);
  }

  async findPeople(criteria: PersonCriteria): Promise<Person[]> {
    const filters: Filter[] = [];
    if (criteria.email) filters.push(eq('mail', criteria.email));
    if (criteria.lastName) filters.push(eq('sn', criteria.lastName));
    if (criteria.firstName) filters.push(eq('givenName', criteria.firstName));
    if (criteria.birthDate) filters.push(eq('ENTPersonDateNaissance', isoDayToFrench(criteria.birthDate)));
    if (criteria.schoolUai) {
      const [school] = await this.schoolsByUai([criteria.schoolUai]);
      if (!school) return [];
      filters.push(eq('ENTPersonStructRattach', this.dns.structure(school.id)));
    }
    if (!filters.length) return [];
    // LDAP matching ignores case, not accents: check the folded names as the AAF backend does.
    const found = await this.#people(and(filters));
    return found.filter(
      (p) =>
        (!criteria.lastName || foldName(p.lastName) === foldName(criteria.lastName)) &&
        (!criteria.firstName || foldName(p.firstName) === foldName(criteria.firstName)),
    );
  }

  async searchPeople(text: string, options: { limit: number }): Promise<Person[]> {
    const needle = text.trim();
    if (!needle) return [];
    // The server stops at the limit: a two-letter search never streams the whole académie.
    const found = await this.#people(or([startsWith('sn', needle), startsWith('givenName', needle), startsWith('cn', needle)]), options.limit);
    return found.slice(0, options.limit);
  }
}

/** LDAP attribute names come back in the server's case; the AAF mappers expect the AAF spelling. */
const CANONICAL = new Map(
  [
    'ENTPersonJointure',
    'ENTPersonDateNaissance',
    'ENTPersonProfils',
    'ENTPersonFonctions',
    'ENTPersonAutresPrenoms',
    'ENTPersonNomPatro',
    'ENTPersonAdresse',
    'ENTPersonCodePostal',
    'ENTPersonVille',
    'ENTPersonPays',
    'ENTEleveINE',
    'ENTEleveClasses',
    'ENTEleveGroupes',
    'ENTEleveMEF',
    'ENTEleveLibelleMEF',
    'ENTEleveRegime',
    'ENTEleveBoursier',
    'ENTElevePersRelEleve',
    'ENTEleveStatutEleve',
    'ENTEleveCodeEnseignements',
    'ENTEleveTransport',
    'ENTEleveNivFormation',
    'ENTAuxEnsClasses',
    'ENTAuxEnsGroupes',
    'ENTAuxEnsClassesMatieres',
    'ENTAuxEnsGroupesMatieres',
    'ENTAuxEnsClassesPrincipal',
    'ENTStructureJointure',
    'ENTStructureUAI',
    'ENTStructureNomCourant',
    'ENTStructureTypeStruct',
    'ENTServAcAcademie',
    'ENTEtablissementContrat',
    'PersEducNatPresenceDevantEleves',
    'sn',
    'givenName',
    'mail',
    'homePhone',
    'mobile',
    'personalTitle',
    'street',
    'postalCode',
    'l',
  ].map((name) => [name.toLowerCase(), name]),
);
function canonical(name: string): string {
  return CANONICAL.get(name.toLowerCase()) ?? name;
}
