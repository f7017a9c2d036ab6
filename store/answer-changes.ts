import { sql } from 'kysely';
import { HubError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { listenTo, type ChannelListener, type ListenOptions } from './channel-listener.ts';
import type { HubDatabase } from './database.ts';
import { ALL_ANSWERS_CHANGED, ANSWER_CHANGES_CHANNEL } from './migrations/0015-answer-changes.ts';
import { DIRECTORY_CHANGED, OUTBOX_CHANGED } from './migrations/0016-answer-change-kinds.ts';
import { LONGEST_PERSON_ID_NOTIFIED, PERSON_CHANGED_PREFIX } from './migrations/0017-outbox-changes-by-pupil.ts';

/**
 * What may have made cached answers stale:
 * - `all`: anything (changes may have been missed, or a payload was not understood);
 * - `directory`: the imported directory changed (an import, whoever ran it): every answer, and every
 *   directory record a process keeps;
 * - `outbox`: the vie scolaire outbox changed for many pupils at once (the retention's purge) or
 *   was truncated: every answer, not the directory's records;
 * - `person`: what is about one person changed (their own write; a submission of the outbox about a
 *   pupil, or its forwarding: migration 0017): their answers and their guardians'.
 */
export type AnswerChange = { kind: 'all' } | { kind: 'directory' } | { kind: 'outbox' } | { kind: 'person'; personId: string };

/** The longest person id a change names: a payload stays small, whatever a caller passes. */
export const MAX_ANSWER_PERSON_ID_LENGTH = LONGEST_PERSON_ID_NOTIFIED;

const ALL: AnswerChange = Object.freeze({ kind: 'all' });
/** The payloads of migration 0016's triggers, by what they say. */
const TABLE_CHANGES: ReadonlyMap<string, AnswerChange> = new Map<string, AnswerChange>([
  [DIRECTORY_CHANGED, Object.freeze({ kind: 'directory' })],
  [OUTBOX_CHANGED, Object.freeze({ kind: 'outbox' })],
]);

/** A person id `announce` cannot send: empty, or longer than MAX_ANSWER_PERSON_ID_LENGTH. */
export class InvalidAnswerPersonIdError extends HubError {
  static override readonly code = 'ERR_ANSWER_PERSON_ID';
  constructor(readonly length: number) {
    super(`A person id of ${length} characters cannot be announced: it must have 1 to ${MAX_ANSWER_PERSON_ID_LENGTH}.`);
  }
}

const validPersonId = (id: string) => id.length > 0 && id.length <= MAX_ANSWER_PERSON_ID_LENGTH;

/**
 * Tells every instance that what is about `personId` changed: their answers, and their guardians',
 * are stale (a person's own write; a homework ticked done in the school's system, which the
 * database does not see). Delivered when the notification is committed (it runs outside any
 * transaction of the caller's).
 * @throws InvalidAnswerPersonIdError when the id is empty or too long.
 */
export function announceChangeAbout(database: HubDatabase, personId: string): Promise<void> {
  if (!validPersonId(personId)) throw new InvalidAnswerPersonIdError(personId.length);
  return notify(database, PERSON_CHANGED_PREFIX + personId);
}

async function notify(database: HubDatabase, payload: string): Promise<void> {
  await sql`SELECT pg_notify(${ANSWER_CHANGES_CHANNEL}, ${payload})`.execute(database.db);
}

/**
 * The database's word on what changed for cached answers, on every instance: the triggers of
 * migrations 0015 to 0017 say `directory` when the directory changes and name the pupils
 * (`person:<id>`) whose outbox rows changed (whoever wrote), and an instance announces a person's
 * own write (`person:<id>`) so that every instance forgets that person's answers. One LISTEN
 * connection per process.
 *
 * A cache may only trust itself while `listening` is true: when the connection is lost (or made
 * again), changes may have been missed, and every listener hears `all`.
 */
export class AnswerChanges {
  readonly #listeners = new Set<(change: AnswerChange) => void>();
  readonly #database: HubDatabase;
  readonly #log: Logger;
  #listener: ChannelListener | undefined;

  private constructor(database: HubDatabase, log: Logger) {
    this.#database = database;
    this.#log = log;
  }

  /** Listens from now on; fails when the first connection cannot be made. */
  static async start(database: HubDatabase, log: Logger, options: ListenOptions = {}): Promise<AnswerChanges> {
    const changes = new AnswerChanges(database, log);
    changes.#listener = await listenTo(
      database,
      ANSWER_CHANGES_CHANNEL,
      {
        onNotification: (payload) => changes.#emit(changes.#parse(payload)),
        // Missed changes cannot be told apart: everything may be stale.
        onGap: () => changes.#emit(ALL),
      },
      log,
      options,
    );
    return changes;
  }

  /** True while changes are being received: a cache may only serve what it holds then. */
  get listening(): boolean {
    return this.#listener?.listening ?? false;
  }

  /** Calls `listener` with every change from now on; returns what stops it. */
  onChange(listener: (change: AnswerChange) => void): () => void {
    // A wrapper of its own: the same function subscribed twice is two subscriptions, each undone once.
    const subscription = (change: AnswerChange) => listener(change);
    this.#listeners.add(subscription);
    return () => void this.#listeners.delete(subscription);
  }

  /**
   * Tells every instance (this one included, through the database) that `personId`'s answers may
   * be stale: a write of their own. Delivered when the caller's write is committed, as the
   * statement runs outside any transaction of the caller's.
   * @throws InvalidAnswerPersonIdError when the id is empty or too long.
   */
  async announce(personId: string): Promise<void> {
    await announceChangeAbout(this.#database, personId);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#listener?.close();
  }

  /** Anything not understood (another version's payload, a bad id) is `all`: stale answers are never kept by mistake. */
  #parse(payload: string): AnswerChange {
    if (payload === ALL_ANSWERS_CHANGED) return ALL;
    const tableChange = TABLE_CHANGES.get(payload);
    if (tableChange) return tableChange;
    if (payload.startsWith(PERSON_CHANGED_PREFIX)) {
      const personId = payload.slice(PERSON_CHANGED_PREFIX.length);
      if (validPersonId(personId)) return { kind: 'person', personId };
    }
    this.#log.debug({ channel: ANSWER_CHANGES_CHANNEL, length: payload.length }, 'answer change not understood: forgetting every answer');
    return ALL;
  }

  #emit(change: AnswerChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        // One listener's failure must not keep the others from forgetting.
        this.#log.error({ err: error, change: change.kind }, 'an answer change listener failed');
      }
    }
  }
}
