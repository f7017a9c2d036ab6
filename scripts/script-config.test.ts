/**
 * The command-line tools check their whole configuration before doing anything, like every process
 * of the hub (lib/config/env.ts): a typo is refused, naming the variable, never silently ignored.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../test/helpers/child-process.ts';

function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('tools refuse a bad configuration, naming the variable', () => {
  it('gar:export: a misspelt directory backend is refused before anything is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-gar-config-'));
    const out = join(dir, 'out');
    const { code, stdout, stderr } = await run('scripts/gar-export.ts', ['--out', out], { DIRECTORY_BACKEND: 'ldpa', HUB_DATA_DIR: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/DIRECTORY_BACKEND must be one of/);
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('gar:export: in production, no pseudonym secret is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-gar-config-'));
    const { code, stderr } = await run('scripts/gar-export.ts', ['--out', join(dir, 'out')], {
      NODE_ENV: 'production',
      GAR_PSEUDONYM_SECRET: '',
      HUB_DATA_DIR: dir,
      // Production reads the imported directory from the database: never reached, the secret is refused first.
      DATABASE_URL: 'postgres://hub@127.0.0.1:9/none',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/GAR_PSEUDONYM_SECRET must be set in production/);
  });

  it('dev:token: a hub URL that is not one is refused before logging in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-token-config-'));
    const { code, stdout, stderr } = await run('scripts/dev-token.ts', ['sophie.martin'], { HUB_URL: 'localhost 4000', HUB_DATA_DIR: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/HUB_URL must be/);
    expect(stdout).toBe('');
    // Nothing was done: the académie was not even generated.
    expect(existsSync(join(dir, 'academie'))).toBe(false);
  }, 90_000);
});
