/**
 * How much this machine charges for the same work at different rates. Run alone (`node --import
 * tsx bench/machine-check.ts RATES`), it does one fixed piece of work (reads over a working set the
 * size of a router's heap) at each rate in turn and prints the CPU each piece cost, as JSON.
 *
 * Why the benchmark asks: on the virtual machines this was measured on, a process that idles between
 * requests finds its caches cold at each one (while a virtual CPU idles, the host runs other work on
 * the same physical core), so the same request costs it two or three times the CPU at 60 req/s that
 * it costs at 400 req/s. Every router's CPU per request falls as its rate rises, whatever its code;
 * this says by how much on the machine of the run (bench/results/latest.md prints it).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { round } from './stats.ts';

export interface RateDependence {
  /** The CPU the check ran on (the routers' core of the ramp), when it could be pinned. */
  cpu?: number;
  workingSetMb: number;
  /** CPU ms one piece of the same work cost at each rate. */
  steps: { rate: number; cpuMsPerOp: number }[];
}

const WORKING_SET_MB = 64;
const SECONDS_PER_RATE = 5;
/** Reads per piece of work: about a millisecond of CPU on a warm core. */
const READS_PER_OP = 20_000;

/** Runs the check in a process of its own, pinned to `cpu` with taskset when given. */
export async function measureRateDependence(rates: readonly number[], cpu?: number): Promise<RateDependence> {
  const node = [process.execPath, '--import', 'tsx', new URL(import.meta.url).pathname, rates.join(',')];
  const [file, ...args] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  const { stdout } = await promisify(execFile)(file!, args, { timeout: (rates.length * SECONDS_PER_RATE + 60) * 1000 });
  const steps = JSON.parse(stdout.trim().split('\n').at(-1)!) as RateDependence['steps'];
  return { ...(cpu === undefined ? {} : { cpu }), workingSetMb: WORKING_SET_MB, steps };
}

async function runCheck(rates: number[]): Promise<RateDependence['steps']> {
  // Objects linked at random, as a heap is: each read lands in another cache line, often another page.
  const objects = Array.from({ length: (WORKING_SET_MB * 1024 * 1024) / 64 }, (_, i) => ({ value: i, next: undefined as unknown as { value: number } }));
  for (let i = 0; i < objects.length; i++) objects[i]!.next = objects[(i * 7919) % objects.length]!;
  let seed = 1;
  const work = () => {
    let sum = 0;
    for (let i = 0; i < READS_PER_OP; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const o = objects[seed % objects.length]!;
      sum += o.value + o.next.value;
    }
    return sum;
  };
  for (let i = 0; i < 200; i++) work(); // compiled and warm before the first rate
  const steps: RateDependence['steps'] = [];
  for (const rate of rates) {
    const total = rate * SECONDS_PER_RATE;
    const before = process.cpuUsage();
    const start = performance.now();
    for (let done = 0; done < total; done++) {
      // On schedule, idle in between: the regime of a router at that rate.
      const due = start + (done * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      work();
    }
    const used = process.cpuUsage(before);
    steps.push({ rate, cpuMsPerOp: round((used.user + used.system) / 1000 / total, 3) });
  }
  return steps;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rates = (process.argv[2] ?? '').split(',').map(Number);
  if (!rates.length || rates.some((r) => !(r > 0 && r <= 1000))) throw new Error('usage: machine-check.ts RATE[,RATE…] (1 to 1000 per second)');
  process.stdout.write(`${JSON.stringify(await runCheck(rates))}\n`);
}
