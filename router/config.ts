import { fileURLToPath } from 'node:url';
import { DEFAULT_SESSION_TIMEOUTS, type SessionTimeouts } from '../connectors/sessions/session.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { loadScopeMapping, type ScopeMapping } from './auth/scope-mapping.ts';
import { loadTrustedIssuers, type TrustedIssuer } from './auth/trusted-issuers.ts';
import type { AuthorizationMode } from './plugins/use-authorization.ts';
import { parseTrustedProxies } from './client-address.ts';

/** Everything the router needs, from the environment (see the README's table). No secret has a default. */
export interface RouterConfig {
  production: boolean;
  host: string;
  port: number;
  supergraphPath: string;
  /** How often the supergraph file is checked for changes. */
  supergraphPollMs: number;
  /** Subgraph URL overrides by subgraph name (production URLs differ from the composed file's). */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  subgraphTimeoutsMs: Record<string, number>;
  limits: OperationLimits;
  trustedDocuments?: { manifestPath: string; allowArbitrary: boolean };
  shutdownGraceMs: number;
  /** Key signing the viewer context sent to subgraphs (`HUB_VIEWER_CONTEXT_SECRET`, shared with them). */
  viewerContextKey: Uint8Array;
  /** The router's public base URL, for OIDC redirects (`ROUTER_PUBLIC_URL`); default `http://localhost:{port}`. */
  publicUrl?: string;
  sessionTimeouts: SessionTimeouts;
  scopeMapping: ScopeMapping;
  trustedIssuers: TrustedIssuer[];
  authorizationMode: AuthorizationMode;
  audit: AuditConfig;
  /** `native` (Rust, the default; falls back to `javascript` if the addon cannot load) or `javascript`. */
  planner: 'native' | 'javascript';
  /** Reverse proxies whose `X-Forwarded-For` names the client (`ROUTER_TRUSTED_PROXIES`); see client-address.ts. */
  trustedProxies: ReadonlySet<string>;
}

export interface AuditConfig {
  /** Folder of the rotated JSON-lines journal (`ROUTER_AUDIT_DIR`). */
  dir: string;
  /** Types whose objects are people, named in events (`ROUTER_AUDIT_SUBJECT_TYPES`, comma-separated). */
  subjectTypes: string[];
  /** Refuse requests rather than lose events (`ROUTER_AUDIT_STRICT=true`). */
  strict: boolean;
  maxBuffered: number;
}

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxBatch: number;
  maxBodyBytes: number;
}

export const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3000,
  maxCost: 5000,
  maxBatch: 10,
  // Room for a 1 MB attachment (a justification, a homework), base64 inside JSON.
  maxBodyBytes: 2 * 1024 * 1024,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function routerConfigFromEnv(env: Env = process.env): RouterConfig {
  const production = env.NODE_ENV === 'production';
  const trustedPath = env.ROUTER_TRUSTED_DOCUMENTS;
  return {
    production,
    host: env.ROUTER_HOST ?? '127.0.0.1',
    port: int(env, 'ROUTER_PORT', 4000),
    supergraphPath: env.ROUTER_SUPERGRAPH ?? DEFAULT_SUPERGRAPH_PATH,
    supergraphPollMs: int(env, 'ROUTER_SUPERGRAPH_POLL_MS', 2000),
    subgraphUrls: prefixed(env, 'ROUTER_SUBGRAPH_URL_', (value) => value),
    subgraphTimeoutMs: int(env, 'ROUTER_SUBGRAPH_TIMEOUT_MS', 5000),
    subgraphTimeoutsMs: prefixed(env, 'ROUTER_SUBGRAPH_TIMEOUT_MS_', (value, key) => parseInteger(key, value)),
    limits: {
      maxDepth: int(env, 'ROUTER_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
      maxAliases: int(env, 'ROUTER_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
      maxTokens: int(env, 'ROUTER_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
      maxCost: int(env, 'ROUTER_MAX_COST', DEFAULT_LIMITS.maxCost),
      maxBatch: int(env, 'ROUTER_MAX_BATCH', DEFAULT_LIMITS.maxBatch),
      maxBodyBytes: int(env, 'ROUTER_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes),
    },
    trustedDocuments: trustedPath
      ? { manifestPath: trustedPath, allowArbitrary: env.ROUTER_TRUSTED_DOCUMENTS_ONLY === 'false' }
      : undefined,
    shutdownGraceMs: int(env, 'ROUTER_SHUTDOWN_GRACE_MS', 10_000),
    viewerContextKey: viewerContextKey(env.HUB_VIEWER_CONTEXT_SECRET),
    publicUrl: env.ROUTER_PUBLIC_URL?.replace(/\/$/, ''),
    sessionTimeouts: {
      idleMs: int(env, 'ROUTER_SESSION_IDLE_MINUTES', DEFAULT_SESSION_TIMEOUTS.idleMs / 60_000) * 60_000,
      absoluteMs: int(env, 'ROUTER_SESSION_ABSOLUTE_HOURS', DEFAULT_SESSION_TIMEOUTS.absoluteMs / 3600_000) * 3600_000,
    },
    scopeMapping: loadScopeMapping(env.ROUTER_SCOPE_MAPPING),
    trustedIssuers: loadTrustedIssuers(env.ROUTER_TRUSTED_ISSUERS),
    authorizationMode: authorizationMode(env.ROUTER_AUTHORIZATION_MODE),
    planner: env.ROUTER_PLANNER === 'javascript' ? 'javascript' : 'native',
    trustedProxies: parseTrustedProxies(env.ROUTER_TRUSTED_PROXIES),
    audit: {
      dir: env.ROUTER_AUDIT_DIR ?? '.hub-data/audit',
      subjectTypes: (env.ROUTER_AUDIT_SUBJECT_TYPES ?? 'Student,Guardian,Teacher,Staff').split(',').map((t) => t.trim()).filter(Boolean),
      strict: env.ROUTER_AUDIT_STRICT === 'true',
      maxBuffered: int(env, 'ROUTER_AUDIT_MAX_BUFFERED', 100_000),
    },
  };
}

function authorizationMode(value: string | undefined): AuthorizationMode {
  if (value === undefined || value === '') return 'enforce';
  if (value === 'enforce' || value === 'reject' || value === 'dry-run') return value;
  throw new ConfigError(`ROUTER_AUTHORIZATION_MODE must be enforce, reject or dry-run, got "${value}"`);
}

function int(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  return raw === undefined || raw === '' ? fallback : parseInteger(key, raw);
}

function parseInteger(key: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** `ROUTER_SUBGRAPH_URL_DIRECTORY=…` → `{ directory: … }` (names are lower-cased, `_` becomes `-`). */
function prefixed<T>(env: Env, prefix: string, parse: (value: string, key: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(prefix) || value === undefined || value === '') continue;
    const rest = key.slice(prefix.length);
    // ROUTER_SUBGRAPH_TIMEOUT_MS_X must not be read as a URL override named "timeout-ms-x".
    if (prefix === 'ROUTER_SUBGRAPH_URL_' || !rest.includes('URL')) {
      out[rest.toLowerCase().replaceAll('_', '-')] = parse(value, key);
    }
  }
  return out;
}
