import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpuMsPerRequest, parseCpuList, parseMemoryMb, parseStatTicks, processTree, readCommandLine, readCpuTicks, readTreeCpuTicks } from './proc.ts';

/** A child that keeps a core busy for `ms`. */
const BUSY = (ms: number) => ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`];
const ticksOf = (t: { user: number; system: number }) => t.user + t.system;

describe('/proc readings', () => {
  it('reads user and system ticks, even when the process name holds spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9513 0 0 0 731 64 0 0 20 0 11 0 123 1 2';
    expect(parseStatTicks(stat)).toEqual({ user: 731, system: 64 });
    // With the children it has waited for (cutime 0, cstime 0 here; fields 16 and 17).
    expect(parseStatTicks('1 (pg) S 1 1 1 0 -1 0 0 0 0 0 100 20 300 40 20 0 1 0 1 1 1', { reaped: true })).toEqual({ user: 400, system: 60 });
  });
  it('counts in a tree the time of a child that ended between two readings', () => {
    const before = readTreeCpuTicks(process.pid);
    const selfBefore = readCpuTicks(process.pid);
    spawnSync(process.execPath, BUSY(300));
    const childTicks = ticksOf(readTreeCpuTicks(process.pid)) - ticksOf(before) - (ticksOf(readCpuTicks(process.pid)) - ticksOf(selfBefore));
    // 300 ms of a busy loop, less what a loaded machine did not give it.
    expect(childTicks).toBeGreaterThanOrEqual(15);
  });
  it('leaves out the subtrees it is told to, and names a process by its command line', async () => {
    const child = spawn(process.execPath, BUSY(2000), { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readCommandLine(child.pid!)).toContain('while (Date.now() < end)');
    expect(processTree(process.pid)).toContain(child.pid);
    expect(processTree(process.pid, new Set([child.pid!]))).not.toContain(child.pid);
    const whole = ticksOf(readTreeCpuTicks(process.pid));
    const without = ticksOf(readTreeCpuTicks(process.pid, new Set([child.pid!])));
    expect(whole - without).toBeGreaterThanOrEqual(10);
    child.kill();
    await exited;
    expect(readCommandLine(child.pid!)).toBe('');
  });
  it('reads the live process as well', () => {
    const ticks = readCpuTicks(process.pid);
    expect(ticks.user + ticks.system).toBeGreaterThanOrEqual(0);
    expect(processTree(process.pid)[0]).toBe(process.pid);
  });
  it('divides the CPU used in the window by the requests completed in it', () => {
    // 150 ticks at 100 per second = 1.5 s of CPU over 300 requests: 5 ms each.
    expect(cpuMsPerRequest({ user: 1000, system: 200 }, { user: 1120, system: 230 }, 300, 100)).toBe(5);
    expect(cpuMsPerRequest({ user: 0, system: 0 }, { user: 5, system: 0 }, 0, 100)).toBeNaN();
  });
  it('reads resident memory and its peak', () => {
    expect(parseMemoryMb('Name:\tnode\nVmHWM:\t  476160 kB\nVmRSS:\t  307200 kB\n')).toEqual({ rssMb: 300, peakRssMb: 465 });
  });
  it('reads CPU lists as taskset prints them', () => {
    expect(parseCpuList('0-2,5\n')).toEqual([0, 1, 2, 5]);
    expect(parseCpuList(' 1')).toEqual([1]);
    expect(() => parseCpuList('3-1')).toThrow(/CPU list/);
  });
});
