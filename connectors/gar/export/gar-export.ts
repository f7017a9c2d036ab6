import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import type { AafStore } from '../../directory/aaf/store.ts';
import { codeKey } from '../../directory/directory.ts';
import type { EducationStaff, School, Student } from '../../directory/model.ts';
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

/** `2026-11-22T10:43:05Z` → `20261122104305`. */
const timestamp = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** `<men:Name>value</men:Name>` for each value; nothing for an absent one. */
const el = (name: string, ...values: (string | undefined)[]) =>
  values
    .filter((v): v is string => v !== undefined && v !== '')
    .map((v) => `<men:${name}>${escapeMarkup(v)}</men:${name}>`)
    .join('');
const wrap = (name: string, inner: string) => `<men:${name}>${inner}</men:${name}>\n`;

/** The GAR's national profiles for staff, from AAF functions (teaching comes first). */
function staffProfile(person: EducationStaff): string {
  if (person.kind === 'teacher') return 'National_ens';
  const codes = person.functions.map((f) => f.code);
  if (codes.includes('DOC')) return 'National_doc';
  if (codes.includes('DIR')) return 'National_eta';
  if (codes.includes('EDU')) return 'National_evs';
  return 'National_col';
}

/**
 * Writes the GAR-ENT v1.7 export of the directory: `{idENT}_GAR-ENT_Complet_{yyyyMMddHHmmss}_{Kind}_{NNNN}.xml`
 * files (Eleve, Enseignant, Etab, Groupe, RespAff; at most 10,000 entries each), and their tar.gz.
 * Every element follows the order of the official schema's sequences; people are identified by
 * their pseudonymous GAR id, never by their jointure.
 */
export async function exportToGar(store: AafStore, options: GarExportOptions): Promise<GarExportResult> {
  await mkdir(options.outDir, { recursive: true });
  const stamp = timestamp(options.now ?? new Date());
  const max = options.maxEntriesPerFile ?? 10_000;
  const assignment = new Set(options.assignmentFunctions ?? ASSIGNMENT_FUNCTIONS);
  const pseudonym = (id: string) => garPersonId(options.pseudonymSecret, id);
  const skipped: GarExportResult['skipped'] = [];

  const schools = [...store.records('EtabEducNat')].filter((s) => !options.uais || options.uais.includes(s.uai));
  const schoolById = new Map(schools.map((s) => [s.id, s]));
  const uaisOf = (ids: string[]) => [...new Set(ids.flatMap((id) => schoolById.get(id)?.uai ?? []))];
  const students = [...store.records('Eleve')].filter((s) => uaisOf(s.schoolIds).length);
  const staffSchools = (p: EducationStaff) => uaisOf([...p.schoolIds, ...p.functions.map((f) => f.structureId)]);
  const staff = [...store.records('PersEducNat')].filter((p) => staffSchools(p).length);

  const series = Object.fromEntries(
    GAR_FILE_KINDS.map((kind) => [
      kind,
      new XmlFileSeries({
        dir: options.outDir,
        fileName: (index) => `${options.idEnt}_GAR-ENT_Complet_${stamp}_${kind}_${String(index).padStart(4, '0')}.xml`,
        header: `<?xml version="1.0" encoding="UTF-8"?>\n<men:GAR-ENT-${kind} xmlns:men="${GAR_NAMESPACE}" Version="${GAR_VERSION}">\n`,
        footer: `</men:GAR-ENT-${kind}>\n`,
        maxEntriesPerFile: max,
        atLeastOneFile: true,
      }),
    ]),
  ) as Record<GarFileKind, XmlFileSeries>;

  const identity = (id: string, profiles: [uai: string, profile: string][], person: Student | EducationStaff, mainUai: string | undefined) =>
    el('GARPersonIdentifiant', pseudonym(id)) +
    profiles.map(([uai, profile]) => wrap('GARPersonProfils', el('GARStructureUAI', uai) + el('GARPersonProfil', profile)).trimEnd()).join('') +
    el('GARPersonNomPatro', person.birthName) +
    el('GARPersonNom', person.lastName) +
    el('GARPersonPrenom', person.firstName) +
    // At least one "autre prénom" is required: by convention the first name when there is no other.
    el('GARPersonAutresPrenoms', ...(person.otherFirstNames.length ? person.otherFirstNames : [person.firstName])) +
    el('GARPersonCivilite', person.title) +
    el('GARPersonStructRattach', mainUai);

  // Eleve: GAREleve*, then GARPersonMEF*, then GAREleveEnseignement* (the schema's sequence).
  for (const s of students) {
    if (!s.firstName) {
      skipped.push({ personId: s.id, reason: 'no first name (GARPersonPrenom is required)' });
      continue;
    }
    const uais = uaisOf(s.schoolIds);
    await series.Eleve.add(
      wrap(
        'GAREleve',
        identity(
          s.id,
          uais.map((u) => [u, 'National_elv']),
          s,
          uais[0],
        ) +
          el('GARPersonEtab', ...uais) +
          el('GARPersonDateNaissance', s.birthDate),
      ),
    );
  }
  for (const s of students) {
    if (!s.mef || !s.firstName) continue;
    for (const uai of uaisOf(s.schoolIds))
      await series.Eleve.add(wrap('GARPersonMEF', el('GARStructureUAI', uai) + el('GARPersonIdentifiant', pseudonym(s.id)) + el('GARMEFCode', s.mef)));
  }
  for (const s of students) {
    if (!s.firstName) continue;
    const uai = uaisOf(s.schoolIds)[0]!;
    for (const code of new Set(s.subjectCodes)) {
      await series.Eleve.add(
        wrap('GAREleveEnseignement', el('GARStructureUAI', uai) + el('GARPersonIdentifiant', pseudonym(s.id)) + el('GARMatiereCode', code)),
      );
    }
  }

  // Enseignant: teachers and other staff (their GAR profile from their functions).
  for (const p of staff) {
    if (!p.firstName) {
      skipped.push({ personId: p.id, reason: 'no first name (GARPersonPrenom is required)' });
      continue;
    }
    const uais = staffSchools(p);
    const disciplines = new Map<string, Set<string>>();
    for (const f of p.functions) {
      const uai = schoolById.get(f.structureId)?.uai;
      if (uai && f.disciplineCode) disciplines.set(uai, (disciplines.get(uai) ?? new Set()).add(f.disciplineCode));
    }
    await series.Enseignant.add(
      wrap(
        'GAREnseignant',
        identity(
          p.id,
          uais.map((u) => [u, staffProfile(p)]),
          p,
          uais[0],
        ) +
          el('GARPersonEtab', ...uais) +
          el('GARPersonDateNaissance', p.birthDate) +
          [...disciplines]
            .map(([uai, codes]) => wrap('GAREnsDisciplinesPostes', el('GARStructureUAI', uai) + el('GAREnsDisciplinePosteCode', ...codes)).trimEnd())
            .join('') +
          el('GARPersonMail', p.email),
      ),
    );
  }

  // RespAff: the people who assign resources in each school (documentation and direction by default).
  for (const p of staff) {
    const uais = uaisOf(p.functions.filter((f) => assignment.has(f.code)).map((f) => f.structureId));
    if (!uais.length) continue;
    if (!p.email || !p.firstName) {
      skipped.push({ personId: p.id, reason: 'assignment role holder without email or first name (both required by the GAR)' });
      continue;
    }
    await series.RespAff.add(
      wrap(
        'GARRespAff',
        el('GARPersonIdentifiant', pseudonym(p.id)) +
          el('GARPersonNom', p.lastName) +
          el('GARPersonPrenom', p.firstName) +
          el('GARPersonCivilite', p.title) +
          el('GARPersonMail', p.email) +
          el('GARRespAffEtab', ...uais),
      ),
    );
  }

  // Etab: GAREtab*, GARMEF*, GARMatiere* (the MEFs and subjects in use in each school).
  const used = (pick: (s: Student) => string[]) => {
    const out = new Map<string, Set<string>>();
    for (const s of students) for (const uai of uaisOf(s.schoolIds)) for (const code of pick(s)) out.set(uai, (out.get(uai) ?? new Set()).add(code));
    return out;
  };
  for (const school of schools)
    await series.Etab.add(
      wrap('GAREtab', el('GARStructureUAI', school.uai) + el('GARStructureNomCourant', school.name) + el('GARStructureContrat', school.contract)),
    );
  for (const [uai, codes] of used((s) => (s.mef ? [s.mef] : []))) {
    for (const code of codes) {
      const label = store.record('MefEducNat', code)?.label ?? students.find((s) => s.mef === code)?.mefLabel ?? code;
      await series.Etab.add(wrap('GARMEF', el('GARStructureUAI', uai) + el('GARMEFCode', code) + el('GARMEFLibelle', label)));
    }
  }
  for (const [uai, codes] of used((s) => s.subjectCodes)) {
    for (const code of codes) {
      await series.Etab.add(
        wrap(
          'GARMatiere',
          el('GARStructureUAI', uai) + el('GARMatiereCode', code) + el('GARMatiereLibelle', store.record('MatiereEducNat', code)?.label ?? code),
        ),
      );
    }
  }

  // Groupe: GARGroupe* (classes as DIVISION, groups as GROUPE), GARPersonGroupe*, then the teachers'
  // subjects per group and per class.
  const inScope = (c: { structureId: string }) => schoolById.get(c.structureId);
  const groupEntries = (school: School, codes: string[], statut: 'DIVISION' | 'GROUPE') =>
    codes.map((code) =>
      wrap('GARGroupe', el('GARGroupeCode', code) + el('GARStructureUAI', school.uai) + el('GARGroupeLibelle', code) + el('GARGroupeStatut', statut)),
    );
  for (const school of schools)
    for (const entry of [...groupEntries(school, school.classes, 'DIVISION'), ...groupEntries(school, school.groups, 'GROUPE')]) await series.Groupe.add(entry);
  const membership = async (personId: string, units: { structureId: string; code: string }[]) => {
    const seen = new Set<string>();
    for (const unit of units) {
      const school = inScope(unit);
      const key = codeKey(unit);
      if (!school || seen.has(key)) continue;
      seen.add(key);
      await series.Groupe.add(
        wrap('GARPersonGroupe', el('GARStructureUAI', school.uai) + el('GARPersonIdentifiant', pseudonym(personId)) + el('GARGroupeCode', unit.code)),
      );
    }
  };
  for (const s of students) if (s.firstName) await membership(s.id, [...s.classes, ...s.groups]);
  for (const p of staff) if (p.firstName) await membership(p.id, [...p.classes, ...p.groups]);
  const subjectsByUnit = async (
    entry: 'GAREnsGroupeMatiere' | 'GAREnsClasseMatiere',
    pick: (p: EducationStaff) => { structureId: string; code: string; subjectCode: string }[],
  ) => {
    for (const p of staff) {
      if (!p.firstName) continue;
      const byUnit = new Map<string, { school: School; code: string; subjects: Set<string> }>();
      for (const a of pick(p)) {
        const school = inScope(a);
        if (!school) continue;
        const key = codeKey(a);
        const unit = byUnit.get(key) ?? { school, code: a.code, subjects: new Set<string>() };
        unit.subjects.add(a.subjectCode);
        byUnit.set(key, unit);
      }
      for (const unit of byUnit.values()) {
        await series.Groupe.add(
          wrap(
            entry,
            el('GARStructureUAI', unit.school.uai) +
              el('GARPersonIdentifiant', pseudonym(p.id)) +
              el('GARGroupeCode', unit.code) +
              el('GARMatiereCode', ...unit.subjects),
          ),
        );
      }
    }
  };
  await subjectsByUnit('GAREnsGroupeMatiere', (p) => p.groupSubjects);
  await subjectsByUnit('GAREnsClasseMatiere', (p) => p.classSubjects);

  await Promise.all(Object.values(series).map((s) => s.close()));
  const files = GAR_FILE_KINDS.flatMap((kind) => series[kind].files);
  const bundle = `${options.idEnt}_GAR-ENT_Complet_${stamp}.tar.gz`;
  await createTar({ gzip: true, file: join(options.outDir, bundle), cwd: options.outDir, portable: true }, files);
  return {
    files,
    bundle,
    entries: Object.fromEntries(GAR_FILE_KINDS.map((kind) => [kind, series[kind].entries])) as Record<GarFileKind, number>,
    skipped,
  };
}
