import { createHash, randomBytes } from 'node:crypto';
import { envSchema, integer, readEnv, type Env } from '../../lib/config/env.ts';

/**
 * A hub session: what a login produced, kept server-side. The browser or app holds only its
 * secret; the hub keeps only the secret's hash. Everything the router needs to know the viewer is
 * here, so a request costs one lookup.
 */
/** The profiles a hub session holds (from the directory's person): a closed list, a bounded metric label. */
export const SESSION_PROFILES = ['student', 'guardian', 'teacher', 'staff'] as const;
export type SessionProfile = (typeof SESSION_PROFILES)[number];

export interface HubSession {
  /**
   * The public id: random and unrelated to the secret. It is what the graph shows (`viewer {
   * sessions { id } }`), what `endSession` takes and what the router signs to subgraphs as the
   * viewer's `sessionId`: knowing it never lets anyone act as the session.
   */
  id: string;
  /** SHA-256 (base64url) of the secret the browser (cookie) or app (bearer token) holds. */
  secretHash: string;
  personId: string;
  profile: SessionProfile;
  /** Staff function codes (DIR, EDU, DOC, ENS…), for the scope mapping. */
  functions: string[];
  /** UAIs of the person's schools. */
  schools: string[];
  /** For a guardian: the pupils they may act for (responsable légal). */
  children: string[];
  /** The identity provider used, and what logging out there needs. */
  idp: string;
  idpSubject: string;
  idpSessionId?: string;
  idToken?: string;
  createdAt: number;
  lastSeenAt: number;
  /** When profile, functions, schools and children were last read from the directory (login, then every few minutes). */
  factsAt?: number;
  /** How the session is carried: a browser cookie or an app's bearer token. */
  transport: 'cookie' | 'bearer';
  userAgent?: string;
}

/** One line of a person's login history ("who logged in as me, and when"). */
export interface LoginEvent {
  personId: string;
  at: number;
  idp: string;
  outcome: 'success' | 'refused';
  reason?: string;
  userAgent?: string;
}

/**
 * Where sessions live. The default keeps them in memory (one router instance); a deployment with
 * several router instances plugs in a shared store implementing the same interface.
 */
export interface SessionStore {
  /** By public id. */
  get(id: string): Promise<HubSession | undefined>;
  /** By the hash of the secret a request carries (`sessionSecretHash`): the store never sees a secret. */
  getBySecretHash(secretHash: string): Promise<HubSession | undefined>;
  put(session: HubSession): Promise<void>;
  /**
   * Changes a session that still exists (its facts, its last use), never re-creating one that ended
   * meanwhile: a logout landing between a request's read and its touch stays a logout. False: gone.
   */
  update(session: HubSession): Promise<boolean>;
  /**
   * Records a session's use at `at` (its idle timeout runs from there), changing nothing else: a
   * request's copy may be older than the stored facts (another instance refreshed them meanwhile,
   * taking a child from a parent who lost authority), and a touch must not bring them back. Like
   * `update`, never re-creates a session that ended. False: gone.
   */
  touch(session: Pick<HubSession, 'id' | 'secretHash'>, at: number): Promise<boolean>;
  /** By public id. */
  delete(id: string): Promise<void>;
  listByPerson(personId: string): Promise<HubSession[]>;
  /** Ends the sessions an identity provider's back-channel logout names. Returns how many ended. */
  deleteByIdpSession(idp: string, match: { idpSessionId?: string; idpSubject?: string }): Promise<number>;
  recordLogin(event: LoginEvent): Promise<void>;
  loginHistory(personId: string, limit: number): Promise<LoginEvent[]>;
  /** Sessions used within the last `idleMs`, by profile (the metrics' active sessions). */
  countActive(idleMs: number): Promise<Partial<Record<HubSession['profile'], number>>>;
}

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };

/**
 * The session timeouts, read by every process that keeps sessions (the router, which checks them, and
 * the identity subgraph, whose store upkeep deletes sessions past them): the same variables, so that
 * neither deletes what the other still honours.
 */
export const SESSION_TIMEOUTS_ENV = envSchema({
  ROUTER_SESSION_IDLE_MINUTES: integer({ min: 1, max: 7 * 24 * 60, default: DEFAULT_SESSION_TIMEOUTS.idleMs / 60_000 }),
  ROUTER_SESSION_ABSOLUTE_HOURS: integer({ min: 1, max: 30 * 24, default: DEFAULT_SESSION_TIMEOUTS.absoluteMs / 3600_000 }),
});

export const sessionTimeoutsOf = (v: { ROUTER_SESSION_IDLE_MINUTES: number; ROUTER_SESSION_ABSOLUTE_HOURS: number }): SessionTimeouts => ({
  idleMs: v.ROUTER_SESSION_IDLE_MINUTES * 60_000,
  absoluteMs: v.ROUTER_SESSION_ABSOLUTE_HOURS * 3600_000,
});

export const sessionTimeoutsFromEnv = (env: Env): SessionTimeouts => sessionTimeoutsOf(readEnv(SESSION_TIMEOUTS_ENV, env));

export function sessionExpired(session: HubSession, timeouts: SessionTimeouts, now = Date.now()): boolean {
  return now - session.lastSeenAt > timeouts.idleMs || now - session.createdAt > timeouts.absoluteMs;
}

/** The hash a session is stored under: SHA-256 of its secret, so a leak of the store leaks no credential. */
export function sessionSecretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * A new session's public id and secret, drawn independently (neither can be derived from the
 * other): 256 bits for the secret, 128 for the id, which only needs to be unique and unguessable.
 */
export function newSessionCredentials(): { id: string; secret: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { id: randomBytes(16).toString('base64url'), secret, secretHash: sessionSecretHash(secret) };
}

/**
 * The session a secret opens, only when it arrives the way that session was issued: a web
 * session's secret only as the cookie, an app session's only as a bearer token. A cookie stolen
 * from a browser (or a token from an app) cannot be replayed through the other carrier, where the
 * protections differ (SameSite and HttpOnly for cookies, CSRF rules that bearer requests skip).
 */
export async function sessionOfSecret(store: SessionStore, secret: string, carrier: HubSession['transport']): Promise<HubSession | undefined> {
  const session = await store.getBySecretHash(sessionSecretHash(secret));
  return session?.transport === carrier ? session : undefined;
}
