import type { Grade } from '../../connectors/vie-scolaire/client.ts';

export interface SubjectAverage {
  subjectCode: string;
  subjectLabel: string;
  /** Out of 20; undefined when no grade counts. */
  average?: number;
  classAverage?: number;
  counted: number;
}

export interface PeriodAverages {
  periodId: string;
  overall?: number;
  subjects: SubjectAverage[];
}

/** Kinds that count as a zero; every other special kind (absent, exempted…) does not count. */
const COUNTS_AS_ZERO = new Set(['ABSENT_COUNTS_ZERO', 'NOT_RETURNED_COUNTS_ZERO']);

interface Term {
  points: number;
  outOf: number;
  coefficient: number;
}

const ratio = (terms: Term[], bonus: number) => {
  const denominator = terms.reduce((s, t) => s + t.outOf * t.coefficient, 0);
  return denominator ? (terms.reduce((s, t) => s + t.points * t.coefficient, 0) + bonus) / denominator : undefined;
};

/**
 * One subject's average out of 20, as Pronote computes it:
 * - Σ(note × coef) / Σ(barème × coef) × 20: a grade keeps its own scale as its weight, unless it is
 *   "ramenée sur 20", in which case it is first converted to /20;
 * - special kinds do not count, except "absent, compte 0" and "non rendu, compte 0" (zeros);
 * - a bonus grade only adds the points above half its scale, and adds nothing to the denominator;
 * - an optional grade (facultative) counts only if it raises the average.
 */
export function subjectAverage(grades: Grade[], valueOf: (g: Grade) => number | undefined = (g) => g.value): number | undefined {
  const term = (g: Grade, value: number): Term =>
    g.scaleTo20 ? { points: (value / g.outOf) * 20, outOf: 20, coefficient: g.coefficient } : { points: value, outOf: g.outOf, coefficient: g.coefficient };
  const counted = (g: Grade) => {
    const value = valueOf(g);
    if (value !== undefined) return term(g, value);
    return g.kind && COUNTS_AS_ZERO.has(g.kind) ? term(g, 0) : undefined;
  };
  const regular: Term[] = [];
  let bonus = 0;
  const optional: Term[] = [];
  for (const g of grades) {
    const t = counted(g);
    if (!t) continue;
    if (g.bonus) bonus += Math.max(0, t.points - t.outOf / 2) * t.coefficient;
    else if (g.optional) optional.push(t);
    else regular.push(t);
  }
  // Optional grades, best first, each kept only if it raises what the others give.
  optional.sort((a, b) => b.points / b.outOf - a.points / a.outOf);
  for (const t of optional) {
    const without = ratio(regular, bonus);
    if (without === undefined || t.points / t.outOf > without) regular.push(t);
  }
  const r = ratio(regular, bonus);
  return r === undefined ? undefined : Math.min(20, Math.round(r * 20 * 100) / 100);
}

export function periodAverages(periodId: string, grades: Grade[]): PeriodAverages {
  const bySubject = new Map<string, Grade[]>();
  for (const g of grades.filter((g) => g.periodId === periodId)) bySubject.set(g.subject.code, [...(bySubject.get(g.subject.code) ?? []), g]);
  const subjects = [...bySubject.values()].map((list) => ({
    subjectCode: list[0]!.subject.code,
    subjectLabel: list[0]!.subject.label,
    average: subjectAverage(list),
    classAverage: subjectAverage(
      list.map((g) => ({ ...g, kind: undefined, optional: false, bonus: false })),
      (g) => g.classAverage,
    ),
    counted: list.filter((g) => g.value !== undefined || (g.kind && COUNTS_AS_ZERO.has(g.kind))).length,
  }));
  const withAverage = subjects.filter((s) => s.average !== undefined);
  const overall = withAverage.length ? Math.round((withAverage.reduce((s, x) => s + x.average!, 0) / withAverage.length) * 100) / 100 : undefined;
  return { periodId, overall, subjects: subjects.sort((a, b) => a.subjectLabel.localeCompare(b.subjectLabel)) };
}
