/**
 * `npx tsx bench/profile-summary.ts A.cpuprofile [B.cpuprofile]`: where a V8 CPU profile spent its
 * busy time (idle left out), by package and by function (self time), as shares of that time. With a
 * second profile (router (b)'s beside (a)'s, both from BENCH_PROFILE), the two side by side, sorted by
 * what the first spends more: what the hub's plugins add to the runtime.
 */
import { readFileSync } from 'node:fs';

/** The project's files are named from its root (`hub:router/plugins/use-audit.ts`). */
const PROJECT_URL = new URL('../', import.meta.url).href;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Shares {
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
}

/** Busy time by package and by function, as percentages of the profile's busy time (sample intervals weighted). */
function sharesOf(file: string): Shares {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    // A sample's time is the interval until the next one.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += micros;
    const url = node.callFrame.url;
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith(PROJECT_URL) ? `hub:${url.slice(PROJECT_URL.length)}` : url || `(${node.callFrame.functionName || 'native'})`);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${pkg}:${node.callFrame.lineNumber + 1}:${node.callFrame.columnNumber + 1}`;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  });
  const percent = (map: Map<string, number>) => new Map([...map].map(([k, v]) => [k, (v / busy) * 100]));
  return { byPackage: percent(byPackage), byFunction: percent(byFunction) };
}

const pct = (v: number | undefined) => `${(v ?? 0).toFixed(1).padStart(5)} %`;

function table(title: string, first: Map<string, number>, second: Map<string, number> | undefined, rows: number): string {
  const keys = new Set([...first.keys(), ...(second?.keys() ?? [])]);
  // Alone: by share. Beside another: by what the first spends more than the second.
  const order = (k: string) => (first.get(k) ?? 0) - (second?.get(k) ?? 0);
  const sorted = [...keys].sort((x, y) => order(y) - order(x)).slice(0, rows);
  const lines = sorted.map((k) => `${pct(first.get(k))}${second ? `  ${pct(second.get(k))}` : ''}  ${k}`);
  return `${title}${second ? ' (first, second)' : ''}:\n${lines.join('\n')}`;
}

const [firstFile, secondFile] = process.argv.slice(2);
if (!firstFile) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts A.cpuprofile [B.cpuprofile]\n');
  process.exit(2);
}
const first = sharesOf(firstFile);
const second = secondFile ? sharesOf(secondFile) : undefined;
process.stdout.write(
  `shares of busy time\n\n${table('by package', first.byPackage, second?.byPackage, 30)}\n\n${table('by function (self)', first.byFunction, second?.byFunction, 40)}\n`,
);
