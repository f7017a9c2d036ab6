import { describe, expect, it } from 'vitest';
import { cpuMsPerRequest, parseCpuList, parseMemoryMb, parseStatTicks, processTree, readCpuTicks } from './proc.ts';

describe('/proc readings', () => {
  it('reads user and system ticks, even when the process name holds spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9513 0 0 0 731 64 0 0 20 0 11 0 123 1 2';
    expect(parseStatTicks(stat)).toEqual({ user: 731, system: 64 });
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
