/**
 * The licences of the production dependency tree (what `npm ci --omit=dev` installs), read offline
 * from node_modules by license-checker-rseidelsohn. Any OSI-approved licence is fine at runtime;
 * anything else (the Elastic License of some Apollo packages, no licence, an unknown one) is allowed
 * in development dependencies only. `npm run -s licences` prints the list; scripts/licences.test.ts
 * (in `npm test`) fails on any package outside the allow-list, naming it with its licence.
 */
import { init, type ModuleInfos } from 'license-checker-rseidelsohn';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * SPDX ids allowed at runtime: OSI-approved licences (https://opensource.org/licenses), the ones
 * found in npm trees and a few common others. CC0-1.0 is not OSI-approved (OSI never ruled on it)
 * but is a public-domain dedication, used by data packages (e.g. type-fest's dual licence).
 * Add an id only if OSI approved it; copyleft ones (LGPL, MPL) are OSI-approved and allowed.
 */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'MPL-2.0',
  'PostgreSQL',
  'Python-2.0',
  'Unlicense',
  'Zlib',
  'BSL-1.0',
  'Artistic-2.0',
  'UPL-1.0',
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'LGPL-3.0-only',
  'LGPL-3.0-or-later',
  'EPL-2.0',
  'CC0-1.0', // data and public-domain dedications, see above
]);

/**
 * Whether an SPDX expression is acceptable: `A OR B` if either is, `A AND B` if both are,
 * `A WITH exception` if A is (exceptions only add permissions), `A+` if A is.
 * (spdx-satisfies does this too, but is only a transitive dependency of license-checker here.)
 */
export function licenceAllowed(expression: string, allowed: ReadonlySet<string> = ALLOWED_LICENCES): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at]?.toUpperCase();
  const or = (): boolean => {
    let result = and();
    while (peek() === 'OR') {
      at++;
      result = and() || result;
    }
    return result;
  };
  const and = (): boolean => {
    let result = term();
    while (peek() === 'AND') {
      at++;
      result = term() && result;
    }
    return result;
  };
  const term = (): boolean => {
    const token = tokens[at++];
    if (token === undefined || token === ')') throw new SyntaxError(`not an SPDX expression: "${expression}"`);
    if (token === '(') {
      const inner = or();
      if (tokens[at++] !== ')') throw new SyntaxError(`not an SPDX expression: "${expression}"`);
      return inner;
    }
    if (peek() === 'WITH') at += 2;
    return allowed.has(token.replace(/\+$/, ''));
  };
  try {
    const result = or();
    return at === tokens.length && result;
  } catch {
    return false;
  }
}

export interface PackageLicence {
  /** name@version */
  id: string;
  licence: string;
  /** license-checker read it from a licence file, not from package.json (it marks it with `*`). */
  guessed: boolean;
  allowed: boolean;
  /** The production packages that depend on it (from package-lock.json), to tell where a refused one comes from. */
  requiredBy: string[];
}

/** For each package name, the names of the installed packages (or the project) that depend on it. */
function dependents(root: string): Map<string, Set<string>> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    name: string;
    packages: Record<
      string,
      { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
    >;
  };
  const map = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const dependent = path === '' ? lock.name : path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      map.set(name, (map.get(name) ?? new Set()).add(dependent));
    }
  }
  return map;
}

/** Every package of the production tree with its licence, sorted by id; the project itself left out. */
export async function productionLicences(root = PROJECT_ROOT): Promise<PackageLicence[]> {
  const infos = await new Promise<ModuleInfos>((resolvePromise, reject) =>
    init({ start: root, production: true, color: false }, (error, result) => (error ? reject(error) : resolvePromise(result))),
  );
  const requiredBy = dependents(root);
  const inTree = new Set(Object.keys(infos).map((id) => id.slice(0, id.lastIndexOf('@'))));
  return Object.entries(infos)
    .filter(([, info]) => info.path === undefined || resolve(info.path) !== resolve(root))
    .map(([id, info]) => {
      // An old-style list of licences offers a choice between them.
      const raw = Array.isArray(info.licenses) ? info.licenses.join(' OR ') : (info.licenses ?? 'UNKNOWN');
      const guessed = raw.endsWith('*');
      const licence = guessed ? raw.slice(0, -1) : raw;
      const name = id.slice(0, id.lastIndexOf('@'));
      return { id, licence, guessed, allowed: licenceAllowed(licence), requiredBy: [...(requiredBy.get(name) ?? [])].filter((d) => inTree.has(d)).sort() };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function describeLicence(p: PackageLicence): string {
  return `${p.id}: ${p.licence}${p.guessed ? ' (read from its licence file)' : ''}${p.allowed ? '' : `, required by ${p.requiredBy.join(', ') || '?'}`}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packages = await productionLicences();
  process.stdout.write(packages.map((p) => `${p.allowed ? ' ' : '✗'} ${describeLicence(p)}\n`).join(''));
  const refused = packages.filter((p) => !p.allowed);
  process.stdout.write(`${packages.length} production packages, ${refused.length} with a licence outside the allow-list (scripts/licences.ts)\n`);
  if (refused.length > 0) process.exitCode = 1;
}
