/**
 * The router applies the authorization vocabulary it is given (ROUTER_AUTHORIZATION_FILE): the
 * profiles and functions of the scope mapping and the named policies are the hub's configuration,
 * never names written in router code.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { scopesFor } from '../auth/scope-mapping.ts';
import { ConfigError, routerConfigFromEnv } from '../config.ts';
import { authorizerFor } from './evaluate.ts';

const ROUTER_DIR = fileURLToPath(new URL('..', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../config/authorization.json', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'hub-authorization-'));
let files = 0;
function fileWith(content: unknown): string {
  const path = join(dir, `authorization-${files++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const configOf = (file?: string) =>
  routerConfigFromEnv({ HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ...(file ? { ROUTER_AUTHORIZATION_FILE: file } : {}) });
const person = (profile: Viewer['profile'], functions: string[]): Viewer => ({ kind: 'person', personId: 'p', profile, functions, scopes: [], policies: [] });
const holds = (config: ReturnType<typeof configOf>, viewer: Viewer, policy: string) =>
  authorizerFor(viewer, config.policies).satisfies([{ kind: 'policies', anyOf: [[policy]] }]);

/** What a configuration file tells the router when something in it is wrong. */
function problemOf(file: string): string {
  try {
    configOf(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const [problem] = (error as ConfigError).problems;
    expect(problem?.variable).toBe('ROUTER_AUTHORIZATION_FILE');
    return problem?.detail ?? '';
  }
  throw new Error(`${file} was accepted`);
}

describe('the authorization configuration', () => {
  it('by default, the shipped file: scopes by profile and function, policies by profile and function', () => {
    const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8')) as { scopes: { profiles: Record<string, string[]>; functions: Record<string, string[]> } };
    const config = configOf();
    const librarian = person('staff', ['DOC']);
    expect(scopesFor(config.scopeMapping, 'staff', ['DOC'])).toEqual(
      [...new Set([...shipped.scopes.profiles.staff!, ...shipped.scopes.functions.DOC!])].sort(),
    );
    expect(holds(config, person('staff', ['ENS']), 'teacher')).toBe(true);
    expect(holds(config, librarian, 'teacher')).toBe(false);
    expect(holds(config, person('guardian', []), 'guardian')).toBe(true);
    expect(holds(config, person('guardian', []), 'person')).toBe(true);
    expect(holds(config, { kind: 'service', clientId: 'svc', scopes: [], policies: [] }, 'person')).toBe(false);
  });

  it('a file of its own gives other profiles, functions and policies, and only those', () => {
    const file = fileWith({
      scopes: { profiles: { student: ['read:own'] }, functions: { LIB: ['books:lend'] } },
      policies: { librarian: { functions: ['LIB'] }, pupil: { profiles: ['student'] } },
    });
    const config = configOf(file);
    expect(scopesFor(config.scopeMapping, 'staff', ['LIB', 'DIR'])).toEqual(['books:lend']);
    expect(scopesFor(config.scopeMapping, 'student', [])).toEqual(['read:own']);
    expect(holds(config, person('staff', ['LIB']), 'librarian')).toBe(true);
    expect(holds(config, person('student', []), 'pupil')).toBe(true);
    // What the shipped file calls `direction` means nothing here.
    expect(holds(config, person('staff', ['DIR']), 'direction')).toBe(false);
  });

  it('refuses to start on a bad entry, naming it', () => {
    expect(problemOf(fileWith({ scopes: { profiles: {}, functions: {} }, policies: { teacher: { functions: ['ENS', 3] } } }))).toContain(
      'policies.teacher.functions[1]',
    );
    expect(problemOf(fileWith({ scopes: { profiles: {}, functions: {} }, policies: { teacher: { function: ['ENS'] } } }))).toContain('policies.teacher');
    expect(problemOf(fileWith({ scopes: { profiles: {}, functions: {} }, policies: { nobody: {} } }))).toContain('policies.nobody');
    expect(problemOf(fileWith({ scopes: { profiles: { student: 'read' }, functions: {} }, policies: {} }))).toContain('scopes.profiles.student');
    expect(problemOf(fileWith({ policies: {} }))).toContain('scopes');
    expect(problemOf(fileWith('{ not json'))).toMatch(/JSON/);
    expect(problemOf(join(dir, 'missing.json'))).toMatch(/missing\.json/);
  });

  it('refuses the retired ROUTER_SCOPE_MAPPING rather than ignore it (a narrowed mapping would widen back to the defaults)', () => {
    const env = { HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_SCOPE_MAPPING: '{"profiles":{"teacher":["directory:identity:read"]}}' };
    expect(() => routerConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => routerConfigFromEnv(env)).toThrow(/ROUTER_SCOPE_MAPPING.*ROUTER_AUTHORIZATION_FILE/);
  });

  it('no profile, function or policy name of the configuration is written in router code', () => {
    const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8')) as {
      scopes: { profiles: Record<string, unknown>; functions: Record<string, unknown> };
      policies: Record<string, unknown>;
    };
    const names = new Set([...Object.keys(shipped.scopes.profiles), ...Object.keys(shipped.scopes.functions), ...Object.keys(shipped.policies)]);
    // Where `person` is the viewer's kind (`kind: 'person'`), not a policy: the contract of lib/viewer-context.ts.
    names.delete('person');
    const sources = readdirSync(ROUTER_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const found = sources.flatMap((file) => {
      const text = readFileSync(join(ROUTER_DIR, file), 'utf8');
      return [...text.matchAll(/(['"`])([\w-]+)\1/g)].filter((m) => names.has(m[2]!)).map((m) => `${relative(ROUTER_DIR, join(ROUTER_DIR, file))}: ${m[0]}`);
    });
    expect(sources.length).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });
});
