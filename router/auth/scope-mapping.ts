/**
 * Which scopes a hub session holds: from the person's profile, plus those of each staff function.
 * The table is the hub's configuration (`scopes` of ROUTER_AUTHORIZATION_FILE: router/authz/authorization-config.ts).
 * Scopes say what kind of data a viewer may read; the subgraphs' perimeter says about whom. A
 * session holds a function's scopes whatever school the function is held in: that is a coarse gate.
 * The subgraphs are the fine one: what a function unlocks (contact and schooling data, a school's
 * GAR subscriptions) they serve only about the function's own school, from the directory's
 * (function, school) pairs (subgraphs/perimeter/perimeter.ts).
 */
export interface ScopeMapping {
  profiles: Record<string, string[]>;
  functions: Record<string, string[]>;
}

export function scopesFor(mapping: ScopeMapping, profile: string, functions: string[]): string[] {
  // Own entries only: a profile or function named like an Object.prototype member grants nothing.
  const scopes = new Set(Object.hasOwn(mapping.profiles, profile) ? mapping.profiles[profile] : []);
  for (const code of functions) for (const scope of Object.hasOwn(mapping.functions, code) ? mapping.functions[code]! : []) scopes.add(scope);
  return [...scopes].sort();
}
