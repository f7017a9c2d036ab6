/**
 * Every package the code imports is declared in package.json, where it belongs: what production
 * loads (the modules the build's entry points reach, tsconfig.build.json) in `dependencies`, so that
 * `npm ci --omit=dev` installs it; everything else (tests, the benchmark, scripts, tooling, the
 * embedded hub) in `dependencies` or `devDependencies`. A package that is only there because another
 * one depends on it can vanish with that one's next release. Node's built-ins need no declaration.
 * Checked by scripts/declared-imports.test.ts (in `npm test`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { moduleReferences, packageName } from './source-references.ts';

/** Folders that hold no project source: dependencies, outputs, data. */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'coverage', '.hub-data', '.git']);
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface UndeclaredImport {
  /** file:line, relative to the project */
  where: string;
  specifier: string;
  problem: 'undeclared' | 'dev dependency in production code';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return NOT_SOURCE.has(entry.name) || entry.name.startsWith('.') ? [] : sourceFiles(join(dir, entry.name));
    return entry.isFile() && SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [];
  });
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The modules production loads: the entry points and what they import at runtime (type-only imports are erased). */
function productionModules(root: string, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = entries.map((e) => resolve(root, e));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const ref of moduleReferences(file, readFileSync(file, 'utf8'))) {
      if (!ref.typeOnly && ref.specifier.startsWith('.')) pending.push(resolve(dirname(file), ref.specifier));
    }
  }
  return seen;
}

/** The entry points of the production build (tsconfig.build.json's `files`). */
export function buildEntries(root: string): string[] {
  // tsconfig files allow comments and trailing commas: read with TypeScript's own reader.
  const parsed = ts.parseConfigFileTextToJson('tsconfig.build.json', readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
  if (parsed.error) throw new Error(`tsconfig.build.json: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n')}`);
  return (parsed.config as { files?: string[] }).files ?? [];
}

export function undeclaredImports(root: string, productionEntries: string[] = buildEntries(root)): UndeclaredImport[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const runtime = new Set(Object.keys(pkg.dependencies ?? {}));
  const declared = new Set([...runtime, ...Object.keys(pkg.devDependencies ?? {})]);
  const production = productionModules(root, productionEntries);
  const problems: UndeclaredImport[] = [];
  for (const file of sourceFiles(root)) {
    const text = readIfPresent(file);
    if (text === undefined) continue; // removed since the folder was listed
    for (const ref of moduleReferences(file, text)) {
      const name = packageName(ref.specifier);
      if (name === undefined || isBuiltin(ref.specifier)) continue;
      const where = `${relative(root, file)}:${ref.line}`;
      // A type-only import may be served by a DefinitelyTyped package (@types/pg for 'pg').
      const typesPackage = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
      if (!declared.has(name) && !(ref.typeOnly && declared.has(typesPackage))) problems.push({ where, specifier: ref.specifier, problem: 'undeclared' });
      else if (production.has(file) && !ref.typeOnly && !runtime.has(name))
        problems.push({ where, specifier: ref.specifier, problem: 'dev dependency in production code' });
    }
  }
  return problems;
}
