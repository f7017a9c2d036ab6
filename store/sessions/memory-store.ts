import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import type { HubSession, LoginEvent, SessionStore, SessionTimeouts } from './session.ts';

/**
 * In-memory sessions, bounded: at most `maxSessions` (least recently used go first) and each
 * dropped after the absolute timeout. Keyed by the hash of the secret, never the secret; the public
 * id is a second index. Login history keeps the last `historyPerPerson` events.
 */
export class MemorySessionStore implements SessionStore {
  /** secret hash → session */
  readonly #sessions: LRUCache<string, HubSession>;
  /** public id → secret hash */
  readonly #byId = new Map<string, string>();
  /** person → public ids */
  readonly #byPerson = new Map<string, Set<string>>();
  readonly #history = new Map<string, LoginEvent[]>();

  constructor(
    timeouts: SessionTimeouts,
    private readonly options: { maxSessions?: number; historyPerPerson?: number } = {},
  ) {
    this.#sessions = boundedCache({
      maxEntries: options.maxSessions ?? 200_000,
      ttl: timeouts.absoluteMs,
      dispose: (session) => {
        this.#byId.delete(session.id);
        const ids = this.#byPerson.get(session.personId);
        ids?.delete(session.id);
        if (ids?.size === 0) this.#byPerson.delete(session.personId);
      },
    });
  }

  async get(id: string) {
    const hash = this.#byId.get(id);
    return hash === undefined ? undefined : this.#sessions.get(hash);
  }

  async getBySecretHash(secretHash: string) {
    return this.#sessions.get(secretHash);
  }

  async put(session: HubSession) {
    // Indexes after set: replacing a session disposes of the old value's index entries first.
    this.#sessions.set(session.secretHash, session);
    this.#byId.set(session.id, session.secretHash);
    let ids = this.#byPerson.get(session.personId);
    if (!ids) this.#byPerson.set(session.personId, (ids = new Set()));
    ids.add(session.id);
  }

  async update(session: HubSession) {
    const current = this.#sessions.get(session.secretHash);
    if (!current || current.id !== session.id) return false;
    await this.put({ ...session, createdAt: current.createdAt });
    return true;
  }

  async touch(session: Pick<HubSession, 'id' | 'secretHash'>, at: number) {
    const current = this.#sessions.get(session.secretHash);
    if (!current || current.id !== session.id) return false;
    await this.put({ ...current, lastSeenAt: Math.max(current.lastSeenAt, at) });
    return true;
  }

  async delete(id: string) {
    const hash = this.#byId.get(id);
    if (hash !== undefined) this.#sessions.delete(hash);
  }

  async countActive(idleMs: number) {
    const since = Date.now() - idleMs;
    const counts: Partial<Record<HubSession['profile'], number>> = {};
    for (const session of this.#sessions.values()) if (session.lastSeenAt >= since) counts[session.profile] = (counts[session.profile] ?? 0) + 1;
    return counts;
  }

  async listByPerson(personId: string) {
    return [...(this.#byPerson.get(personId) ?? [])].map((id) => this.#sessions.get(this.#byId.get(id) ?? '')).filter((s): s is HubSession => !!s);
  }

  async deleteByIdpSession(idp: string, match: { idpSessionId?: string; idpSubject?: string }) {
    let ended = 0;
    for (const [hash, session] of this.#sessions.entries()) {
      if (session.idp !== idp) continue;
      const bySid = match.idpSessionId !== undefined && session.idpSessionId === match.idpSessionId;
      const bySub = match.idpSessionId === undefined && match.idpSubject !== undefined && session.idpSubject === match.idpSubject;
      if (bySid || bySub) {
        this.#sessions.delete(hash);
        ended++;
      }
    }
    return ended;
  }

  async recordLogin(event: LoginEvent) {
    const list = this.#history.get(event.personId) ?? [];
    list.push(event);
    if (list.length > (this.options.historyPerPerson ?? 50)) list.shift();
    this.#history.set(event.personId, list);
  }

  async loginHistory(personId: string, limit: number) {
    return (this.#history.get(personId) ?? []).slice(-limit).reverse();
  }
}
