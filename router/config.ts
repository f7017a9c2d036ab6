import { fileURLToPath } from 'node:url';
import { DEFAULT_LIVE_STREAMS, type LiveStreamOptions } from './plugins/use-live-streams.ts';
import { SESSION_TIMEOUTS_ENV, sessionTimeoutsOf, type SessionTimeouts } from '../store/sessions/session.ts';
import { z } from 'zod';
import {
  boolean,
  COMMON_ENV,
  ConfigError,
  envSchema,
  family,
  existingFilePath,
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
  VIEWER_CONTEXT_ENV,
  type Env,
} from '../lib/config/env.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import type { ScopeMapping } from './auth/scope-mapping.ts';
import { DEFAULT_AUTHORIZATION_PATH, loadAuthorizationConfig, policyRegistryOf } from './authz/authorization-config.ts';
import type { PolicyRegistry } from './authz/evaluate.ts';
import { loadTrustedIssuers, type TrustedIssuer } from './auth/trusted-issuers.ts';
import type { AuthorizationMode } from './plugins/use-authorization.ts';
import { parseTrustedProxies } from './client-address.ts';
import type { PassThroughRoute } from './plugins/use-pass-through.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './plugins/use-rate-limit.ts';
import { DEFAULT_JOURNAL_THROTTLE } from './plugins/audit-throttle.ts';
import { PLANNER_FALLBACKS, PLANNERS, type PlannerFallback, type QueryPlanner } from './planner.ts';

/** Everything the router needs, from the environment (see docs/configuration.md). No secret has a default. */
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
  /** Manifests of the operations frontends registered (`ROUTER_TRUSTED_DOCUMENTS`, comma-separated: the portal's, a mobile app's…). */
  trustedDocuments?: { manifestPaths: string[]; allowArbitrary: boolean };
  /** A built web application served at `/` on the router's origin (`ROUTER_STATIC_DIR`): the portal. */
  staticSiteDir?: string;
  shutdownGraceMs: number;
  /** Key signing the viewer context sent to subgraphs (`HUB_VIEWER_CONTEXT_SECRET`, shared with them). */
  viewerContextKey: Uint8Array;
  /** The router's public base URL, for OIDC redirects (`ROUTER_PUBLIC_URL`); default `http://localhost:{port}`. */
  publicUrl?: string;
  sessionTimeouts: SessionTimeouts;
  /** Subscriptions' bounds (`ROUTER_LIVE_STREAM_MAX_MINUTES`, `ROUTER_LIVE_STREAMS_PER_SESSION`, `ROUTER_LIVE_STREAMS_MAX`). */
  liveStreams?: Pick<LiveStreamOptions, 'maxStreamMs' | 'maxStreamsPerSession' | 'maxStreams' | 'checkEveryMs'>;
  /**
   * How old a session's facts (profile, functions, schools, children) may be before the router reads
   * them again from the directory (`ROUTER_SESSION_FACTS_MAX_AGE_SECONDS`, 300 by default).
   */
  sessionFactsMaxAgeMs: number;
  /** The scopes of each profile and function (`scopes` of `ROUTER_AUTHORIZATION_FILE`). */
  scopeMapping: ScopeMapping;
  /** What each named policy means (`policies` of `ROUTER_AUTHORIZATION_FILE`). */
  policies: PolicyRegistry;
  trustedIssuers: TrustedIssuer[];
  authorizationMode: AuthorizationMode;
  audit: AuditConfig;
  /** `native` (Rust, the default) or `javascript` (`ROUTER_PLANNER`). */
  planner: QueryPlanner;
  /**
   * When the native planner cannot load: run on the JavaScript one (`allow`) or refuse to start
   * (`refuse`); `ROUTER_PLANNER_FALLBACK`, `refuse` by default in production (router/planner.ts).
   */
  plannerFallback: PlannerFallback;
  /** Reverse proxies whose `X-Forwarded-For` names the client (`ROUTER_TRUSTED_PROXIES`); see client-address.ts. */
  trustedProxies: ReadonlySet<string>;
  /**
   * The secret the key sealing logins in progress into the browser's cookie is derived from
   * (`ROUTER_LOGIN_SECRET`); the viewer-context secret when unset (router/auth/login-cookie.ts).
   */
  loginSecret?: string;
  /**
   * Exact origins (`scheme://host[:port]`) whose browser pages may call the router with credentials
   * (`ROUTER_CORS_ORIGINS`, comma-separated). Undefined: the router's own public origin only.
   */
  corsOrigins?: string[];
  metrics: MetricsConfig;
  rateLimit: RateLimitConfig;
  /**
   * The per-viewer response cache (router/plugins/use-response-cache.ts): the longest an answer is
   * reused whatever the subgraphs allow (`ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS`, 60; 0 turns it off)
   * and the memory it may hold (`ROUTER_RESPONSE_CACHE_MAX_MB`, 64). It runs only where the router
   * is told of changes (a hub database).
   */
  responseCache: {
    maxAgeMs: number;
    maxBytes: number;
    /** After the directory changed, how long nothing is kept (use-response-cache.ts; tests shorten it). */
    directorySettleMs?: number;
  };
  /**
   * Path prefixes forwarded as is to a subgraph's own routes (`ROUTER_PASS_THROUGH_ROUTES`, JSON
   * `{"/prefix/": "subgraph"}`): routes carrying their own credential, reached on the hub's origin.
   */
  passThroughRoutes?: PassThroughRoute[];
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
  /**
   * Types whose objects are people, named in events, besides those the supergraph marks
   * `@auditSubject` (`ROUTER_AUDIT_SUBJECT_TYPES`, comma-separated; none by default).
   */
  subjectTypes: string[];
  /** Refuse requests rather than lose events (`ROUTER_AUDIT_STRICT=true`). */
  strict: boolean;
  maxBuffered: number;
  /** Most bytes of the journal one read of a person's access log scans (`ROUTER_AUDIT_MAX_SCAN_BYTES`). */
  maxScanBytes?: number;
  /** Refusal events one viewer may add to the journal per minute (`ROUTER_AUDIT_MAX_DENIALS_PER_VIEWER`); see router/plugins/audit-throttle.ts. */
  maxDenialsPerViewer?: number;
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

/** The router's configuration is invalid: `ConfigError` names every bad variable (lib/config/env.ts). */
export { ConfigError } from '../lib/config/env.ts';

/** An exact origin (`scheme://host[:port]`): a wildcard or a path would be a configuration mistake. */
const origin = z
  .string()
  .refine((entry) => URL.canParse(entry) && new URL(entry).origin !== 'null' && new URL(entry).origin === entry.replace(/\/$/, ''))
  .transform((entry) => new URL(entry).origin);

/**
 * `ROUTER_PASS_THROUGH_ROUTES`: `{"/prefix/": "subgraph"}`. A prefix is whole path segments between
 * slashes, and never one the router serves itself.
 */
const passThroughRoutes = z
  .record(z.string().regex(/^(\/[A-Za-z0-9._~-]+)+\/$/), z.string().regex(/^[A-Za-z][\w-]*$/))
  .refine((routes) => Object.keys(routes).every((prefix) => !/^\/(graphql|auth|health|ready|metrics|runtime-readiness)\//.test(prefix)), {
    message: 'a prefix the router serves itself',
  })
  .transform((routes) => Object.entries(routes).map(([prefix, subgraph]) => ({ prefix, subgraph })));

/** Every variable the router reads (docs/configuration.md), with its default and bounds. No secret has a default. */
const ROUTER_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV), SESSION_TIMEOUTS_ENV),
  envSchema({
    ROUTER_HOST: text({ default: '127.0.0.1' }),
    ROUTER_PORT: port(4000),
    ROUTER_SUPERGRAPH: text({ default: DEFAULT_SUPERGRAPH_PATH }),
    ROUTER_SUPERGRAPH_POLL_MS: integer({ min: 100, max: 3_600_000, default: 2000 }),
    ROUTER_SUBGRAPH_URL_: family(url({})),
    ROUTER_SUBGRAPH_TIMEOUT_MS: integer({ min: 1, max: 600_000, default: 5000 }),
    ROUTER_SUBGRAPH_TIMEOUT_MS_: family(integer({ min: 1, max: 600_000 })),
    ROUTER_MAX_DEPTH: integer({ min: 1, max: 1000, default: DEFAULT_LIMITS.maxDepth }),
    ROUTER_MAX_ALIASES: integer({ min: 0, max: 100_000, default: DEFAULT_LIMITS.maxAliases }),
    ROUTER_MAX_TOKENS: integer({ min: 1, max: 10_000_000, default: DEFAULT_LIMITS.maxTokens }),
    ROUTER_MAX_COST: integer({ min: 1, max: 100_000_000, default: DEFAULT_LIMITS.maxCost }),
    ROUTER_MAX_BATCH: integer({ min: 1, max: 1000, default: DEFAULT_LIMITS.maxBatch }),
    ROUTER_MAX_BODY_BYTES: integer({ min: 1024, max: 1024 * 1024 * 1024, default: DEFAULT_LIMITS.maxBodyBytes }),
    ROUTER_MAX_ID_LENGTH: integer({ min: 1, max: 65_536, default: DEFAULT_LIMITS.maxIdLength ?? 256 }),
    ROUTER_TRUSTED_DOCUMENTS: list(existingFilePath, 'paths of existing files', {}),
    ROUTER_TRUSTED_DOCUMENTS_ONLY: boolean({ default: true }),
    ROUTER_STATIC_DIR: text({}),
    ROUTER_SHUTDOWN_GRACE_MS: integer({ min: 0, max: 3_600_000, default: 10_000 }),
    ROUTER_PUBLIC_URL: url({}),
    ROUTER_SESSION_FACTS_MAX_AGE_SECONDS: integer({ min: 0, max: 86_400, default: 300 }),
    ROUTER_AUTHORIZATION_FILE: parsedBy(
      (path) => loadAuthorizationConfig(path),
      'a JSON file { "scopes": {…}, "policies": {…} } (config/authorization.json)',
      {},
    ),
    ROUTER_TRUSTED_ISSUERS: parsedBy((path) => loadTrustedIssuers(path), 'a JSON file listing trusted issuers', {}),
    ROUTER_AUTHORIZATION_MODE: oneOf(['enforce', 'reject', 'dry-run'], { default: 'enforce' }),
    ROUTER_PLANNER: oneOf(PLANNERS, { default: 'native' }),
    ROUTER_PLANNER_FALLBACK: oneOf(PLANNER_FALLBACKS, {}),
    ROUTER_TRUSTED_PROXIES: parsedBy((value) => parseTrustedProxies(value), 'a comma-separated list of IP addresses', {}),
    ROUTER_LOGIN_SECRET: secret({ minBytes: 32 }),
    ROUTER_CORS_ORIGINS: list(origin, 'origins such as https://ent.example.fr', {}),
    ROUTER_METRICS_HOST: text({ default: '127.0.0.1' }),
    ROUTER_METRICS_PORT: port(9464),
    ROUTER_METRICS_TOKEN: secret({ minBytes: 32 }),
    ROUTER_RATE_LIMIT_WINDOW_MS: integer({ min: 1000, max: 3_600_000, default: DEFAULT_RATE_LIMITS.windowMs }),
    ROUTER_RATE_LIMIT_PER_VIEWER: integer({ min: 0, default: DEFAULT_RATE_LIMITS.perViewer }),
    ROUTER_RATE_LIMIT_PER_ADDRESS: integer({ min: 0, default: DEFAULT_RATE_LIMITS.perAddress }),
    ROUTER_RATE_LIMIT_AUTH_PER_ADDRESS: integer({ min: 0, default: DEFAULT_RATE_LIMITS.authPerAddress }),
    ROUTER_RATE_LIMIT_MAX_KEYS: integer({ min: 1, max: 100_000_000, default: DEFAULT_RATE_LIMITS.maxKeys }),
    ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS: integer({ min: 0, max: 3600, default: 60 }),
    ROUTER_RESPONSE_CACHE_MAX_MB: integer({ min: 1, max: 65_536, default: 64 }),
    ROUTER_PASS_THROUGH_ROUTES: json(passThroughRoutes, 'a JSON object {"/prefix/": "subgraph name"}', {}),
    ROUTER_AUDIT_DIR: text({ default: '.hub-data/audit' }),
    // Besides the types the supergraph marks @auditSubject (router/plugins/audit-subjects.ts).
    ROUTER_AUDIT_SUBJECT_TYPES: list(z.string().regex(/^[_A-Za-z]\w*$/), 'GraphQL type names', { default: [] }),
    ROUTER_AUDIT_STRICT: boolean({ default: false }),
    ROUTER_AUDIT_MAX_BUFFERED: integer({ min: 1, max: 100_000_000, default: 100_000 }),
    ROUTER_AUDIT_MAX_SCAN_BYTES: integer({ min: 1024, default: 32 * 1024 * 1024 }),
    ROUTER_AUDIT_MAX_DENIALS_PER_VIEWER: integer({ min: 1, max: 1_000_000, default: DEFAULT_JOURNAL_THROTTLE.maxDenialsPerViewer }),
    ROUTER_LIVE_STREAM_MAX_MINUTES: integer({ min: 1, max: 24 * 60, default: DEFAULT_LIVE_STREAMS.maxStreamMs / 60_000 }),
    ROUTER_LIVE_STREAMS_PER_SESSION: integer({ min: 1, max: 100, default: DEFAULT_LIVE_STREAMS.maxStreamsPerSession }),
    ROUTER_LIVE_STREAMS_MAX: integer({ min: 1, max: 1_000_000, default: DEFAULT_LIVE_STREAMS.maxStreams }),
  }),
);

/** The router's configuration from `env`; a ConfigError names every bad variable. */
/**
 * Variables of earlier versions whose meaning moved elsewhere: set, they refuse the start rather than
 * be ignored (a narrowed scope mapping silently widened back to the defaults would be a hole).
 */
const RETIRED_VARIABLES: Record<string, string> = {
  ROUTER_SCOPE_MAPPING: 'unset: the scopes of each profile and function are in ROUTER_AUTHORIZATION_FILE (config/authorization.json), "scopes"',
};

export function routerConfigFromEnv(env: Env = process.env): RouterConfig {
  const retired = Object.entries(RETIRED_VARIABLES).filter(([name]) => env[name] !== undefined);
  if (retired.length) throw new ConfigError(retired.map(([variable, expected]) => ({ variable, expected })));
  const v = readEnv(ROUTER_ENV, env);
  const production = v.NODE_ENV === 'production';
  const authorization = v.ROUTER_AUTHORIZATION_FILE ?? loadAuthorizationConfig(DEFAULT_AUTHORIZATION_PATH);
  return {
    production,
    host: v.ROUTER_HOST,
    port: v.ROUTER_PORT,
    supergraphPath: v.ROUTER_SUPERGRAPH,
    supergraphPollMs: v.ROUTER_SUPERGRAPH_POLL_MS,
    subgraphUrls: v.ROUTER_SUBGRAPH_URL_,
    subgraphTimeoutMs: v.ROUTER_SUBGRAPH_TIMEOUT_MS,
    subgraphTimeoutsMs: v.ROUTER_SUBGRAPH_TIMEOUT_MS_,
    limits: {
      maxDepth: v.ROUTER_MAX_DEPTH,
      maxAliases: v.ROUTER_MAX_ALIASES,
      maxTokens: v.ROUTER_MAX_TOKENS,
      maxCost: v.ROUTER_MAX_COST,
      maxBatch: v.ROUTER_MAX_BATCH,
      maxBodyBytes: v.ROUTER_MAX_BODY_BYTES,
      maxIdLength: v.ROUTER_MAX_ID_LENGTH,
    },
    trustedDocuments: v.ROUTER_TRUSTED_DOCUMENTS?.length
      ? { manifestPaths: v.ROUTER_TRUSTED_DOCUMENTS, allowArbitrary: !v.ROUTER_TRUSTED_DOCUMENTS_ONLY }
      : undefined,
    staticSiteDir: v.ROUTER_STATIC_DIR,
    shutdownGraceMs: v.ROUTER_SHUTDOWN_GRACE_MS,
    viewerContextKey: viewerContextKey(v.HUB_VIEWER_CONTEXT_SECRET),
    publicUrl: v.ROUTER_PUBLIC_URL?.replace(/\/$/, ''),
    sessionTimeouts: sessionTimeoutsOf(v),
    liveStreams: {
      maxStreamMs: v.ROUTER_LIVE_STREAM_MAX_MINUTES * 60_000,
      maxStreamsPerSession: v.ROUTER_LIVE_STREAMS_PER_SESSION,
      maxStreams: v.ROUTER_LIVE_STREAMS_MAX,
    },
    sessionFactsMaxAgeMs: v.ROUTER_SESSION_FACTS_MAX_AGE_SECONDS * 1000,
    scopeMapping: authorization.scopes,
    policies: policyRegistryOf(authorization.policies),
    trustedIssuers: v.ROUTER_TRUSTED_ISSUERS ?? loadTrustedIssuers(undefined),
    authorizationMode: v.ROUTER_AUTHORIZATION_MODE,
    planner: v.ROUTER_PLANNER,
    // In production the JavaScript planner runs only when asked for: it passes fewer federation cases.
    plannerFallback: v.ROUTER_PLANNER_FALLBACK ?? (production ? 'refuse' : 'allow'),
    trustedProxies: v.ROUTER_TRUSTED_PROXIES ?? parseTrustedProxies(undefined),
    loginSecret: v.ROUTER_LOGIN_SECRET,
    corsOrigins: v.ROUTER_CORS_ORIGINS?.length ? v.ROUTER_CORS_ORIGINS : undefined,
    metrics: { host: v.ROUTER_METRICS_HOST, port: v.ROUTER_METRICS_PORT, token: v.ROUTER_METRICS_TOKEN },
    passThroughRoutes: v.ROUTER_PASS_THROUGH_ROUTES,
    responseCache: { maxAgeMs: v.ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS * 1000, maxBytes: v.ROUTER_RESPONSE_CACHE_MAX_MB * 1024 * 1024 },
    rateLimit: {
      windowMs: v.ROUTER_RATE_LIMIT_WINDOW_MS,
      perViewer: v.ROUTER_RATE_LIMIT_PER_VIEWER,
      perAddress: v.ROUTER_RATE_LIMIT_PER_ADDRESS,
      authPerAddress: v.ROUTER_RATE_LIMIT_AUTH_PER_ADDRESS,
      maxKeys: v.ROUTER_RATE_LIMIT_MAX_KEYS,
    },
    audit: {
      dir: v.ROUTER_AUDIT_DIR,
      subjectTypes: v.ROUTER_AUDIT_SUBJECT_TYPES,
      strict: v.ROUTER_AUDIT_STRICT,
      maxBuffered: v.ROUTER_AUDIT_MAX_BUFFERED,
      maxScanBytes: v.ROUTER_AUDIT_MAX_SCAN_BYTES,
      maxDenialsPerViewer: v.ROUTER_AUDIT_MAX_DENIALS_PER_VIEWER,
    },
  };
}
