import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/env.ts';
import { identityProvidersFromEnv, loadIdentityProvidersFile } from './providers-file.ts';

const SECRET = 'a-client-secret-of-32-characters';
const dir = mkdtempSync(join(tmpdir(), 'hub-idps-'));
let files = 0;
const fileWith = (content: unknown): string => {
  const path = join(dir, `providers-${files++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const educonnect = {
  id: 'educonnect',
  label: 'EduConnect',
  issuer: 'https://educonnect.example.gouv.fr/idp',
  clientId: 'ent-hub',
  clientSecretVariable: 'EDUCONNECT_CLIENT_SECRET',
  linking: 'educonnect',
};
const env = { EDUCONNECT_CLIENT_SECRET: SECRET };
const refusal = (providers: unknown[], withEnv: Record<string, string> = env): string => {
  try {
    loadIdentityProvidersFile(fileWith({ providers }), withEnv);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ERR_IDENTITY_PROVIDERS_FILE');
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
};

describe('identity providers file', () => {
  it('reads the example file, each secret from the variable it names, with the defaults', () => {
    const providers = loadIdentityProvidersFile('config/identity-providers.example.json', {
      EDUCONNECT_CLIENT_SECRET: SECRET,
      AGENTS_CLIENT_SECRET: `${SECRET}-agents`,
    });
    expect(providers.map((p) => [p.id, p.linking, p.fallbackLinking, p.clientSecret])).toEqual([
      ['educonnect', 'educonnect', true, SECRET],
      ['agents', 'agent', false, `${SECRET}-agents`],
    ]);
    const [minimal] = loadIdentityProvidersFile(fileWith({ providers: [educonnect] }), env);
    expect(minimal).toMatchObject({ scopes: ['openid'], fallbackLinking: false });
  });

  it('allows plain http only to a provider on this machine', () => {
    expect(loadIdentityProvidersFile(fileWith({ providers: [{ ...educonnect, issuer: 'http://127.0.0.1:4000' }] }), env)[0]?.issuer).toBe(
      'http://127.0.0.1:4000',
    );
    expect(refusal([{ ...educonnect, issuer: 'http://educonnect.example.gouv.fr/idp' }])).toMatch(/providers\[0\]\.issuer: must be https/);
  });

  it('refuses a missing or short secret variable, naming the variable and never a value', () => {
    expect(refusal([educonnect], {})).toMatch(/providers\[0\]\.clientSecretVariable: EDUCONNECT_CLIENT_SECRET is not set/);
    const short = refusal([educonnect], { EDUCONNECT_CLIENT_SECRET: 'short-secret' });
    expect(short).toMatch(/EDUCONNECT_CLIENT_SECRET must hold a secret of at least 16 bytes/);
    expect(short).not.toContain('short-secret');
  });

  it('sends a provider no secret of the hub: the secret variable is one of its own kind (…_CLIENT_SECRET)', () => {
    const hubSecrets = { DATABASE_URL: 'postgres://hub:password@db/hub', HUB_VIEWER_CONTEXT_SECRET: 'the-viewer-context-signing-key-0123456789' };
    for (const variable of Object.keys(hubSecrets)) {
      const message = refusal([{ ...educonnect, clientSecretVariable: variable }], hubSecrets);
      expect(message).toMatch(/providers\[0\]\.clientSecretVariable: must be the NAME of an environment variable ending in _CLIENT_SECRET/);
      expect(message).not.toContain(hubSecrets[variable as keyof typeof hubSecrets]);
    }
  });

  it('links agents by their verified address only: no fallback on names and birth date for staff', () => {
    const agents = { ...educonnect, id: 'agents', clientSecretVariable: 'AGENTS_CLIENT_SECRET', linking: 'agent', fallbackLinking: true };
    expect(refusal([agents], { AGENTS_CLIENT_SECRET: SECRET })).toMatch(/providers\[0\]\.fallbackLinking: is for EduConnect only/);
  });

  it('refuses duplicate ids, scopes without openid, an unknown linking rule and a bad id', () => {
    expect(refusal([educonnect, { ...educonnect, label: 'Again' }])).toMatch(/providers\[1\]\.id: duplicate id "educonnect"/);
    expect(refusal([{ ...educonnect, scopes: ['profile'] }])).toMatch(/providers\[0\]\.scopes: must include openid/);
    expect(refusal([{ ...educonnect, linking: 'email' }])).toMatch(/providers\[0\]\.linking: /);
    expect(refusal([{ ...educonnect, id: 'EduConnect!' }])).toMatch(/providers\[0\]\.id: must be 1 to 32 of a-z, 0-9 and -/);
  });

  it('refuses a secret written in the file, under any key, without repeating it', () => {
    for (const key of ['clientSecret', 'client_secret', 'secret', 'password', 'apiKey', 'comment']) {
      const message = refusal([{ ...educonnect, [key]: 'written-in-the-file-by-mistake' }]);
      expect(message).toContain(`providers[0].${key}: `);
      expect(message).not.toContain('written-in-the-file-by-mistake');
    }
    expect(refusal([{ ...educonnect, clientSecret: 'x' }])).toMatch(/a secret is never written in this file/);
  });

  it('names every bad field of every provider at once', () => {
    const message = refusal([
      { ...educonnect, issuer: 'ftp://nowhere', clientSecret: 'x' },
      { ...educonnect, id: 'agents', clientSecretVariable: 'AGENTS_CLIENT_SECRET', linking: 'sms', scopes: [] },
    ]);
    for (const field of [
      'providers[0].issuer',
      'providers[0].clientSecret',
      'providers[1].linking',
      'providers[1].scopes',
      'providers[1].clientSecretVariable',
    ])
      expect(message).toContain(field);
  });

  it('is read from ROUTER_IDENTITY_PROVIDERS_FILE: unset gives none, a bad file is a ConfigError naming the variable', () => {
    expect(identityProvidersFromEnv({})).toBeUndefined();
    expect(identityProvidersFromEnv({ ...env, ROUTER_IDENTITY_PROVIDERS_FILE: fileWith({ providers: [educonnect] }) })?.map((p) => p.id)).toEqual([
      'educonnect',
    ]);
    const read = () => identityProvidersFromEnv({ ROUTER_IDENTITY_PROVIDERS_FILE: fileWith('{ not json') });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/ROUTER_IDENTITY_PROVIDERS_FILE must be .*not JSON/);
    expect(() => identityProvidersFromEnv({ ROUTER_IDENTITY_PROVIDERS_FILE: fileWith({ providers: [educonnect] }) })).toThrow(
      /ROUTER_IDENTITY_PROVIDERS_FILE .*EDUCONNECT_CLIENT_SECRET is not set/,
    );
  });
});
