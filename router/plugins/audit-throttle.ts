import { Counter, type Registry } from 'prom-client';
import type { AuditEvent } from '../../store/journal/event.ts';

/**
 * A journal event with how many identical ones it stands for (`AuditEvent.count`): absent for one
 * event; a summary written at the end of a window says how many were merged into it or left out.
 */
export type JournalEvent = AuditEvent;

/** Where the throttle writes: the audit queue (store/journal/audit-queue.ts). */
export interface JournalSink {
  push(events: AuditEvent[]): void;
  accepting(): boolean;
}

export interface JournalThrottleLimits {
  /** Length of a window, in milliseconds (one minute by default). */
  windowMs: number;
  /**
   * Refusals and failures a viewer may add to the journal per window (`ROUTER_AUDIT_MAX_DENIALS_PER_VIEWER`);
   * past it they are counted in `hub_audit_events_throttled_total`, and one summary event with the
   * count is written when the window ends.
   */
  maxDenialsPerViewer: number;
  /** Identical refusals of one viewer written one by one per window; the further ones are merged into one counted event. */
  identicalWrittenSeparately: number;
  /** Windows kept in memory (viewers and distinct refusals); past it the oldest is closed early. */
  maxKeys: number;
}

export const DEFAULT_JOURNAL_THROTTLE: JournalThrottleLimits = {
  windowMs: 60_000,
  maxDenialsPerViewer: 300,
  identicalWrittenSeparately: 20,
  maxKeys: 100_000,
};

interface Window {
  endsAt: number;
  /** Events admitted (viewer window) or seen (identical refusals) in this window. */
  seen: number;
  /** Left out of the journal in this window, to be summed up in one event when it ends. */
  held: number;
  /** The last event held: the summary is written in its name (time, request, fields). */
  last?: AuditEvent;
}

/**
 * Keeps refusals from flooding the journal: anyone logged in can cause refusals at will (thirty
 * aliased mutations per operation, a thousand operations a minute), and a journal full of them
 * buries the accesses a person wants to find. So, per viewer and window:
 * - identical refusals (same outcome, reason, targets and fields) past the first few are merged
 *   into one event carrying their count;
 * - past a cap, refusals are only counted (a metric), and one summary event says how many.
 * Reads of real data (`allowed`) are never merged nor left out: each is a person's data someone
 * saw, and they are bounded already by the rate limits and by the viewer's perimeter.
 */
export class JournalThrottle implements JournalSink {
  readonly #viewers = new Map<string, Window>();
  readonly #identical = new Map<string, Window>();
  readonly #throttled: Counter;
  readonly #merged: Counter;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly sink: JournalSink,
    metrics: Registry,
    private readonly limits: JournalThrottleLimits = DEFAULT_JOURNAL_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.#throttled = new Counter({
      name: 'hub_audit_events_throttled_total',
      help: 'Refusal events of a viewer past the per-viewer cap, left out of the journal (one summary event per window says how many).',
      registers: [metrics],
    });
    this.#merged = new Counter({ name: 'hub_audit_events_merged_total', help: 'Identical refusal events merged into a counted one.', registers: [metrics] });
    // Windows end while nobody pushes: their summaries are written within one more window.
    this.#timer = setInterval(() => this.#sweep(this.now()), limits.windowMs);
    this.#timer.unref();
  }

  accepting(): boolean {
    return this.sink.accepting();
  }

  push(events: AuditEvent[]): void {
    const now = this.now();
    this.#sweep(now);
    const kept: AuditEvent[] = [];
    for (const event of events) {
      if (event.outcome === 'allowed') {
        kept.push(event);
        continue;
      }
      const viewer = viewerKey(event.viewer);
      const identical = this.#window(
        this.#identical,
        `${viewer}|${event.outcome}|${event.reason ?? ''}|${event.targets.join(',')}|${event.fields.join(',')}`,
        now,
      );
      identical.seen++;
      if (identical.seen > this.limits.identicalWrittenSeparately) {
        identical.held++;
        identical.last = event;
        this.#merged.inc();
        continue;
      }
      const perViewer = this.#window(this.#viewers, viewer, now);
      if (perViewer.seen >= this.limits.maxDenialsPerViewer) {
        perViewer.held++;
        perViewer.last = event;
        this.#throttled.inc();
        continue;
      }
      perViewer.seen++;
      kept.push(event);
    }
    if (kept.length) this.sink.push(kept);
  }

  /** Writes the summaries of every open window (before the queue closes). */
  close(): void {
    clearInterval(this.#timer);
    this.#sweep(Number.POSITIVE_INFINITY);
  }

  #window(windows: Map<string, Window>, key: string, now: number): Window {
    let window = windows.get(key);
    if (!window) {
      // Bounded: a flood of distinct keys closes the oldest windows early (their summaries written).
      if (windows.size >= this.limits.maxKeys) {
        const [oldestKey, oldest] = windows.entries().next().value as [string, Window];
        windows.delete(oldestKey);
        this.#summarize([oldest]);
      }
      windows.set(key, (window = { endsAt: now + this.limits.windowMs, seen: 0, held: 0 }));
    }
    return window;
  }

  /** Windows are kept in the order they opened, all of one length: the ended ones are at the front. */
  #sweep(now: number): void {
    const ended: Window[] = [];
    for (const windows of [this.#identical, this.#viewers]) {
      for (const [key, window] of windows) {
        if (window.endsAt > now) break;
        windows.delete(key);
        ended.push(window);
      }
    }
    this.#summarize(ended);
  }

  #summarize(windows: Window[]): void {
    const summaries: JournalEvent[] = windows.flatMap((w) => (w.held > 0 && w.last ? [{ ...w.last, count: w.held }] : []));
    if (summaries.length) this.sink.push(summaries);
  }
}

function viewerKey(viewer: AuditEvent['viewer']): string {
  return viewer.kind === 'person' ? `person:${viewer.personId}` : viewer.kind === 'service' ? `service:${viewer.clientId}` : 'anonymous';
}
