/**
 * The identity providers a deployment logs people in through: `ROUTER_IDENTITY_PROVIDERS_FILE`, a
 * JSON file `{ "providers": [ … ] }` (config/identity-providers.example.json). The file holds no
 * secret: each provider names the environment variable holding its client secret
 * (`clientSecretVariable`), so the file can be versioned and the secret come from the platform's
 * secret store. Checked whole at start; every bad field is named, never a secret's value.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { envSchema, parsedBy, readEnv, type Env } from '../../lib/config/env.ts';
import { HubError } from '../../lib/errors.ts';
import { isLoopbackUrl, type IdentityProviderConfig } from './provider-config.ts';

/** The providers file cannot be read or is not as expected; the message names the file and every bad field. */
export class IdentityProvidersFileError extends HubError {
  static override readonly code = 'ERR_IDENTITY_PROVIDERS_FILE';
}

/** A client secret shorter than this is a placeholder or a typo, not a secret. */
export const MIN_CLIENT_SECRET_BYTES = 16;
/** Bounds: a file of a few providers, never something that makes the router read megabytes. */
const MAX_FILE_BYTES = 64 * 1024;
const MAX_PROVIDERS = 32;

const PROVIDER_FIELDS = ['id', 'label', 'issuer', 'clientId', 'clientSecretVariable', 'scopes', 'linking', 'fallbackLinking'] as const;
/** A field named like this holds a secret, which this file never does. */
const SECRET_LIKE = /secret|password|passwd|token|private|key/i;

const issuer = z
  .string()
  .url('must be a URL')
  .refine((value) => {
    const { protocol } = new URL(value);
    return protocol === 'https:' || (protocol === 'http:' && isLoopbackUrl(value));
  }, 'must be https (plain http only to a provider on this machine)');

const provider = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 of a-z, 0-9 and -'),
    label: z.string().trim().min(1, 'must not be empty').max(200),
    issuer,
    clientId: z.string().min(1, 'must not be empty').max(512),
    // A name of its own kind: naming any variable would send it to the provider as the client secret
    // (HUB_VIEWER_CONTEXT_SECRET, DATABASE_URL… to whoever runs the issuer the file names).
    clientSecretVariable: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9_]{0,100}_CLIENT_SECRET$/,
        'must be the NAME of an environment variable ending in _CLIENT_SECRET (A-Z, 0-9, _), set for this provider only',
      ),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/, 'must be a scope token'))
      .max(32)
      .default(['openid'])
      .refine((scopes) => scopes.includes('openid'), 'must include openid'),
    linking: z.enum(['educonnect', 'agent']),
    fallbackLinking: z.boolean().default(false),
  })
  .refine((p) => !(p.linking === 'agent' && p.fallbackLinking), {
    // Names, a birth date and a school are no proof of being a member of staff: anyone may know them.
    path: ['fallbackLinking'],
    message: 'is for EduConnect only: an agent is linked by the verified e-mail address the provider vouches for',
  });

const providersFile = z.object({ providers: z.array(provider).min(1, 'must list at least one provider').max(MAX_PROVIDERS) }).strict();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What zod's shape check cannot say, checked on every entry even when another is malformed (so
 * every bad field is named at once): unknown fields (a secret written here gets its own message,
 * its value never echoed), duplicate ids, and each client secret's variable in `env`.
 */
function entryProblems(raw: unknown, env: Env): string[] {
  const entries = isRecord(raw) && Array.isArray(raw.providers) ? raw.providers : [];
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const at = `providers[${index}]`;
    for (const key of Object.keys(entry)) {
      if ((PROVIDER_FIELDS as readonly string[]).includes(key)) continue;
      problems.push(
        SECRET_LIKE.test(key)
          ? `${at}.${key}: a secret is never written in this file: put it in an environment variable and name that variable in clientSecretVariable`
          : `${at}.${key}: unknown field (expected ${PROVIDER_FIELDS.join(', ')})`,
      );
    }
    if (typeof entry.id === 'string') {
      if (seen.has(entry.id)) problems.push(`${at}.id: duplicate id ${JSON.stringify(entry.id)}`);
      seen.add(entry.id);
    }
    const variable = entry.clientSecretVariable;
    if (typeof variable === 'string' && variable !== '') {
      const secret = env[variable];
      if (secret === undefined || secret === '') problems.push(`${at}.clientSecretVariable: ${variable} is not set`);
      else if (Buffer.byteLength(secret) < MIN_CLIENT_SECRET_BYTES)
        problems.push(`${at}.clientSecretVariable: ${variable} must hold a secret of at least ${MIN_CLIENT_SECRET_BYTES} bytes`);
    }
  });
  return problems;
}

function entryOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '') || '(the whole file)';
}

/**
 * Reads and checks the providers file, taking each client secret from `env`. Throws an
 * IdentityProvidersFileError naming the file and every bad field (a missing or short secret
 * variable included, by name only).
 */
export function loadIdentityProvidersFile(path: string, env: Env): IdentityProviderConfig[] {
  let raw: unknown;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new IdentityProvidersFileError(`${path}: larger than ${MAX_FILE_BYTES} bytes`);
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof IdentityProvidersFileError) throw error;
    throw new IdentityProvidersFileError(`${path}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : 'cannot be read'}`, { cause: error });
  }
  const parsed = providersFile.safeParse(raw);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${entryOf(i.path)}: ${i.message}`)), ...entryProblems(raw, env)];
  if (!parsed.success || problems.length) throw new IdentityProvidersFileError(`${path}: ${problems.join('; ')}`);
  const providers = parsed.data.providers;
  return providers.map((p) => ({
    id: p.id,
    label: p.label,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: env[p.clientSecretVariable]!,
    scopes: p.scopes,
    linking: p.linking,
    fallbackLinking: p.fallbackLinking,
  }));
}

/** `ROUTER_IDENTITY_PROVIDERS_FILE`, read with the project's configuration helpers (a ConfigError names it). */
export function identityProvidersEnv(env: Env) {
  return envSchema({
    ROUTER_IDENTITY_PROVIDERS_FILE: parsedBy(
      (path) => loadIdentityProvidersFile(path, env),
      'a JSON file { "providers": [ … ] } whose secrets are in environment variables (config/identity-providers.example.json)',
      {},
    ),
  });
}

/** The configured identity providers, or `undefined` when ROUTER_IDENTITY_PROVIDERS_FILE is unset. */
export function identityProvidersFromEnv(env: Env): IdentityProviderConfig[] | undefined {
  return readEnv(identityProvidersEnv(env), env).ROUTER_IDENTITY_PROVIDERS_FILE;
}
