import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTsProcess } from '../test/helpers/child-process.ts';
import { FREE_PORTS } from '../test/helpers/free-ports.ts';
import { startEmbeddedHub } from './embedded-hub.ts';
import { loginFlow } from './login-flow.ts';

/** `npm start` reads the router's variables from the real environment, and checks them before starting anything. */
describe('the embedded hub’s configuration', () => {
  it('refuses bad router variables before anything starts, naming each', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-embedded-config-'));
    const started = startEmbeddedHub({
      dataDir,
      ...FREE_PORTS,
      env: { ...process.env, ROUTER_SESSION_IDLE_MINUTES: '0', ROUTER_SESSION_ABSOLUTE_HOURS: 'twelve', ROUTER_AUDIT_STRICT: 'on' },
    });
    await expect(started).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      problems: [
        { variable: 'ROUTER_SESSION_IDLE_MINUTES', expected: 'an integer from 1 to 10080', got: '"0"' },
        { variable: 'ROUTER_SESSION_ABSOLUTE_HOURS', expected: 'an integer from 1 to 720', got: '"twelve"' },
        { variable: 'ROUTER_AUDIT_STRICT', expected: 'true or false', got: '"on"' },
      ],
    });
    // Nothing was generated nor started.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('applies ROUTER_SESSION_* from its environment to the sessions it opens', async () => {
    const hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-embedded-session-')),
      ...FREE_PORTS,
      env: { ...process.env, ROUTER_SESSION_ABSOLUTE_HOURS: '2' },
    });
    try {
      const account = hub.logins.find((l) => l.profile === 'student') ?? hub.logins[0]!;
      const result = await loginFlow({
        routerUrl: hub.router.publicUrl,
        idp: account.idp,
        login: account.login,
        password: account.password,
        transport: 'cookie',
      });
      expect(result.kind).toBe('cookie');
      // The session cookie lives as long as the configured absolute timeout: 2 hours, not the default 12.
      if (result.kind === 'cookie') expect(result.setCookie).toMatch(/Max-Age=7200\b/i);
    } finally {
      await hub.stop();
    }
  }, 120_000);

  it('`npm start` exits at once on a bad ROUTER_PORT, naming it', async () => {
    const proc = startTsProcess('scripts/start.ts', [], {
      HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-start-config-')),
      HUB_LOG_LEVEL: 'warn',
      ROUTER_PORT: '4000x',
    });
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    expect(JSON.stringify(proc.lines)).toContain('ROUTER_PORT must be an integer from 0 to 65535, got \\"4000x\\"');
  }, 120_000);
});
