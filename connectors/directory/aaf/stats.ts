import { codeKey } from '../directory.ts';
import type { AafImportReport } from './import.ts';
import type { AafStore } from './store.ts';

export interface AafStats {
  schools: number;
  students: number;
  staff: number;
  guardians: number;
  mefs: number;
  subjects: number;
  /** Distinct `structure$class` values on pupils. */
  studentClasses: number;
  studentGroups: number;
  /** Pupil–adult links with respLégal 1 whose adult is in the export. */
  legalGuardianLinks: number;
  /** Pupil–adult links (any flag) whose adult is not in the export. */
  danglingGuardianLinks: number;
  rejectedEntries: number;
  brokenFiles: number;
}

export function aafStats(store: AafStore, report: AafImportReport): AafStats {
  const classes = new Set<string>();
  const groups = new Set<string>();
  let legal = 0;
  let dangling = 0;
  for (const student of store.records('Eleve')) {
    for (const c of student.classes) classes.add(codeKey(c));
    for (const g of student.groups) groups.add(codeKey(g));
    for (const link of student.guardians) {
      const present = store.record('PersRelEleve', link.adultId) !== undefined;
      if (!present) dangling++;
      else if (link.legal === 1) legal++;
    }
  }
  return {
    schools: store.count('EtabEducNat'),
    students: store.count('Eleve'),
    staff: store.count('PersEducNat'),
    guardians: store.count('PersRelEleve'),
    mefs: store.count('MefEducNat'),
    subjects: store.count('MatiereEducNat'),
    studentClasses: classes.size,
    studentGroups: groups.size,
    legalGuardianLinks: legal,
    danglingGuardianLinks: dangling,
    rejectedEntries: report.rejectedEntries,
    brokenFiles: report.files.filter((f) => f.error).length,
  };
}
