/**
 * What the benchmark reads from Linux about a process (/proc): its CPU time and memory, its
 * children; and where it may run (`taskset`, util-linux).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU time a process has used so far, in clock ticks. */
export interface CpuTicks {
  user: number;
  system: number;
}

/**
 * utime and stime of a /proc/PID/stat line (fields 14 and 15; the name in parentheses may hold
 * spaces); with `reaped`, plus the time of the children it has waited for (cutime, cstime: 16, 17).
 */
export function parseStatTicks(stat: string, options: { reaped?: boolean } = {}): CpuTicks {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const user = Number(fields[11]) + (options.reaped ? Number(fields[13]) : 0);
  const system = Number(fields[12]) + (options.reaped ? Number(fields[14]) : 0);
  if (!Number.isFinite(user) || !Number.isFinite(system)) throw new Error('bench: unreadable /proc stat line');
  return { user, system };
}

/** Milliseconds of CPU (user + system) per completed request between two readings. */
export function cpuMsPerRequest(before: CpuTicks, after: CpuTicks, completed: number, ticksPerSecond: number): number {
  const ticks = after.user + after.system - (before.user + before.system);
  return completed > 0 ? (ticks * 1000) / ticksPerSecond / completed : Number.NaN;
}

/** Resident memory now and its peak (VmRSS, VmHWM of /proc/PID/status), MB. */
export function parseMemoryMb(status: string): { rssMb: number; peakRssMb: number } {
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/** A CPU list as taskset prints it ("0-3,6"), as numbers. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to! < from!) throw new Error(`bench: unreadable CPU list "${list}"`);
    for (let cpu = from!; cpu <= to!; cpu++) cpus.push(cpu);
  }
  return cpus;
}

let ticksPerSecondCache: number | undefined;
/** The kernel's clock ticks per second (USER_HZ), which /proc counts CPU time in. */
export function ticksPerSecond(): number {
  if (ticksPerSecondCache === undefined) {
    try {
      ticksPerSecondCache = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecondCache = 100; // USER_HZ on every Linux architecture Node runs on
    }
  }
  return ticksPerSecondCache;
}

export function readCpuTicks(pid: number, options: { reaped?: boolean } = {}): CpuTicks {
  return parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'), options);
}

export function readMemoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  return parseMemoryMb(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/**
 * CPU time of a process and its descendants, less the subtrees rooted at `exclude`. Each counts the
 * children it reaped, so a worker that ends between two readings (a PostgreSQL backend) is counted
 * by its parent in the second: the difference of two readings is the tree's whole time between them.
 */
export function readTreeCpuTicks(pid: number, exclude: ReadonlySet<number> = new Set()): CpuTicks {
  const total = { user: 0, system: 0 };
  for (const member of processTree(pid, exclude)) {
    try {
      const ticks = readCpuTicks(member, { reaped: true });
      total.user += ticks.user;
      total.system += ticks.system;
    } catch {
      // Ended since the listing: its parent counts it once it has reaped it.
    }
  }
  return total;
}

/** Its command line, arguments separated by spaces ('' once it has ended). */
export function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** The first process whose command line passes `test` (in /proc's order), if any. */
export function findProcess(test: (commandLine: string) => boolean): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && test(readCommandLine(Number(entry)))) return Number(entry);
  }
  return undefined;
}

/** A process and all its descendants (e.g. the backends' PostgreSQL server and its workers), less the subtrees rooted at `exclude`. */
export function processTree(pid: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${found[i]}/task`);
    } catch {
      continue; // it has exited
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${found[i]}/task/${task}/children`, 'utf8').split(' ').filter(Boolean))
          if (!exclude.has(Number(child))) found.push(Number(child));
      } catch {}
    }
  }
  return found;
}

/** The CPUs this process may run on, or undefined without taskset. */
export function allowedCpus(pid = process.pid): number[] | undefined {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
    return parseCpuList(out.slice(out.lastIndexOf(':') + 1));
  } catch {
    return undefined;
  }
}

/** Pins every thread of each process to `cpus` (threads and children started later inherit it). */
export function pinProcesses(pids: readonly number[], cpus: readonly number[]): void {
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-c', '-p', cpus.join(','), String(pid)], { stdio: 'ignore' });
    } catch (error) {
      // A worker that exited between the listing and now has nothing left to pin.
      if (readdirSafe(`/proc/${pid}`)) throw error;
    }
  }
}

function readdirSafe(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}
