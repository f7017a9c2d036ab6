import { describe, expect, it } from 'vitest';
import { startTsProcess } from '../test/helpers/child-process.ts';

/** The process that owns its signals (lib/shutdown.ts): a stop always drains, whenever it comes. */
describe('exitOnSignal', { timeout: 30_000 }, () => {
  const start = (env: Record<string, string>) => startTsProcess('test/fixtures/signal-owner.ts', [], env);

  it('a SIGTERM while the process is still starting waits for it to start, then drains and exits 0', async () => {
    const proc = start({ STARTUP_MS: '1500' });
    await proc.waitFor((l) => l.msg === 'starting');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM', started: false });
    // `drained` is said by the stop given once started: the signal waited for it.
    expect(proc.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['drained', 'stopped', 'listening']));
  });

  it('a SIGTERM at the moment it says it is listening drains; a library’s own handler never ends it first', async () => {
    const proc = start({ STOP_MS: '300' });
    await proc.waitFor((l) => l.msg === 'listening');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines.map((l) => l.msg)).toContain('drained');
  });

  it('a second signal while stopping neither kills it nor stops twice', async () => {
    const proc = start({ STOP_MS: '800' });
    await proc.waitFor((l) => l.msg === 'listening');
    proc.child.kill('SIGTERM');
    await proc.waitFor((l) => l.msg === 'shutting down');
    proc.child.kill('SIGINT');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines.filter((l) => l.msg === 'shutting down')).toHaveLength(1);
    expect(proc.lines.filter((l) => l.msg === 'drained')).toHaveLength(1);
  });

  it('a closed terminal (SIGHUP) stops it as Ctrl-C does: drained, exit 0', async () => {
    const proc = start({});
    await proc.waitFor((l) => l.msg === 'listening');
    proc.child.kill('SIGHUP');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines.map((l) => l.msg)).toContain('drained');
  });

  it('a stop slower than the deadline exits 1, saying so', async () => {
    const proc = start({ STOP_MS: '10000', DEADLINE_MS: '500' });
    await proc.waitFor((l) => l.msg === 'listening');
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(1);
    expect(proc.lines.map((l) => l.msg)).toContain('shutdown deadline passed, exiting');
  });
});
