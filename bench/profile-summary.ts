/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile`: where a V8 CPU profile spent its time, by
 * function (self time) and by package, to say what limits the router's throughput.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
// Shares of busy time: idle samples (the router waiting for work) are left out.
const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
const total = profile.samples.filter((id) => !idleIds.has(id)).length;
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  if (!node.hitCount || idleIds.has(node.id)) continue;
  const url = node.callFrame.url;
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.includes('/work/') || url.startsWith('file:///')
      ? `hub:${url.split('/').slice(-2).join('/')}`
      : url || `(${node.callFrame.functionName || 'native'})`);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${pkg}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.hitCount);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
}
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
process.stdout.write(`busy samples: ${total}\n\nby package:\n${top(byPackage, 25)}\n\nby function (self):\n${top(byFunction, 25)}\n`);
