/**
 * `npm run build [-- --out DIR] [-- --no-check]`: the production processes as JavaScript, run with
 * plain `node` (no tsx): `node dist/router/main.js`, `node dist/subgraphs/NAME/main.js`.
 *
 * 1. tsc with tsconfig.build.json (the entry points it lists and what they import; `.ts` imports
 *    become `.js`);
 * 2. the files the emitted code reads relative to itself (`new URL('./schema.graphql',
 *    import.meta.url)`: the subgraph schemas, the default supergraph) are copied beside it from the
 *    sources, found in the emitted code itself so that a new one cannot be forgotten;
 * 3. a package.json saying the folder is ES modules, so that it runs wherever it is copied
 *    (beside a node_modules);
 * 4. the result is checked: no import of tsx or of a .ts file, every relative import and every
 *    file read relative to a module exists. Any problem fails the build, each one named.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HubError } from '../lib/errors.ts';
import { moduleReferences, relativeUrls } from './source-references.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_CONFIG = join(PROJECT_ROOT, 'tsconfig.build.json');
/** Written into every build; a folder holding anything else is never deleted by a build. */
const BUILD_PACKAGE_JSON = {
  description: 'Output of `npm run build` (scripts/build.ts): deleted and rewritten by each build.',
  private: true,
  type: 'module',
};

export interface BuildOptions {
  outDir: string;
  /** false: emit only (`tsc --noCheck`), for the build test; `npm run typecheck` checks the types. */
  typeCheck: boolean;
}

export class BuildError extends HubError {
  static override readonly code = 'ERR_BUILD';
}

/** Every .js file under a folder, as absolute paths (node_modules, and links to it, not walked). */
export function javaScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') return javaScriptFiles(path);
    return entry.isFile() && entry.name.endsWith('.js') ? [path] : [];
  });
}

function cleanOutDir(outDir: string): void {
  if (!existsSync(outDir)) return;
  const ownPackageJson = join(outDir, 'package.json');
  const isOurs = existsSync(ownPackageJson) && readFileSync(ownPackageJson, 'utf8') === JSON.stringify(BUILD_PACKAGE_JSON, null, 2);
  if (!isOurs && readdirSync(outDir).length > 0) throw new BuildError(`${outDir} is not empty and is not a previous build: refusing to delete it`);
  rmSync(outDir, { recursive: true, force: true });
}

function compile({ outDir, typeCheck }: BuildOptions): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const args = [tsc, '--project', BUILD_CONFIG, '--outDir', outDir, '--pretty', 'false', ...(typeCheck ? [] : ['--noCheck'])];
  const result = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new BuildError(`tsc failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}

/** Copies, from the sources, each file the emitted modules read relative to themselves. */
function copyRelativeAssets(outDir: string): string[] {
  const copied: string[] = [];
  for (const file of javaScriptFiles(outDir)) {
    const sourceDir = dirname(join(PROJECT_ROOT, relative(outDir, file)));
    for (const url of relativeUrls(file, readFileSync(file, 'utf8'))) {
      if (url.path === undefined || url.path.endsWith('.js')) continue; // computed: reported by buildProblems; a module: emitted
      const from = resolve(sourceDir, url.path);
      const to = resolve(dirname(file), url.path);
      if (!existsSync(from) || !to.startsWith(outDir)) continue; // reported by buildProblems
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { recursive: statSync(from).isDirectory() });
      copied.push(relative(outDir, to));
    }
  }
  return copied;
}

/** What would break `node` on a build, one line each (empty: none). */
export function buildProblems(outDir: string): string[] {
  const problems: string[] = [];
  for (const file of javaScriptFiles(outDir)) {
    const text = readFileSync(file, 'utf8');
    const where = (line: number) => `${relative(outDir, file)}:${line}`;
    for (const ref of moduleReferences(file, text)) {
      if (ref.specifier === 'tsx' || ref.specifier.startsWith('tsx/')) problems.push(`${where(ref.line)} imports tsx`);
      else if (ref.specifier.startsWith('.') && /\.[cm]?ts$/.test(ref.specifier))
        problems.push(`${where(ref.line)} imports a TypeScript file: ${ref.specifier}`);
      else if (ref.specifier.startsWith('.') && !existsSync(resolve(dirname(file), ref.specifier)))
        problems.push(`${where(ref.line)} imports a missing file: ${ref.specifier}`);
    }
    for (const url of relativeUrls(file, text)) {
      if (url.path === undefined)
        problems.push(`${where(url.line)} reads a computed path relative to itself: the build cannot tell which file to copy; use a literal path`);
      else if (!existsSync(resolve(dirname(file), url.path)))
        problems.push(`${where(url.line)} reads ${url.path}, which is not in the build (and not in the sources)`);
    }
  }
  return problems;
}

export function build(options: BuildOptions): { outDir: string; modules: number; assets: string[] } {
  const outDir = resolve(options.outDir);
  cleanOutDir(outDir);
  // First, so that a build that fails half-way is still recognized (and replaced) by the next one.
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), JSON.stringify(BUILD_PACKAGE_JSON, null, 2));
  compile({ ...options, outDir });
  const assets = copyRelativeAssets(outDir);
  const problems = buildProblems(outDir);
  if (problems.length > 0) throw new BuildError(`the build in ${outDir} would not run:\n  ${problems.join('\n  ')}`);
  return { outDir, modules: javaScriptFiles(outDir).length, assets };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(PROJECT_ROOT, 'dist') }, 'no-check': { type: 'boolean', default: false } } });
  try {
    const result = build({ outDir: values.out, typeCheck: !values['no-check'] });
    process.stdout.write(`built ${result.modules} modules and ${result.assets.length} assets into ${relative(process.cwd(), result.outDir) || '.'}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
