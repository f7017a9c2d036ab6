import type { GuardianOfStudent } from '../../connectors/directory/directory.ts';
import type { School, StructureCode, TeachingAssignment } from '../../connectors/directory/model.ts';

/** A class or a group as resolvers pass it around: its school and its code. */
export interface StructureUnitRef {
  school: School;
  code: string;
  kind: 'class' | 'group';
}

export type GuardianLinkRef = GuardianOfStudent;

export interface TeachingRef {
  assignment: TeachingAssignment | StructureCode;
  kind: 'class' | 'group';
}

/** `0751000X:5EA` ↔ `{ uai, code }`: class and group ids in the graph use the UAI, not the AAF id. */
export function unitId(uai: string, code: string): string {
  return `${uai}:${code}`;
}

export function parseUnitId(id: string): { uai: string; code: string } | undefined {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { uai: id.slice(0, at), code: id.slice(at + 1) };
}
