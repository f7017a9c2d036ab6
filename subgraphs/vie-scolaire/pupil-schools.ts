import type { Directory } from '../../connectors/directory/directory.ts';
import type { Student } from '../../connectors/directory/model.ts';

/**
 * The schools to ask about a pupil: theirs in the directory (attachments, classes and groups) that
 * have a vie scolaire system configured. Never the viewer's session, which is a snapshot.
 */
export async function schoolsOfPupil(directory: Directory, pupil: Student, configured: ReadonlySet<string>): Promise<string[]> {
  const ids = new Set([...pupil.schoolIds, ...pupil.classes.map((c) => c.structureId), ...pupil.groups.map((g) => g.structureId)]);
  const schools = await directory.schoolsById([...ids]);
  return [...new Set(schools.flatMap((s) => (s && configured.has(s.uai) ? [s.uai] : [])))].sort();
}
