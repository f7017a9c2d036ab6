import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { startEmbeddedPostgres } from './embedded-server.ts';
import { PROJECT_ROOT } from '../../test/helpers/child-process.ts';

/** The fixture owning a server in `dir`, in a process group of its own (like a terminal's foreground job); resolves once it is ready. */
async function startFixture(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/ctrl-c-during-shutdown.ts', dir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const state = { output: '' };
  child.stdout.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (state.output.includes('ready\n')) {
        clearInterval(check);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(check);
      reject(new Error(`the fixture exited before it was ready: ${state.output}`));
    });
  });
  return { child, state, exited };
}

describe('the embedded PostgreSQL server', () => {
  it('Ctrl-C in the terminal reaches the hub, not its database: the hub still writes while it stops, then stops the server', async () => {
    const { child, state, exited } = await startFixture(mkdtempSync(join(tmpdir(), 'hub-ctrl-c-')));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(state.output).toContain('query ok');
  }, 60_000);

  it('a server left running by a hub that was killed is stopped and started again by the next hub', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-orphan-'));
    const { child, exited } = await startFixture(dir);
    child.kill('SIGKILL');
    await exited;
    const server = await startEmbeddedPostgres({ dir, port: 0, persistent: false, log: createLogger('orphan-test', 'silent') });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
