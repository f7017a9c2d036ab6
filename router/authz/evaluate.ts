import type { Viewer } from '../../lib/viewer-context.ts';
import type { Requirement } from './rules.ts';

/**
 * Named policies: a policy holds for a viewer when its function says so, or when the viewer was
 * granted it (service clients, from a JWT claim: `viewer.policies`). The functions come from the
 * hub's configuration (authorization-config.ts): the router names no policy itself.
 */
export type PolicyRegistry = Readonly<Record<string, (viewer: Viewer) => boolean>>;

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
      // Own entries only: a policy named like an Object.prototype member is not a function of the registry.
      result = authenticated && (granted.has(policy) || (Object.hasOwn(policies, policy) && policies[policy]!(viewer)));
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
