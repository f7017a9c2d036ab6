import { LRUCache } from 'lru-cache';
import type { HubSession, LoginEvent, SessionStore, SessionTimeouts } from './session.ts';

/**
 * In-memory sessions, bounded: at most `maxSessions` (least recently used go first) and each
 * dropped after the absolute timeout. Login history keeps the last `historyPerPerson` events.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions: LRUCache<string, HubSession>;
  readonly #byPerson = new Map<string, Set<string>>();
  readonly #history = new Map<string, LoginEvent[]>();

  constructor(
    timeouts: SessionTimeouts,
    private readonly options: { maxSessions?: number; historyPerPerson?: number } = {},
  ) {
    this.#sessions = new LRUCache({
      max: options.maxSessions ?? 200_000,
      ttl: timeouts.absoluteMs,
      dispose: (session, id) => this.#byPerson.get(session.personId)?.delete(id),
    });
  }

  async get(id: string) {
    return this.#sessions.get(id);
  }

  async put(session: HubSession) {
    this.#sessions.set(session.id, session);
    let ids = this.#byPerson.get(session.personId);
    if (!ids) this.#byPerson.set(session.personId, (ids = new Set()));
    ids.add(session.id);
  }

  async delete(id: string) {
    this.#sessions.delete(id);
  }

  async listByPerson(personId: string) {
    return [...(this.#byPerson.get(personId) ?? [])].map((id) => this.#sessions.get(id)).filter((s): s is HubSession => !!s);
  }

  async deleteByIdpSession(idp: string, match: { idpSessionId?: string; idpSubject?: string }) {
    let ended = 0;
    for (const [id, session] of this.#sessions.entries()) {
      if (session.idp !== idp) continue;
      const bySid = match.idpSessionId !== undefined && session.idpSessionId === match.idpSessionId;
      const bySub = match.idpSessionId === undefined && match.idpSubject !== undefined && session.idpSubject === match.idpSubject;
      if (bySid || bySub) {
        this.#sessions.delete(id);
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
