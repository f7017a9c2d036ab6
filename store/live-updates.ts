import { HubError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { listenTo, type ChannelListener } from './channel-listener.ts';
import type { HubDatabase } from './database.ts';
import { LIVE_UPDATES_CHANNEL } from './migrations/0010-live-updates.ts';

/**
 * What changed for a person: their inbox (`messages`), their notifications, or `resync` when the
 * hub may have missed changes (its connection to the database was lost): read everything again.
 */
export type LiveChange = 'messages' | 'notifications' | 'resync';

export interface LiveUpdatesOptions {
  /** Open streams one person may hold (tabs, devices); one more is refused. */
  readonly maxStreamsPerPerson: number;
  /** Open streams this process holds at most, everyone together. */
  readonly maxStreams: number;
  /** Changes within this window reach a stream as one (a class list's 30 messages are one update): at most one update per window. */
  readonly coalesceMs: number;
}

export const DEFAULT_LIVE_UPDATES: LiveUpdatesOptions = { maxStreamsPerPerson: 5, maxStreams: 10_000, coalesceMs: 1000 };

/** A stream refused: the person, or this process, already holds as many as allowed. */
export class LiveStreamLimitError extends HubError {
  static override readonly code = 'ERR_LIVE_STREAM_LIMIT';
  constructor(readonly scope: 'person' | 'process') {
    super(
      scope === 'person'
        ? 'Too many live connections open for this person: close another tab or device and try again.'
        : 'The hub holds as many live connections as it can: try again in a moment.',
    );
  }
}

const CHANGES = new Set<string>(['messages', 'notifications']);

/**
 * Who is following their inbox and notifications on this process, and the database's word on what
 * changed (the triggers of migration 0010, whichever instance wrote): one LISTEN connection for the
 * whole process, each change handed to that person's streams only.
 *
 * Everything is bounded: streams per person and per process, and what a stream holds while its
 * reader is slow (at most one pending update: the set of what changed, never a queue of events).
 */
export class LiveUpdates {
  readonly #streams = new Map<string, Set<PersonStream>>();
  readonly #options: LiveUpdatesOptions;
  #count = 0;
  #listener: ChannelListener | undefined;
  #closed = false;

  private constructor(options: LiveUpdatesOptions) {
    this.#options = options;
  }

  static async start(database: HubDatabase, log: Logger, options: Partial<LiveUpdatesOptions> = {}): Promise<LiveUpdates> {
    const updates = new LiveUpdates({ ...DEFAULT_LIVE_UPDATES, ...options });
    updates.#listener = await listenTo(
      database,
      LIVE_UPDATES_CHANNEL,
      {
        onNotification: (payload) => updates.#dispatch(payload),
        // Missed changes cannot be told apart: every stream reads again.
        onGap: () => updates.#broadcast('resync'),
      },
      log,
    );
    return updates;
  }

  /** Open streams on this process. */
  get streams(): number {
    return this.#count;
  }

  /**
   * A stream of what changes for `personId` from now on, each item the changes of one coalescing
   * window. Ends when its reader returns, or when `close()` is called.
   * @throws LiveStreamLimitError when the person or the process holds too many already.
   */
  follow(personId: string): AsyncIterableIterator<readonly LiveChange[]> {
    if (this.#closed) throw new LiveStreamLimitError('process');
    const mine = this.#streams.get(personId) ?? new Set<PersonStream>();
    if (mine.size >= this.#options.maxStreamsPerPerson) throw new LiveStreamLimitError('person');
    if (this.#count >= this.#options.maxStreams) throw new LiveStreamLimitError('process');
    const stream = new PersonStream(this.#options.coalesceMs, () => {
      mine.delete(stream);
      this.#count--;
      if (mine.size === 0 && this.#streams.get(personId) === mine) this.#streams.delete(personId);
    });
    mine.add(stream);
    this.#streams.set(personId, mine);
    this.#count++;
    return stream;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const streams of [...this.#streams.values()]) for (const stream of [...streams]) stream.end();
    await this.#listener?.close();
  }

  #dispatch(payload: string): void {
    const colon = payload.indexOf(':');
    const change = payload.slice(0, colon);
    if (colon < 0 || !CHANGES.has(change)) return;
    for (const stream of this.#streams.get(payload.slice(colon + 1)) ?? []) stream.push(change as LiveChange);
  }

  #broadcast(change: LiveChange): void {
    for (const streams of this.#streams.values()) for (const stream of streams) stream.push(change);
  }
}

/** One reader's stream: what changed since its last read, released after the coalescing window. */
class PersonStream implements AsyncIterableIterator<readonly LiveChange[]> {
  readonly #pending = new Set<LiveChange>();
  #ready = false;
  #timer: NodeJS.Timeout | undefined;
  #waiting: ((result: IteratorResult<readonly LiveChange[]>) => void) | undefined;
  #done = false;

  constructor(
    private readonly coalesceMs: number,
    private readonly onEnd: () => void,
  ) {}

  push(change: LiveChange): void {
    if (this.#done) return;
    this.#pending.add(change);
    if (this.#ready || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#ready = true;
      this.#release();
    }, this.coalesceMs);
  }

  next(): Promise<IteratorResult<readonly LiveChange[]>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    // One reader at a time: a second `next()` before the first settled gets the end.
    if (this.#waiting) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#release();
    });
  }

  return(): Promise<IteratorResult<readonly LiveChange[]>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#pending.clear();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ done: true, value: undefined });
    this.onEnd();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #release(): void {
    if (!this.#ready || !this.#waiting || this.#pending.size === 0) return;
    const changes = [...this.#pending].sort();
    this.#pending.clear();
    this.#ready = false;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting({ done: false, value: changes });
  }
}
