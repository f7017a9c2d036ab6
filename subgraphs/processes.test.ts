import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTsProcess } from '../test/helpers/child-process.ts';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';

/**
 * Each subgraph as deployed (its own process, configured by its environment): a bad variable stops
 * it before anything starts, with one log line naming every bad variable and what it must be.
 */
async function refusal(entry: string, env: Record<string, string>): Promise<string> {
  const proc = startTsProcess(entry, [], { HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-config-')), ...env });
  const { code } = await proc.exited;
  expect(code).not.toBe(0);
  expect(proc.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('listening'))).toBe(false);
  return JSON.stringify(proc.lines.filter((l) => l.level === 60).map((l) => l.msg));
}

describe('subgraph processes refuse a bad configuration, naming every bad variable', { timeout: 90_000 }, () => {
  it('directory', async () => {
    const said = await refusal('subgraphs/directory/main.ts', {
      DIRECTORY_PORT: 'ten',
      DIRECTORY_BACKEND: 'ldap',
      DIRECTORY_LDAP_TIMEOUT_MS: '5s',
      DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD: 'yes',
    });
    expect(said).toContain('DIRECTORY_PORT must be an integer from 0 to 65535, got \\"ten\\"');
    expect(said).toContain('DIRECTORY_LDAP_TIMEOUT_MS must be an integer from 1 to 600000, got \\"5s\\"');
    expect(said).toContain('DIRECTORY_PERSON_IN_CHARGE_SEES_CHILD must be true or false');
    expect(said).toContain('DIRECTORY_LDAP_URL must be set with DIRECTORY_BACKEND=ldap');
  });

  it('vie scolaire', async () => {
    const said = await refusal('subgraphs/vie-scolaire/main.ts', {
      VIE_SCOLAIRE_UPSTREAMS: '{"0750001A": "not a url"}',
      VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON: '-1',
      VIE_SCOLAIRE_PORT: 'abc',
      VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS: '10s',
    });
    expect(said).toContain('VIE_SCOLAIRE_UPSTREAMS must be a JSON object');
    expect(said).toContain('VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON must be an integer from 1 to 10000, got \\"-1\\"');
    expect(said).toContain('VIE_SCOLAIRE_PORT must be an integer from 0 to 65535, got \\"abc\\"');
    expect(said).toContain('VIE_SCOLAIRE_UPSTREAM_BUDGET_WINDOW_MS must be');
    // The outbox and the calendar feeds are in the hub's database: no database, no start.
    expect(said).toContain('DATABASE_URL must be set to an absolute postgres or postgresql URL');
  });

  it('identity: its state is in the hub’s database, and its sessions’ timeouts are the router’s', async () => {
    const said = await refusal('subgraphs/identity/main.ts', { IDENTITY_PORT: 'x', ROUTER_SESSION_IDLE_MINUTES: '0', HUB_DATA_EXPORTS_PER_DAY: 'many' });
    expect(said).toContain('IDENTITY_PORT must be an integer from 0 to 65535, got \\"x\\"');
    expect(said).toContain('ROUTER_SESSION_IDLE_MINUTES must be an integer from 1');
    expect(said).toContain('HUB_DATA_EXPORTS_PER_DAY must be');
    expect(said).toContain('DATABASE_URL must be set');
  });

  it('identity starts alone on the hub’s database and stops on SIGTERM', async () => {
    const proc = startTsProcess('subgraphs/identity/main.ts', [], {
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-identity-')),
      DATABASE_URL: await createTestDatabaseUrl(),
      IDENTITY_PORT: '0',
    });
    const listening = await proc.waitFor((l) => l.msg === 'identity subgraph listening', 60_000);
    expect(String(listening.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('communication: its messages are in the hub’s database; its limits are checked', async () => {
    const said = await refusal('subgraphs/communication/main.ts', {
      COMMUNICATION_PORT: 'x',
      COMMUNICATION_RECALL_MINUTES: '-5',
      COMMUNICATION_PUPIL_TO_PUPIL: 'maybe',
    });
    expect(said).toContain('COMMUNICATION_PORT must be an integer from 0 to 65535, got \\"x\\"');
    expect(said).toContain('COMMUNICATION_RECALL_MINUTES must be an integer from 0');
    expect(said).toContain('COMMUNICATION_PUPIL_TO_PUPIL must be');
    expect(said).toContain('DATABASE_URL must be set');
  });

  it('communication starts alone on the hub’s database and stops on SIGTERM', async () => {
    const proc = startTsProcess('subgraphs/communication/main.ts', [], {
      HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
      HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-communication-')),
      DATABASE_URL: await createTestDatabaseUrl(),
      COMMUNICATION_PORT: '0',
    });
    const listening = await proc.waitFor((l) => l.msg === 'communication subgraph listening', 60_000);
    expect(String(listening.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('resources, never showing a secret', async () => {
    const said = await refusal('subgraphs/resources/main.ts', {
      GAR_ID_ENT: 'ENTHUB',
      GAR_TIMEOUT_MS: '4s',
      GAR_CERT_FILE: '/nonexistent/ent.pem',
      GAR_PSEUDONYM_SECRET: 'short-pseudonym-secret',
    });
    expect(said).toContain('GAR_BASE_URL must be set to an absolute http or https URL');
    expect(said).toContain('GAR_TIMEOUT_MS must be an integer from 1 to 600000, got \\"4s\\"');
    expect(said).toContain('GAR_CERT_FILE must be the path of an existing file');
    expect(said).toContain('GAR_PSEUDONYM_SECRET must be a secret of at least 32 bytes');
    expect(said).not.toContain('short-pseudonym-secret');
  });
});
