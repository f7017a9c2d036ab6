import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { PROJECT_ROOT } from '../test/helpers/child-process.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

describe('dev:token', () => {
  let hub: EmbeddedHub;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-devtoken-'));
    hub = await startEmbeddedHub({ dataDir, ...FREE_PORTS });
  });
  afterAll(() => hub?.stop());

  const runDevToken = (login: string, env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/dev-token.ts', login],
        { cwd: PROJECT_ROOT, env: { ...process.env, HUB_URL: hub.router.publicUrl, HUB_DATA_DIR: dataDir, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('prints a bearer token alone on stdout, obtained through the real login flow', async () => {
    const { code, stdout } = await runDevToken('sophie.martin');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^hubs_[\w-]{43}\n$/);
    const response = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stdout.trim()}` },
      body: JSON.stringify({ query: '{ viewer { person { displayName } } }' }),
    });
    expect(await response.json()).toEqual({ data: { viewer: { person: { displayName: 'Sophie MARTIN' } } } });
  });

  it('refuses to run in production mode, printing nothing on stdout', async () => {
    const { code, stdout, stderr } = await runDevToken('sophie.martin', { NODE_ENV: 'production' });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('refusing to run in production mode');
  });
});
