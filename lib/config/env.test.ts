import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  boolean,
  ConfigError,
  envSchema,
  family,
  file,
  integer,
  json,
  list,
  mergeEnv,
  oneOf,
  parsedBy,
  port,
  readEnv,
  secret,
  text,
  url,
  type Env,
} from './env.ts';

/** The ConfigError `read` throws (failing the test if it throws none, or another). */
function problemsOf(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('readEnv', () => {
  const schema = envSchema({
    PORT: port(4000),
    DEPTH: integer({ min: 1, max: 100, default: 12 }),
    LIMIT: integer({ min: 1 }),
    STRICT: boolean({ default: false }),
    MODE: oneOf(['enforce', 'reject', 'dry-run'], { default: 'enforce' }),
    TYPES: list(z.string().regex(/^\w+$/), 'type names', { default: ['Student', 'Guardian'] }),
    PUBLIC_URL: url({}),
    SECRET: secret({ required: true, minBytes: 32 }),
    HOST: text({ default: '127.0.0.1' }),
  });
  const SECRET = 'x'.repeat(32);

  it('gives the defaults where unset or empty, and the typed values where set', () => {
    expect(readEnv(schema, { SECRET, DEPTH: '' })).toEqual({
      PORT: 4000,
      DEPTH: 12,
      LIMIT: undefined,
      STRICT: false,
      MODE: 'enforce',
      TYPES: ['Student', 'Guardian'],
      PUBLIC_URL: undefined,
      SECRET,
      HOST: '127.0.0.1',
    });
    const env: Env = {
      SECRET,
      PORT: '0',
      DEPTH: ' 20 ',
      LIMIT: '5',
      STRICT: 'true',
      MODE: 'dry-run',
      TYPES: 'Teacher, Staff,,',
      PUBLIC_URL: 'https://ent.example.fr',
    };
    expect(readEnv(schema, env)).toMatchObject({
      PORT: 0,
      DEPTH: 20,
      LIMIT: 5,
      STRICT: true,
      MODE: 'dry-run',
      TYPES: ['Teacher', 'Staff'],
      PUBLIC_URL: 'https://ent.example.fr',
    });
  });

  it('names every bad variable at once, with what it must be and what it got', () => {
    const error = problemsOf(() =>
      readEnv(schema, {
        SECRET,
        PORT: '4000x',
        DEPTH: 'ten',
        LIMIT: '0',
        STRICT: 'yes',
        MODE: 'enforcing',
        TYPES: 'Student,not a type',
        PUBLIC_URL: 'ent.example.fr',
      }),
    );
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.problems).toEqual([
      { variable: 'PORT', expected: 'an integer from 0 to 65535', got: '"4000x"' },
      { variable: 'DEPTH', expected: 'an integer from 1 to 100', got: '"ten"' },
      { variable: 'LIMIT', expected: 'a positive integer', got: '"0"' },
      { variable: 'STRICT', expected: 'true or false', got: '"yes"' },
      { variable: 'MODE', expected: 'one of enforce, reject, dry-run', got: '"enforcing"' },
      { variable: 'TYPES', expected: 'a comma-separated list of type names', got: '"Student,not a type"' },
      { variable: 'PUBLIC_URL', expected: 'an absolute http or https URL', got: '"ent.example.fr"' },
    ]);
    expect(error.message).toContain('DEPTH must be an integer from 1 to 100, got "ten"');
    expect(error.message).toContain('STRICT must be true or false, got "yes"');
  });

  it('refuses numbers that are not plain integers (no NaN, no 1e3, no 2.5, nothing past the bounds)', () => {
    for (const raw of ['NaN', '1e3', '2.5', '0x10', '101', '-1', '12 ms']) {
      expect(problemsOf(() => readEnv(schema, { SECRET, DEPTH: raw })).problems.map((p) => p.variable)).toEqual(['DEPTH']);
    }
  });

  it('names a missing required variable and never shows a secret, set or not', () => {
    expect(problemsOf(() => readEnv(schema, {})).problems).toEqual([{ variable: 'SECRET', expected: 'set to a secret of at least 32 bytes' }]);
    const error = problemsOf(() => readEnv(schema, { SECRET: 'hunter2-is-my-password' }));
    expect(error.problems).toEqual([{ variable: 'SECRET', expected: 'a secret of at least 32 bytes' }]);
    expect(error.message).not.toContain('hunter2');
  });

  it('reads a family of variables by suffix, naming the bad member', () => {
    const timeouts = envSchema({ TIMEOUT_MS_: family(integer({ min: 1 })) });
    expect(readEnv(timeouts, { TIMEOUT_MS_VIE_SCOLAIRE: '800', TIMEOUT_MS_DIRECTORY: '300', TIMEOUT_MS: '5' })).toEqual({
      TIMEOUT_MS_: { 'vie-scolaire': 800, directory: 300 },
    });
    expect(problemsOf(() => readEnv(timeouts, { TIMEOUT_MS_DIRECTORY: 'fast' })).problems).toEqual([
      { variable: 'TIMEOUT_MS_DIRECTORY', expected: 'a positive integer', got: '"fast"' },
    ]);
  });

  it('runs the rules across variables on those that read well, and merges schemas', () => {
    const backend = envSchema({ BACKEND: oneOf(['aaf', 'ldap'], { default: 'aaf' }), LDAP_URL: url({ protocols: ['ldap:', 'ldaps:'] }) }, (v) =>
      v.BACKEND === 'ldap' && !v.LDAP_URL ? [{ variable: 'LDAP_URL', expected: 'set with BACKEND=ldap' }] : [],
    );
    const merged = mergeEnv(backend, envSchema({ PORT: port(4001) }));
    expect(readEnv(merged, {})).toEqual({ BACKEND: 'aaf', LDAP_URL: undefined, PORT: 4001 });
    expect(problemsOf(() => readEnv(merged, { BACKEND: 'ldap', PORT: '-1' })).problems.map((p) => `${p.variable}: ${p.expected}`)).toEqual([
      'PORT: an integer from 0 to 65535',
      'LDAP_URL: set with BACKEND=ldap',
    ]);
    // A bad value is named once, for what it is, not again by the rule.
    expect(problemsOf(() => readEnv(merged, { BACKEND: 'ldap', LDAP_URL: 'https://ldap.example' })).problems).toEqual([
      { variable: 'LDAP_URL', expected: 'an absolute ldap or ldaps URL', got: '"https://ldap.example"', detail: 'the scheme must be ldap or ldaps' },
    ]);
  });

  it('checks files, JSON and values read by an existing parser, keeping its reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-env-'));
    const present = join(dir, 'mapping.json');
    writeFileSync(present, '{"a": 1}');
    const files = envSchema({
      CA_FILE: file({}),
      MAPPING: parsedBy((path) => JSON.parse(path === present ? '{"a": 1}' : '{') as unknown, 'a JSON file', {}),
      UPSTREAMS: json(z.record(z.string().url()), 'a JSON object of URLs', {}),
    });
    expect(readEnv(files, { CA_FILE: present, MAPPING: present, UPSTREAMS: '{"0750001A": "https://a.example"}' })).toEqual({
      CA_FILE: present,
      MAPPING: { a: 1 },
      UPSTREAMS: { '0750001A': 'https://a.example' },
    });
    const error = problemsOf(() => readEnv(files, { CA_FILE: join(dir, 'missing.pem'), MAPPING: 'other.json', UPSTREAMS: '{"0750001A": "not a url"}' }));
    expect(error.problems.map((p) => p.variable)).toEqual(['CA_FILE', 'MAPPING', 'UPSTREAMS']);
    expect(error.problems[1]?.detail).toMatch(/JSON/);
  });
});
