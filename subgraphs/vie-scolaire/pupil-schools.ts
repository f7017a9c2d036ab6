import type { Perimeter } from '../perimeter/perimeter.ts';

/**
 * The schools to ask about a pupil for this viewer, as UAIs: those in which the viewer's
 * relationship with the pupil holds (the perimeter, from the directory as it is now: every school
 * of the pupil for the pupil and their guardians; the shared class's school for a teacher; the
 * function's school for staff) that have a vie scolaire system configured. `undefined` when the
 * pupil is outside the viewer's perimeter (or unknown, or not a pupil). Never the session's snapshot.
 */
export async function readableSchools(perimeter: Perimeter, pupilId: string, configured: ReadonlySet<string>): Promise<string[] | undefined> {
  const ids = await perimeter.pupilSchools(pupilId);
  if (!ids) return undefined;
  const schools = await perimeter.schoolsById(ids);
  return [...new Set(schools.flatMap((s) => (s && configured.has(s.uai) ? [s.uai] : [])))].sort();
}
