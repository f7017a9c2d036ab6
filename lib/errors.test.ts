import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LoginError } from '../connectors/sso/errors.ts';
import { HubError, HubErrorWithReason } from './errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every folder of the code base's own sources (tests, generated code and packages excluded below). */
const SOURCE_DIRS = ['connectors', 'lib', 'subgraphs', 'router', 'standins', 'hub', 'schema', 'scripts', 'bench', 'store', 'test'];
const SKIPPED_DIRS = new Set(['node_modules', 'generated']);
/** A module that declares an exported error class (what the test then imports and checks). */
const DECLARES_ERROR = /export\s+(?:abstract\s+)?class\s+\w+(?:<[^>]*>)?\s+extends\s+\w*Error/;

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a folder this checkout does not have
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every exported error class of the code base, found by reading the sources: a new one cannot be forgotten. */
type ErrorClass = (abstract new (...args: never[]) => Error) & { code?: string };

async function exportedErrorClasses(): Promise<{ module: string; name: string; type: ErrorClass }[]> {
  const modules = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).filter((file) => DECLARES_ERROR.test(readFileSync(file, 'utf8')));
  const found = await Promise.all(
    modules.map(async (file) => {
      const exports: Record<string, unknown> = await import(pathToFileURL(file).href);
      return Object.entries(exports)
        .filter((entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error)
        .map(([name, type]) => ({ module: relative(ROOT, file), name, type }));
    }),
  );
  // The bases themselves declare no code of their own.
  return found.flat().filter((c) => c.type !== HubError && c.type !== HubErrorWithReason);
}

describe('HubError', () => {
  it('gives each instance its class’s code and name, and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new LoginError('token-rejected', 'the ID token was rejected', { cause });
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'ERR_LOGIN', name: 'LoginError', reason: 'token-rejected', message: 'the ID token was rejected', cause });
    expect(LoginError.code).toBe('ERR_LOGIN');
  });

  it('is the base of every exported error class, each with its own documented code', async () => {
    const classes = await exportedErrorClasses();
    // The scan must find the known ones, or it proves nothing.
    expect(classes.map((c) => c.name)).toEqual(
      expect.arrayContaining(['LoginError', 'UpstreamError', 'LdapError', 'GarError', 'FrenchDateError', 'QuotaExceededError']),
    );

    const notHubErrors = classes.filter((c) => !(c.type.prototype instanceof HubError)).map((c) => `${c.module}: ${c.name}`);
    expect(notHubErrors).toEqual([]);

    const codes = classes.map((c) => ({ where: `${c.module}: ${c.name}`, code: c.type.code ?? '' }));
    expect(codes.filter((c) => !/^ERR_[A-Z0-9_]+$/.test(c.code) || c.code === HubError.code)).toEqual([]);
    // A subclass that declares no code of its own inherits its parent's: it shows here as a shared code.
    expect(codes.filter((c, i) => codes.findIndex((other) => other.code === c.code) !== i)).toEqual([]);

    const documented = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    expect(codes.filter((c) => !documented.includes(`\`${c.code}\``))).toEqual([]);
  });
});
