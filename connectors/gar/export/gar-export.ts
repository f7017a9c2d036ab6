import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { codeKey, type Directory } from '../../directory/directory.ts';
import type { EducationStaff, School, StructureCode, Student } from '../../directory/model.ts';
import { escapeMarkup } from '../../../lib/markup.ts';
import { XmlFileSeries } from '../../../lib/xml-file-series.ts';
import { ASSIGNMENT_FUNCTIONS } from '../assignment-role.ts';
import { garPersonId } from '../pseudonym.ts';

export const GAR_NAMESPACE = 'http://data.education.fr/ns/gar';
export const GAR_VERSION = '1.7';
export const GAR_FILE_KINDS = ['Eleve', 'Enseignant', 'Etab', 'Groupe', 'RespAff'] as const;
export type GarFileKind = (typeof GAR_FILE_KINDS)[number];

export interface GarExportOptions {
  /** The ENT's identifier at the GAR (`idENT`). */
  idEnt: string;
  outDir: string;
  pseudonymSecret: string;
  /** Only these schools (and the people in them); every school by default. */
  uais?: string[];
  /** The GAR accepts at most 10,000 entries per file. */
  maxEntriesPerFile?: number;
  /** Staff functions that hold the GAR assignment role (responsables d'affectation); `ASSIGNMENT_FUNCTIONS` by default. */
  assignmentFunctions?: readonly string[];
  now?: Date;
}

export interface GarExportResult {
  files: string[];
  bundle: string;
  entries: Record<GarFileKind, number>;
  /** People left out because the GAR requires something they lack (e.g. an assignment role holder without email). */
  skipped: { personId: string; reason: string }[];
}

/**
 * Writes the GAR-ENT v1.7 export of a directory (any backend: AAF, LDAP, the hub's database):
 * `{idENT}_GAR-ENT_Complet_{yyyyMMddHHmmss}_{Kind}_{NNNN}.xml` files (Eleve, Enseignant, Etab,
 * Groupe, RespAff; at most 10,000 entries each), and their tar.gz. Every element follows the order
 * of the official schema's sequences; people are identified by their pseudonymous GAR id, never by
 * their jointure.
 */
export async function exportToGar(directory: Directory, options: GarExportOptions): Promise<GarExportResult> {
  await mkdir(options.outDir, { recursive: true });
  const stamp = timestamp(options.now ?? new Date());
  const population = await readPopulation(directory, options.uais);
  const out: ExportOutput = {
    series: openSeries(options, stamp),
    pseudonym: (id) => garPersonId(options.pseudonymSecret, id),
    skipped: [],
  };
  await writeEleve(population, out);
  await writeEnseignant(population, out);
  await writeRespAff(population, out, new Set(options.assignmentFunctions ?? ASSIGNMENT_FUNCTIONS));
  await writeEtab(population, out, await labelsOf(directory, population));
  await writeGroupe(population, out);
  return bundle(out, options, stamp);
}

// --- What is exported ------------------------------------------------------------------------

/** The schools in scope and the people in them, read once from the directory. */
interface Population {
  schools: School[];
  schoolById: Map<string, School>;
  /** Pupils of the schools in scope, each once (a pupil may be in two), by id. */
  students: Student[];
  /** Teachers and other staff attached to, or holding a function in, a school in scope; each once, by id. */
  staff: EducationStaff[];
}

async function readPopulation(directory: Directory, uais: readonly string[] | undefined): Promise<Population> {
  const schools = (await directory.allSchools()).filter((s) => !uais || uais.includes(s.uai));
  const students = new Map<string, Student>();
  const staff = new Map<string, EducationStaff>();
  // One school at a time: a remote directory is asked a bounded question each time.
  for (const school of schools) {
    for (const s of await directory.studentsOfSchool(school.id)) students.set(s.id, s);
    for (const p of await directory.staffOfSchool(school.id)) staff.set(p.id, p);
  }
  const byId = <T extends { id: string }>(map: Map<string, T>) => [...map.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { schools, schoolById: new Map(schools.map((s) => [s.id, s])), students: byId(students), staff: byId(staff) };
}

/** The UAIs, among the schools in scope, of these school ids (each once, in order). */
const uaisOf = (population: Population, schoolIds: readonly string[]) => [...new Set(schoolIds.flatMap((id) => population.schoolById.get(id)?.uai ?? []))];
const studentUais = (population: Population, s: Student) => uaisOf(population, s.schoolIds);
const staffUais = (population: Population, p: EducationStaff) => uaisOf(population, [...p.schoolIds, ...p.functions.map((f) => f.structureId)]);

/** The GAR requires a first name: people without one are skipped (and said so once, in the Eleve or Enseignant step). */
const exported = (person: Student | EducationStaff) => Boolean(person.firstName);

/** The GAR's national profiles for staff, from AAF functions (teaching comes first). */
function staffProfile(person: EducationStaff): string {
  if (person.kind === 'teacher') return 'National_ens';
  const codes = person.functions.map((f) => f.code);
  if (codes.includes('DOC')) return 'National_doc';
  if (codes.includes('DIR')) return 'National_eta';
  if (codes.includes('EDU')) return 'National_evs';
  return 'National_col';
}

// --- Writing ---------------------------------------------------------------------------------

interface ExportOutput {
  series: Record<GarFileKind, XmlFileSeries>;
  pseudonym(personId: string): string;
  skipped: GarExportResult['skipped'];
}

/** `2026-11-22T10:43:05Z` → `20261122104305`. */
const timestamp = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** `<men:Name>value</men:Name>` for each value; nothing for an absent one. */
const el = (name: string, ...values: (string | undefined)[]) =>
  values
    .filter((v): v is string => v !== undefined && v !== '')
    .map((v) => `<men:${name}>${escapeMarkup(v)}</men:${name}>`)
    .join('');
const wrap = (name: string, inner: string) => `<men:${name}>${inner}</men:${name}>\n`;

function openSeries(options: GarExportOptions, stamp: string): Record<GarFileKind, XmlFileSeries> {
  const one = (kind: GarFileKind) =>
    new XmlFileSeries({
      dir: options.outDir,
      fileName: (index) => `${options.idEnt}_GAR-ENT_Complet_${stamp}_${kind}_${String(index).padStart(4, '0')}.xml`,
      header: `<?xml version="1.0" encoding="UTF-8"?>\n<men:GAR-ENT-${kind} xmlns:men="${GAR_NAMESPACE}" Version="${GAR_VERSION}">\n`,
      footer: `</men:GAR-ENT-${kind}>\n`,
      maxEntriesPerFile: options.maxEntriesPerFile ?? 10_000,
      atLeastOneFile: true,
    });
  return { Eleve: one('Eleve'), Enseignant: one('Enseignant'), Etab: one('Etab'), Groupe: one('Groupe'), RespAff: one('RespAff') };
}

/** The identity elements every person entry starts with, in the schema's order. */
function identity(out: ExportOutput, person: Student | EducationStaff, profiles: [uai: string, profile: string][], mainUai: string | undefined): string {
  return (
    el('GARPersonIdentifiant', out.pseudonym(person.id)) +
    profiles.map(([uai, profile]) => wrap('GARPersonProfils', el('GARStructureUAI', uai) + el('GARPersonProfil', profile)).trimEnd()).join('') +
    el('GARPersonNomPatro', person.birthName) +
    el('GARPersonNom', person.lastName) +
    el('GARPersonPrenom', person.firstName) +
    // At least one "autre prénom" is required: by convention the first name when there is no other.
    el('GARPersonAutresPrenoms', ...(person.otherFirstNames.length ? person.otherFirstNames : [person.firstName])) +
    el('GARPersonCivilite', person.title) +
    el('GARPersonStructRattach', mainUai)
  );
}

/** Eleve: GAREleve*, then GARPersonMEF*, then GAREleveEnseignement* (the schema's sequence). */
async function writeEleve(population: Population, out: ExportOutput): Promise<void> {
  const { Eleve } = out.series;
  for (const s of population.students) {
    if (!exported(s)) {
      out.skipped.push({ personId: s.id, reason: 'no first name (GARPersonPrenom is required)' });
      continue;
    }
    const uais = studentUais(population, s);
    const profiles = uais.map((u): [string, string] => [u, 'National_elv']);
    await Eleve.add(wrap('GAREleve', identity(out, s, profiles, uais[0]) + el('GARPersonEtab', ...uais) + el('GARPersonDateNaissance', s.birthDate)));
  }
  for (const s of population.students) {
    if (!s.mef || !exported(s)) continue;
    for (const uai of studentUais(population, s)) {
      await Eleve.add(wrap('GARPersonMEF', el('GARStructureUAI', uai) + el('GARPersonIdentifiant', out.pseudonym(s.id)) + el('GARMEFCode', s.mef)));
    }
  }
  for (const s of population.students) {
    if (!exported(s)) continue;
    const uai = studentUais(population, s)[0]!;
    for (const code of new Set(s.subjectCodes)) {
      await Eleve.add(wrap('GAREleveEnseignement', el('GARStructureUAI', uai) + el('GARPersonIdentifiant', out.pseudonym(s.id)) + el('GARMatiereCode', code)));
    }
  }
}

/** Enseignant: teachers and other staff (their GAR profile from their functions). */
async function writeEnseignant(population: Population, out: ExportOutput): Promise<void> {
  for (const p of population.staff) {
    if (!exported(p)) {
      out.skipped.push({ personId: p.id, reason: 'no first name (GARPersonPrenom is required)' });
      continue;
    }
    const uais = staffUais(population, p);
    const disciplines = new Map<string, Set<string>>();
    for (const f of p.functions) {
      const uai = population.schoolById.get(f.structureId)?.uai;
      if (uai && f.disciplineCode) disciplines.set(uai, (disciplines.get(uai) ?? new Set()).add(f.disciplineCode));
    }
    const postes = [...disciplines]
      .map(([uai, codes]) => wrap('GAREnsDisciplinesPostes', el('GARStructureUAI', uai) + el('GAREnsDisciplinePosteCode', ...codes)).trimEnd())
      .join('');
    const profiles = uais.map((u): [string, string] => [u, staffProfile(p)]);
    await out.series.Enseignant.add(
      wrap(
        'GAREnseignant',
        identity(out, p, profiles, uais[0]) + el('GARPersonEtab', ...uais) + el('GARPersonDateNaissance', p.birthDate) + postes + el('GARPersonMail', p.email),
      ),
    );
  }
}

/** RespAff: the people who assign resources in each school (documentation and direction by default). */
async function writeRespAff(population: Population, out: ExportOutput, assignment: ReadonlySet<string>): Promise<void> {
  for (const p of population.staff) {
    const uais = uaisOf(
      population,
      p.functions.filter((f) => assignment.has(f.code)).map((f) => f.structureId),
    );
    if (!uais.length) continue;
    if (!p.email || !p.firstName) {
      out.skipped.push({ personId: p.id, reason: 'assignment role holder without email or first name (both required by the GAR)' });
      continue;
    }
    await out.series.RespAff.add(
      wrap(
        'GARRespAff',
        el('GARPersonIdentifiant', out.pseudonym(p.id)) +
          el('GARPersonNom', p.lastName) +
          el('GARPersonPrenom', p.firstName) +
          el('GARPersonCivilite', p.title) +
          el('GARPersonMail', p.email) +
          el('GARRespAffEtab', ...uais),
      ),
    );
  }
}

/** The codes each school's pupils use (their MEF, their subjects), by UAI. */
function codesInUse(population: Population, pick: (s: Student) => readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of population.students)
    for (const uai of studentUais(population, s)) for (const code of pick(s)) out.set(uai, (out.get(uai) ?? new Set()).add(code));
  return out;
}

interface Labels {
  mefs: Map<string, string>;
  subjects: Map<string, string>;
}

/**
 * The labels of the MEFs and subjects in use: the directory's nomenclature, else (the SDET has
 * none) the label a pupil's own entry carries, else the code.
 */
async function labelsOf(directory: Directory, population: Population): Promise<Labels> {
  const mefCodes = [...new Set(population.students.flatMap((s) => (s.mef ? [s.mef] : [])))];
  const subjectCodes = [...new Set(population.students.flatMap((s) => s.subjectCodes))];
  const [mefs, subjects] = await Promise.all([directory.mefs(mefCodes), directory.subjects(subjectCodes)]);
  const pupilsMefLabels = new Map(population.students.flatMap((s) => (s.mef && s.mefLabel ? [[s.mef, s.mefLabel] as const] : [])).reverse());
  return {
    mefs: new Map(mefCodes.map((code, i) => [code, mefs[i]?.label ?? pupilsMefLabels.get(code) ?? code])),
    subjects: new Map(subjectCodes.map((code, i) => [code, subjects[i]?.label ?? code])),
  };
}

/** Etab: GAREtab*, GARMEF*, GARMatiere* (the MEFs and subjects in use in each school). */
async function writeEtab(population: Population, out: ExportOutput, labels: Labels): Promise<void> {
  const { Etab } = out.series;
  for (const school of population.schools) {
    await Etab.add(wrap('GAREtab', el('GARStructureUAI', school.uai) + el('GARStructureNomCourant', school.name) + el('GARStructureContrat', school.contract)));
  }
  for (const [uai, codes] of codesInUse(population, (s) => (s.mef ? [s.mef] : []))) {
    for (const code of codes) await Etab.add(wrap('GARMEF', el('GARStructureUAI', uai) + el('GARMEFCode', code) + el('GARMEFLibelle', labels.mefs.get(code))));
  }
  for (const [uai, codes] of codesInUse(population, (s) => s.subjectCodes)) {
    for (const code of codes) {
      await Etab.add(wrap('GARMatiere', el('GARStructureUAI', uai) + el('GARMatiereCode', code) + el('GARMatiereLibelle', labels.subjects.get(code))));
    }
  }
}

/**
 * Groupe: GARGroupe* (classes as DIVISION, groups as GROUPE), GARPersonGroupe*, then the teachers'
 * subjects per group and per class (the schema's sequence).
 */
async function writeGroupe(population: Population, out: ExportOutput): Promise<void> {
  const { Groupe } = out.series;
  for (const school of population.schools) {
    const units = [...school.classes.map((code) => [code, 'DIVISION'] as const), ...school.groups.map((code) => [code, 'GROUPE'] as const)];
    for (const [code, statut] of units) {
      await Groupe.add(
        wrap('GARGroupe', el('GARGroupeCode', code) + el('GARStructureUAI', school.uai) + el('GARGroupeLibelle', code) + el('GARGroupeStatut', statut)),
      );
    }
  }
  for (const s of population.students) if (exported(s)) await writeMemberships(population, out, s.id, [...s.classes, ...s.groups]);
  for (const p of population.staff) if (exported(p)) await writeMemberships(population, out, p.id, [...p.classes, ...p.groups]);
  await writeTeachersSubjects(population, out, 'GAREnsGroupeMatiere', (p) => p.groupSubjects);
  await writeTeachersSubjects(population, out, 'GAREnsClasseMatiere', (p) => p.classSubjects);
}

/** One GARPersonGroupe per class or group of a school in scope, each once. */
async function writeMemberships(population: Population, out: ExportOutput, personId: string, units: readonly StructureCode[]): Promise<void> {
  const seen = new Set<string>();
  for (const unit of units) {
    const school = population.schoolById.get(unit.structureId);
    const key = codeKey(unit);
    if (!school || seen.has(key)) continue;
    seen.add(key);
    await out.series.Groupe.add(
      wrap('GARPersonGroupe', el('GARStructureUAI', school.uai) + el('GARPersonIdentifiant', out.pseudonym(personId)) + el('GARGroupeCode', unit.code)),
    );
  }
}

/** For each teacher, one entry per class (or group) of a school in scope, with the subjects taught there. */
async function writeTeachersSubjects(
  population: Population,
  out: ExportOutput,
  entry: 'GAREnsGroupeMatiere' | 'GAREnsClasseMatiere',
  pick: (p: EducationStaff) => readonly (StructureCode & { subjectCode: string })[],
): Promise<void> {
  for (const p of population.staff) {
    if (!exported(p)) continue;
    const byUnit = new Map<string, { school: School; code: string; subjects: Set<string> }>();
    for (const taught of pick(p)) {
      const school = population.schoolById.get(taught.structureId);
      if (!school) continue;
      const key = codeKey(taught);
      const unit = byUnit.get(key) ?? { school, code: taught.code, subjects: new Set<string>() };
      unit.subjects.add(taught.subjectCode);
      byUnit.set(key, unit);
    }
    for (const unit of byUnit.values()) {
      await out.series.Groupe.add(
        wrap(
          entry,
          el('GARStructureUAI', unit.school.uai) +
            el('GARPersonIdentifiant', out.pseudonym(p.id)) +
            el('GARGroupeCode', unit.code) +
            el('GARMatiereCode', ...unit.subjects),
        ),
      );
    }
  }
}

/** Closes every file and bundles them in the tar.gz the GAR receives. */
async function bundle(out: ExportOutput, options: GarExportOptions, stamp: string): Promise<GarExportResult> {
  await Promise.all(Object.values(out.series).map((s) => s.close()));
  const files = GAR_FILE_KINDS.flatMap((kind) => out.series[kind].files);
  const name = `${options.idEnt}_GAR-ENT_Complet_${stamp}.tar.gz`;
  await createTar({ gzip: true, file: join(options.outDir, name), cwd: options.outDir, portable: true }, files);
  const entries = { Eleve: 0, Enseignant: 0, Etab: 0, Groupe: 0, RespAff: 0 };
  for (const kind of GAR_FILE_KINDS) entries[kind] = out.series[kind].entries;
  return { files, bundle: name, entries, skipped: out.skipped };
}
