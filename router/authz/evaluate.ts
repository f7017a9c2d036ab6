import type { Viewer } from '../../lib/viewer-context.ts';
import type { Requirement } from './rules.ts';

/**
 * Named policies implemented in the router: a policy holds for a viewer when its function says so,
 * or when the viewer was granted it (service clients, from a JWT claim: `viewer.policies`).
 */
export type PolicyRegistry = Record<string, (viewer: Viewer) => boolean>;

export const DEFAULT_POLICIES: PolicyRegistry = {
  /** A person logged in as a guardian. */
  guardian: (v) => v.kind === 'person' && v.profile === 'guardian',
  /** A person logged in as a pupil. */
  student: (v) => v.kind === 'person' && v.profile === 'student',
  /** Teachers, and staff teaching (ENS). */
  teacher: (v) => v.kind === 'person' && (v.profile === 'teacher' || (v.functions ?? []).includes('ENS')),
  /** The direction of a school (DIR). */
  direction: (v) => v.kind === 'person' && (v.functions ?? []).includes('DIR'),
  /** Vie scolaire: CPE and direction (EDU, DIR). */
  vie_scolaire: (v) => v.kind === 'person' && (v.functions ?? []).some((f) => f === 'EDU' || f === 'DIR'),
  /** Any authenticated person (not a service client). */
  person: (v) => v.kind === 'person',
};

export interface Authorizer {
  satisfies(requirements: readonly Requirement[]): boolean;
}

/** Decides requirements for one viewer; every requirement listed must hold (they come from several places). */
export function authorizerFor(viewer: Viewer, policies: PolicyRegistry): Authorizer {
  const scopes = new Set(viewer.scopes);
  const granted = new Set(viewer.policies);
  const authenticated = viewer.kind !== 'anonymous';
  const policyCache = new Map<string, boolean>();
  const holds = (policy: string) => {
    let result = policyCache.get(policy);
    if (result === undefined) {
      result = authenticated && (granted.has(policy) || (policies[policy]?.(viewer) ?? false));
      policyCache.set(policy, result);
    }
    return result;
  };
  const check = (requirement: Requirement): boolean => {
    switch (requirement.kind) {
      case 'authenticated':
        return authenticated;
      case 'scopes':
        return authenticated && requirement.anyOf.some((all) => all.every((s) => scopes.has(s)));
      case 'policies':
        return requirement.anyOf.some((all) => all.every(holds));
    }
  };
  return { satisfies: (requirements) => requirements.every(check) };
}
