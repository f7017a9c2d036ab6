import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import { boundEvent, DEFAULT_AUDIT_EVENT_BOUNDS, type AuditEvent, type AuditEventBounds, type AuditStore } from './event.ts';

export interface AuditQueueOptions {
  store: AuditStore;
  /** Events held while the store is slow or failing; past it, events are lost (and counted). */
  maxBuffered: number;
  /** The same bound in bytes (serialized events), so that large events cannot fill the memory. */
  maxBufferedBytes?: number;
  /** Bounds of one event (see `boundEvent`). */
  eventBounds?: AuditEventBounds;
  /** Refuse requests rather than lose an event (see `accepting`). */
  strict: boolean;
  metrics: Registry;
  log: Logger;
  flushIntervalMs?: number;
  batchSize?: number;
}

/** 64 MiB: a hundred thousand ordinary events (a few hundred bytes each) fit. */
const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * A bounded, asynchronous queue in front of the audit store: requests only push events in memory
 * and never wait for the disk. A background loop writes batches; when the store fails, events stay
 * buffered (up to `maxBuffered`) and are retried; beyond that they are dropped and counted in
 * `hub_audit_events_lost_total`. In strict mode the router asks `accepting()` before each request
 * and refuses it while the buffer is full, so no event is ever lost.
 */
export class AuditQueue {
  readonly #buffer: AuditEvent[] = [];
  /** Serialized size of each buffered event, in the same order. */
  readonly #sizes: number[] = [];
  #bufferedBytes = 0;
  readonly #maxBufferedBytes: number;
  readonly #lost: Counter;
  readonly #refused: Counter;
  readonly #truncated: Counter;
  readonly #written: Counter;
  readonly #buffered: Gauge;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;

  constructor(private readonly options: AuditQueueOptions) {
    this.#lost = new Counter({ name: 'hub_audit_events_lost_total', help: 'Audit events dropped because the buffer was full.', registers: [options.metrics] });
    this.#refused = new Counter({
      name: 'hub_audit_events_refused_total',
      help: 'Audit events refused because, even with every value cut to its bound, they were too big.',
      registers: [options.metrics],
    });
    this.#truncated = new Counter({
      name: 'hub_audit_values_truncated_total',
      help: 'Values and lists of audit events cut to their bound.',
      registers: [options.metrics],
    });
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#written = new Counter({ name: 'hub_audit_events_written_total', help: 'Audit events written to the store.', registers: [options.metrics] });
    this.#buffered = new Gauge({
      name: 'hub_audit_events_buffered',
      help: 'Audit events waiting to be written.',
      registers: [options.metrics],
      collect: () => this.#buffered.set(this.#buffer.length),
    });
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.#timer.unref();
  }

  /** In strict mode, false while an event could not be kept: the caller must refuse the request. */
  accepting(): boolean {
    return !this.options.strict || (this.#buffer.length < this.options.maxBuffered && this.#bufferedBytes < this.#maxBufferedBytes);
  }

  /** Keeps the events, each cut to its bounds first: whatever a request put in them, one event stays small. */
  push(events: AuditEvent[]): void {
    for (const event of events) {
      const bounded = boundEvent(event, this.options.eventBounds ?? DEFAULT_AUDIT_EVENT_BOUNDS);
      if (!bounded) {
        this.#refused.inc();
        continue;
      }
      if (bounded.cut) this.#truncated.inc(bounded.cut);
      if (this.#buffer.length >= this.options.maxBuffered || this.#bufferedBytes + bounded.bytes > this.#maxBufferedBytes) {
        this.#lost.inc();
        continue;
      }
      this.#buffer.push(bounded.event);
      this.#sizes.push(bounded.bytes);
      this.#bufferedBytes += bounded.bytes;
    }
  }

  /** Writes what is buffered; resolves when the current batch is done (or has failed). */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length) {
      const batch = this.#buffer.slice(0, this.options.batchSize ?? 500);
      try {
        await this.options.store.append(batch);
      } catch (error) {
        if (!this.#failing) this.options.log.error({ err: error, buffered: this.#buffer.length }, 'audit store failing; buffering events');
        this.#failing = true;
        return;
      }
      if (this.#failing) this.options.log.info('audit store recovered');
      this.#failing = false;
      this.#buffer.splice(0, batch.length);
      for (const bytes of this.#sizes.splice(0, batch.length)) this.#bufferedBytes -= bytes;
      this.#written.inc(batch.length);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
