import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HubError } from '../../lib/errors.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { ScopeMapping } from '../auth/scope-mapping.ts';
import type { PolicyRegistry } from './evaluate.ts';

/**
 * The authorization vocabulary the router applies, given by the hub (`ROUTER_AUTHORIZATION_FILE`,
 * config/authorization.json by default): which scopes each profile and staff function holds, and
 * what each named policy of the schema's `@policy` directives means. The router knows no profile,
 * function or policy name of its own: a deployment with other functions changes this file only.
 */
export interface AuthorizationConfig {
  scopes: ScopeMapping;
  policies: Record<string, PolicyRule>;
}

/**
 * A policy holds for a person whose profile is one of `profiles` or who holds one of `functions`,
 * or for any person with `anyPerson`. Service clients hold a policy only when their token grants it.
 */
export interface PolicyRule {
  description?: string;
  profiles?: string[];
  functions?: string[];
  anyPerson?: boolean;
}

/** The configuration file cannot be read or is not a valid configuration; the message names the entry. */
export class AuthorizationConfigError extends HubError {
  static override readonly code = 'ERR_AUTHORIZATION_CONFIG';
}

export const DEFAULT_AUTHORIZATION_PATH = fileURLToPath(new URL('../../config/authorization.json', import.meta.url));

const name = z.string().min(1).max(200);
const scopeList = z.array(name).max(1000);

const policyRule = z
  .object({
    description: z.string().max(2000).optional(),
    profiles: z.array(name).max(100).optional(),
    functions: z.array(name).max(1000).optional(),
    anyPerson: z.boolean().optional(),
  })
  .strict()
  // A rule naming nobody would silently refuse everyone: surely a mistake in the file.
  .refine((rule) => rule.anyPerson || rule.profiles?.length || rule.functions?.length, 'names no profile, no function and not anyPerson');

const authorizationConfig = z
  .object({
    description: z.string().max(10_000).optional(),
    scopes: z.object({ profiles: z.record(name, scopeList), functions: z.record(name, scopeList) }).strict(),
    policies: z.record(name, policyRule),
  })
  .strict();

/** `policies.teacher.functions[1]`: where a zod issue is, as a person reading the file would write it. */
function entryOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '') || '(the whole file)';
}

/** Reads and checks a configuration file; an AuthorizationConfigError names the file and every bad entry. */
export function loadAuthorizationConfig(path: string): AuthorizationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AuthorizationConfigError(`${path}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : 'cannot be read'}`, { cause: error });
  }
  const parsed = authorizationConfig.safeParse(raw);
  if (!parsed.success) throw new AuthorizationConfigError(`${path}: ${parsed.error.issues.map((i) => `${entryOf(i.path)}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The policies of a configuration, as the authorizer evaluates them. */
export function policyRegistryOf(policies: Record<string, PolicyRule>): PolicyRegistry {
  const holds =
    (rule: PolicyRule) =>
    (viewer: Viewer): boolean =>
      viewer.kind === 'person' &&
      (rule.anyPerson === true ||
        (viewer.profile !== undefined && (rule.profiles ?? []).includes(viewer.profile)) ||
        (viewer.functions ?? []).some((f) => (rule.functions ?? []).includes(f)));
  return Object.fromEntries(Object.entries(policies).map(([policy, rule]) => [policy, holds(rule)]));
}
