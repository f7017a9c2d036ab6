import { fileURLToPath } from 'node:url';
import { DEFAULT_SESSION_TIMEOUTS, type SessionTimeouts } from '../connectors/sessions/session.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { loadScopeMapping, type ScopeMapping } from './auth/scope-mapping.ts';
import { loadTrustedIssuers, type TrustedIssuer } from './auth/trusted-issuers.ts';
import type { AuthorizationMode } from './plugins/use-authorization.ts';
import { parseTrustedProxies } from './client-address.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './plugins/use-rate-limit.ts';

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
  /**
   * How old a session's facts (profile, functions, schools, children) may be before the router reads
   * them again from the directory (`ROUTER_SESSION_FACTS_MAX_AGE_SECONDS`, 300 by default).
   */
  sessionFactsMaxAgeMs: number;
  scopeMapping: ScopeMapping;
  trustedIssuers: TrustedIssuer[];
  authorizationMode: AuthorizationMode;
  audit: AuditConfig;
  /** `native` (Rust, the default; falls back to `javascript` if the addon cannot load) or `javascript`. */
  planner: 'native' | 'javascript';
  /** Reverse proxies whose `X-Forwarded-For` names the client (`ROUTER_TRUSTED_PROXIES`); see client-address.ts. */
  trustedProxies: ReadonlySet<string>;
  /**
   * Logins in progress a client address (IPv6: a /64) may hold (`ROUTER_PENDING_LOGINS_PER_CLIENT`),
   * and all clients together (`ROUTER_PENDING_LOGINS_MAX`); see router/auth/pending-logins.ts.
   */
  pendingLogins: { perClient: number; max: number };
  /**
   * Exact origins (`scheme://host[:port]`) whose browser pages may call the router with credentials
   * (`ROUTER_CORS_ORIGINS`, comma-separated). Undefined: the router's own public origin only.
   */
  corsOrigins?: string[];
  metrics: MetricsConfig;
  rateLimit: RateLimitConfig;
}

export interface MetricsConfig {
  /** The separate listener serving `/metrics` (`ROUTER_METRICS_HOST` / `ROUTER_METRICS_PORT`); loopback by default. */
  host: string;
  port: number;
  /** If set (`ROUTER_METRICS_TOKEN`), `/metrics` is also served on the public port to `Authorization: Bearer <token>`. */
  token?: string;
}

export interface AuditConfig {
  /** Folder of the rotated JSON-lines journal (`ROUTER_AUDIT_DIR`). */
  dir: string;
  /** Types whose objects are people, named in events (`ROUTER_AUDIT_SUBJECT_TYPES`, comma-separated). */
  subjectTypes: string[];
  /** Refuse requests rather than lose events (`ROUTER_AUDIT_STRICT=true`). */
  strict: boolean;
  maxBuffered: number;
  /** Most bytes of the journal one read of a person's access log scans (`ROUTER_AUDIT_MAX_SCAN_BYTES`). */
  maxScanBytes?: number;
}

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxBatch: number;
  maxBodyBytes: number;
  /** Longest value of an id argument, in characters (`ROUTER_MAX_ID_LENGTH`); see router/authz/operation-inputs.ts. */
  maxIdLength?: number;
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
  // Every real id (AAF jointures, `UAI:code`, `UAI:upstreamId`, UUIDs, GAR arks) fits with room.
  maxIdLength: 256,
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
      maxIdLength: int(env, 'ROUTER_MAX_ID_LENGTH', DEFAULT_LIMITS.maxIdLength ?? 256),
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
    sessionFactsMaxAgeMs: int(env, 'ROUTER_SESSION_FACTS_MAX_AGE_SECONDS', 300) * 1000,
    scopeMapping: loadScopeMapping(env.ROUTER_SCOPE_MAPPING),
    trustedIssuers: loadTrustedIssuers(env.ROUTER_TRUSTED_ISSUERS),
    authorizationMode: authorizationMode(env.ROUTER_AUTHORIZATION_MODE),
    planner: env.ROUTER_PLANNER === 'javascript' ? 'javascript' : 'native',
    trustedProxies: parseTrustedProxies(env.ROUTER_TRUSTED_PROXIES),
    // A school's network is one address: room for a class logging in at once, not for a flood.
    pendingLogins: {
      perClient: int(env, 'ROUTER_PENDING_LOGINS_PER_CLIENT', 200),
      max: int(env, 'ROUTER_PENDING_LOGINS_MAX', 50_000),
    },
    corsOrigins: corsOrigins(env.ROUTER_CORS_ORIGINS),
    metrics: {
      host: env.ROUTER_METRICS_HOST ?? '127.0.0.1',
      port: int(env, 'ROUTER_METRICS_PORT', 9464),
      token: metricsToken(env.ROUTER_METRICS_TOKEN),
    },
    rateLimit: {
      windowMs: int(env, 'ROUTER_RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMITS.windowMs),
      perViewer: int(env, 'ROUTER_RATE_LIMIT_PER_VIEWER', DEFAULT_RATE_LIMITS.perViewer),
      perAddress: int(env, 'ROUTER_RATE_LIMIT_PER_ADDRESS', DEFAULT_RATE_LIMITS.perAddress),
      authPerAddress: int(env, 'ROUTER_RATE_LIMIT_AUTH_PER_ADDRESS', DEFAULT_RATE_LIMITS.authPerAddress),
      maxKeys: int(env, 'ROUTER_RATE_LIMIT_MAX_KEYS', DEFAULT_RATE_LIMITS.maxKeys),
    },
    audit: {
      dir: env.ROUTER_AUDIT_DIR ?? '.hub-data/audit',
      subjectTypes: (env.ROUTER_AUDIT_SUBJECT_TYPES ?? 'Student,Guardian,Teacher,Staff').split(',').map((t) => t.trim()).filter(Boolean),
      strict: env.ROUTER_AUDIT_STRICT === 'true',
      maxBuffered: int(env, 'ROUTER_AUDIT_MAX_BUFFERED', 100_000),
      maxScanBytes: int(env, 'ROUTER_AUDIT_MAX_SCAN_BYTES', 32 * 1024 * 1024),
    },
  };
}

function authorizationMode(value: string | undefined): AuthorizationMode {
  if (value === undefined || value === '') return 'enforce';
  if (value === 'enforce' || value === 'reject' || value === 'dry-run') return value;
  throw new ConfigError(`ROUTER_AUTHORIZATION_MODE must be enforce, reject or dry-run, got "${value}"`);
}

/** `ROUTER_CORS_ORIGINS`: exact origins only; a wildcard or a path would be a configuration mistake. */
function corsOrigins(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw new ConfigError(`ROUTER_CORS_ORIGINS must list origins such as https://ent.example.fr, got "${entry}"`);
    }
    if (origin === 'null' || origin !== entry.replace(/\/$/, '')) {
      throw new ConfigError(`ROUTER_CORS_ORIGINS must list origins such as https://ent.example.fr, got "${entry}"`);
    }
    return origin;
  });
}

function metricsToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new ConfigError('ROUTER_METRICS_TOKEN must be at least 32 characters');
  return value;
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
