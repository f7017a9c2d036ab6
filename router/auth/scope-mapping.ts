import { readFileSync } from 'node:fs';

/**
 * Which scopes a hub session holds: from the person's profile, plus those of each staff function.
 * A configuration table (ROUTER_SCOPE_MAPPING, a JSON file of this shape) replaces the default.
 * Scopes say what kind of data a viewer may read; the subgraphs' perimeter says about whom. A
 * session holds a function's scopes whatever school the function is held in: that is a coarse gate.
 * The subgraphs are the fine one: what a function unlocks (contact and schooling data, a school's
 * GAR subscriptions) they serve only about the function's own school, from the directory's
 * (function, school) pairs (subgraphs/perimeter/perimeter.ts).
 */
export interface ScopeMapping {
  profiles: Record<'student' | 'guardian' | 'teacher' | 'staff', string[]>;
  functions: Record<string, string[]>;
}

const DIRECTORY_ALL = ['directory:identity:read', 'directory:contact:read', 'directory:schooling:read'];
const VIE_SCOLAIRE_READ = ['vie-scolaire:grades:read', 'vie-scolaire:absences:read', 'vie-scolaire:homework:read', 'vie-scolaire:timetable:read'];

export const DEFAULT_SCOPE_MAPPING: ScopeMapping = {
  profiles: {
    student: [...DIRECTORY_ALL, ...VIE_SCOLAIRE_READ, 'vie-scolaire:homework:submit', 'resources:read'],
    guardian: [...DIRECTORY_ALL, ...VIE_SCOLAIRE_READ, 'vie-scolaire:absences:justify', 'resources:read'],
    teacher: ['directory:identity:read', ...VIE_SCOLAIRE_READ, 'resources:read'],
    staff: [],
  },
  functions: {
    DIR: [...DIRECTORY_ALL, ...VIE_SCOLAIRE_READ, 'audit:read', 'resources:assign'],
    EDU: [...DIRECTORY_ALL, ...VIE_SCOLAIRE_READ],
    DOC: ['directory:identity:read', 'resources:read', 'resources:assign'],
    ENS: ['directory:identity:read', ...VIE_SCOLAIRE_READ, 'resources:read'],
  },
};

export function scopesFor(mapping: ScopeMapping, profile: keyof ScopeMapping['profiles'], functions: string[]): string[] {
  const scopes = new Set(mapping.profiles[profile] ?? []);
  for (const code of functions) for (const scope of mapping.functions[code] ?? []) scopes.add(scope);
  return [...scopes].sort();
}

export function loadScopeMapping(path: string | undefined): ScopeMapping {
  if (!path) return DEFAULT_SCOPE_MAPPING;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ScopeMapping>;
  if (!parsed.profiles || !parsed.functions) throw new Error(`${path}: a scope mapping needs "profiles" and "functions"`);
  return parsed as ScopeMapping;
}
