/**
 * A hub session: what a login produced, kept server-side. The browser or app holds only its id.
 * Everything the router needs to know the viewer is here, so a request costs one lookup.
 */
export interface HubSession {
  /** 256 bits of randomness, base64url: the cookie value or the bearer session token. */
  id: string;
  personId: string;
  profile: 'student' | 'guardian' | 'teacher' | 'staff';
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
  refreshToken?: string;
  createdAt: number;
  lastSeenAt: number;
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
  get(id: string): Promise<HubSession | undefined>;
  put(session: HubSession): Promise<void>;
  delete(id: string): Promise<void>;
  listByPerson(personId: string): Promise<HubSession[]>;
  /** Ends the sessions an identity provider's back-channel logout names. Returns how many ended. */
  deleteByIdpSession(idp: string, match: { idpSessionId?: string; idpSubject?: string }): Promise<number>;
  recordLogin(event: LoginEvent): Promise<void>;
  loginHistory(personId: string, limit: number): Promise<LoginEvent[]>;
}

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };

export function sessionExpired(session: HubSession, timeouts: SessionTimeouts, now = Date.now()): boolean {
  return now - session.lastSeenAt > timeouts.idleMs || now - session.createdAt > timeouts.absoluteMs;
}
