import { sql, type Transaction, type UpdateObject } from 'kysely';
import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import type { Logger } from '../../lib/logger.ts';
import type { HubDatabase } from '../database.ts';
import { listenTo, type ChannelListener } from '../channel-listener.ts';
import type { Database, SessionRow } from '../schema.ts';
import type { HubSession, LoginEvent, SessionStore, SessionTimeouts } from './session.ts';

/** The channel on which every instance says which session (by secret hash) changed or ended. */
export const SESSIONS_CHANNEL = 'hub_sessions';

export interface PostgresSessionStoreOptions {
  log: Logger;
  /** Sessions kept in this process's cache (by secret hash). */
  cacheMax?: number;
  /** The longest a cached session is trusted, even while notifications flow (a safety net). */
  cacheTtlMs?: number;
}

/**
 * Sessions and login history in PostgreSQL, shared by every router instance. Most requests make no
 * round trip: a session found by its secret's hash is cached in-process. Every change or end of a
 * session (`put`, `delete`, a back-channel logout) notifies `hub_sessions` in the same transaction,
 * and every instance forgets that session on receipt: a logout on one instance is effective on all
 * within the notification's delivery (milliseconds). While an instance is not receiving
 * notifications (connection lost), it caches nothing and reads the database each time.
 */
export class PostgresSessionStore implements SessionStore {
  readonly #cache: LRUCache<string, HubSession>;
  /** Counts invalidations: a read that saw one happen while it ran does not cache its (maybe stale) answer. */
  #invalidations = 0;
  #listener: ChannelListener | undefined;

  private constructor(
    private readonly database: HubDatabase,
    private readonly options: PostgresSessionStoreOptions,
  ) {
    this.#cache = boundedCache({ maxEntries: options.cacheMax ?? 10_000, ttl: options.cacheTtlMs ?? 60_000 });
  }

  static async open(database: HubDatabase, options: PostgresSessionStoreOptions): Promise<PostgresSessionStore> {
    const store = new PostgresSessionStore(database, options);
    store.#listener = await listenTo(
      database,
      SESSIONS_CHANNEL,
      {
        onNotification: (secretHash) => store.#forget(secretHash),
        onGap: () => {
          store.#invalidations++;
          store.#cache.clear();
        },
      },
      options.log,
    );
    return store;
  }

  #forget(secretHash: string): void {
    this.#invalidations++;
    this.#cache.delete(secretHash);
  }

  get #db() {
    return this.database.db;
  }

  async get(id: string): Promise<HubSession | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && sessionOfRow(row);
  }

  async getBySecretHash(secretHash: string): Promise<HubSession | undefined> {
    const cached = this.#cache.get(secretHash);
    if (cached) return cached;
    const before = this.#invalidations;
    const row = await this.#db.selectFrom('sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    const session = row && sessionOfRow(row);
    if (session && this.#listener?.listening && before === this.#invalidations) this.#cache.set(secretHash, session);
    return session;
  }

  async put(session: HubSession): Promise<void> {
    const row = rowOfSession(session);
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            person_id: eb.ref('excluded.person_id'),
            profile: eb.ref('excluded.profile'),
            functions: eb.ref('excluded.functions'),
            schools: eb.ref('excluded.schools'),
            children: eb.ref('excluded.children'),
            idp_session_id: eb.ref('excluded.idp_session_id'),
            id_token: eb.ref('excluded.id_token'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
            facts_at: eb.ref('excluded.facts_at'),
            user_agent: eb.ref('excluded.user_agent'),
          })),
        )
        .execute();
      await notify(trx, [session.secretHash]);
    });
    this.#forget(session.secretHash);
  }

  async update(session: HubSession): Promise<boolean> {
    const row = rowOfSession(session);
    return this.#changeLive(session, {
      functions: row.functions,
      schools: row.schools,
      children: row.children,
      last_seen_at: row.last_seen_at,
      facts_at: row.facts_at,
    });
  }

  async touch(session: Pick<HubSession, 'id' | 'secretHash'>, at: number): Promise<boolean> {
    // Never backwards: two instances touching at once keep the later use.
    return this.#changeLive(session, { last_seen_at: sql<Date>`greatest(last_seen_at, ${new Date(at)})` });
  }

  /**
   * Sets `values` on the session if it still exists (by id and secret hash: never re-creating one a
   * logout ended), telling every instance in the same transaction to read it again. False: gone.
   */
  async #changeLive(session: Pick<HubSession, 'id' | 'secretHash'>, values: UpdateObject<Database, 'sessions'>): Promise<boolean> {
    const changed = await this.#db.transaction().execute(async (trx) => {
      const found = await trx
        .updateTable('sessions')
        .set(values)
        .where('id', '=', session.id)
        .where('secret_hash', '=', session.secretHash)
        .returning('id')
        .executeTakeFirst();
      if (found) await notify(trx, [session.secretHash]);
      return found !== undefined;
    });
    this.#forget(session.secretHash);
    return changed;
  }

  async delete(id: string): Promise<void> {
    await this.#deleteWhere((trx) => trx.deleteFrom('sessions').where('id', '=', id).returning('secret_hash').execute());
  }

  async countActive(idleMs: number): Promise<Partial<Record<HubSession['profile'], number>>> {
    const rows = await this.#db
      .selectFrom('sessions')
      .select((eb) => ['profile', eb.fn.countAll<string>().as('count')])
      .where('last_seen_at', '>=', new Date(Date.now() - idleMs))
      .groupBy('profile')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.profile, Number(r.count)]));
  }

  async listByPerson(personId: string): Promise<HubSession[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('last_seen_at', 'desc')
      .limit(MAX_SESSIONS_LISTED)
      .execute();
    return rows.map(sessionOfRow);
  }

  async deleteByIdpSession(idp: string, match: { idpSessionId?: string; idpSubject?: string }): Promise<number> {
    // A `sid` names one session at the provider; only without one does `sub` name every session of the person.
    if (match.idpSessionId !== undefined) {
      const sid = match.idpSessionId;
      return this.#deleteWhere((trx) => trx.deleteFrom('sessions').where('idp', '=', idp).where('idp_session_id', '=', sid).returning('secret_hash').execute());
    }
    if (match.idpSubject !== undefined) {
      const sub = match.idpSubject;
      return this.#deleteWhere((trx) => trx.deleteFrom('sessions').where('idp', '=', idp).where('idp_subject', '=', sub).returning('secret_hash').execute());
    }
    return 0;
  }

  async #deleteWhere(remove: (trx: Transaction<Database>) => Promise<{ secret_hash: string }[]>): Promise<number> {
    const ended = await this.#db.transaction().execute(async (trx) => {
      const rows = await remove(trx);
      await notify(
        trx,
        rows.map((r) => r.secret_hash),
      );
      return rows;
    });
    for (const row of ended) this.#forget(row.secret_hash);
    return ended.length;
  }

  async recordLogin(event: LoginEvent): Promise<void> {
    await this.#db
      .insertInto('login_events')
      .values({
        person_id: event.personId,
        at: new Date(event.at),
        idp: event.idp,
        outcome: event.outcome,
        reason: event.reason ?? null,
        user_agent: event.userAgent ?? null,
      })
      .execute();
  }

  async loginHistory(personId: string, limit: number): Promise<LoginEvent[]> {
    const rows = await this.#db
      .selectFrom('login_events')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      personId: r.person_id,
      at: r.at.getTime(),
      idp: r.idp,
      outcome: r.outcome,
      ...(r.reason !== null ? { reason: r.reason } : {}),
      ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
    }));
  }

  /** Deletes the sessions past their idle or absolute timeout (the maintenance step runs it). Returns how many. */
  async deleteExpired(timeouts: SessionTimeouts, now = Date.now()): Promise<number> {
    const idleSince = new Date(now - timeouts.idleMs);
    const createdSince = new Date(now - timeouts.absoluteMs);
    return this.#deleteWhere((trx) =>
      trx
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('last_seen_at', '<', idleSince), eb('created_at', '<', createdSince)]))
        .returning('secret_hash')
        .execute(),
    );
  }

  /** Stops listening; the database itself is closed by its owner. */
  async close(): Promise<void> {
    await this.#listener?.close();
    this.#cache.clear();
  }
}

/** A person lists their own sessions: more than this is not a person's devices. */
const MAX_SESSIONS_LISTED = 100;

/** NOTIFY each secret hash, delivered to every listening instance when the transaction commits. */
async function notify(trx: Transaction<Database>, secretHashes: string[]): Promise<void> {
  if (!secretHashes.length) return;
  await sql`SELECT pg_notify(${SESSIONS_CHANNEL}, h) FROM unnest(${secretHashes}::text[]) AS h`.execute(trx);
}

function rowOfSession(s: HubSession) {
  return {
    id: s.id,
    secret_hash: s.secretHash,
    person_id: s.personId,
    profile: s.profile,
    functions: s.functions,
    schools: s.schools,
    children: s.children,
    idp: s.idp,
    idp_subject: s.idpSubject,
    idp_session_id: s.idpSessionId ?? null,
    id_token: s.idToken ?? null,
    created_at: new Date(s.createdAt),
    last_seen_at: new Date(s.lastSeenAt),
    facts_at: s.factsAt === undefined ? null : new Date(s.factsAt),
    transport: s.transport,
    user_agent: s.userAgent ?? null,
  };
}

function sessionOfRow(r: SessionRow): HubSession {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    personId: r.person_id,
    profile: r.profile,
    functions: r.functions,
    schools: r.schools,
    children: r.children,
    idp: r.idp,
    idpSubject: r.idp_subject,
    ...(r.idp_session_id !== null ? { idpSessionId: r.idp_session_id } : {}),
    ...(r.id_token !== null ? { idToken: r.id_token } : {}),
    createdAt: r.created_at.getTime(),
    lastSeenAt: r.last_seen_at.getTime(),
    ...(r.facts_at !== null ? { factsAt: r.facts_at.getTime() } : {}),
    transport: r.transport,
    ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
  };
}
