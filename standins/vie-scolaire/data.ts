import { createHash } from 'node:crypto';
import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import type { School, Student } from '../../connectors/directory/model.ts';

/**
 * The stand-in's data, made deterministically from the directory: the same pupils, classes,
 * subjects and teachers. Every value comes from a hash of what it describes, so any request for
 * the same pupil and day gives the same answer, in any order, in any process.
 */

/** A number in [0, 1) from a key: stable across runs and processes. */
export function unit(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export const PERIODS = [
  { id: 'T1', nom: 'Trimestre 1', dateDebut: '01/09/2026', dateFin: '30/11/2026', start: '2026-09-01', end: '2026-11-30' },
  { id: 'T2', nom: 'Trimestre 2', dateDebut: '01/12/2026', dateFin: '28/02/2027', start: '2026-12-01', end: '2027-02-28' },
  { id: 'T3', nom: 'Trimestre 3', dateDebut: '01/03/2027', dateFin: '04/07/2027', start: '2027-03-01', end: '2027-07-04' },
];

/** Monday to Friday, seven 55-minute slots. */
export const SLOTS = [
  ['08:00', '08:55'],
  ['09:00', '09:55'],
  ['10:15', '11:10'],
  ['11:15', '12:10'],
  ['13:30', '14:25'],
  ['14:30', '15:25'],
  ['15:45', '16:40'],
] as const;

export interface SchoolData {
  school: School;
  pupils: Map<string, { pupil: Student; classCode: string }>;
  /** Subject codes and labels taught in the school. */
  subjects: { code: string; label: string }[];
  /** `class$subject` → teacher display names. */
  teachers: Map<string, string[]>;
}

export function schoolData(store: AafStore, school: School): SchoolData {
  const pupils = new Map<string, { pupil: Student; classCode: string }>();
  for (const pupil of store.records('Eleve')) {
    const klass = pupil.classes.find((c) => c.structureId === school.id);
    if (klass) pupils.set(pupil.id, { pupil, classCode: klass.code });
  }
  const teachers = new Map<string, string[]>();
  const codes = new Set<string>();
  for (const staff of store.records('PersEducNat')) {
    for (const a of staff.classSubjects) {
      if (a.structureId !== school.id) continue;
      codes.add(a.subjectCode);
      const key = `${a.code}$${a.subjectCode}`;
      teachers.set(key, [...(teachers.get(key) ?? []), `${staff.title ?? ''} ${staff.lastName}`.trim()]);
    }
  }
  const subjects = [...codes].sort().map((code) => ({ code, label: store.record('MatiereEducNat', code)?.label ?? code }));
  return { school, pupils, subjects, teachers };
}

const pad = (n: number) => String(n).padStart(2, '0');
export { isoDayToFrench as frDate } from '../../lib/french-dates.ts';

/** The school days (Monday to Friday) between two ISO days, inclusive. */
export function schoolDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T12:00:00Z`); d <= new Date(`${to}T12:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    const weekday = d.getUTCDay();
    if (weekday >= 1 && weekday <= 5) days.push(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`);
  }
  return days;
}

/** The subject of a class's slot on a weekday: a fixed weekly timetable per class. */
export function subjectAt(data: SchoolData, classCode: string, weekday: number, slot: number) {
  if (!data.subjects.length) return undefined;
  // Wednesday afternoons are free, as in French collèges and lycées.
  if (weekday === 3 && slot >= 4) return undefined;
  return data.subjects[Math.floor(unit(`${data.school.uai}|${classCode}|${weekday}|${slot}`) * data.subjects.length)];
}
