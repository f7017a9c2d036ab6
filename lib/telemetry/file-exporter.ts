import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logger.ts';

/** One span as a line of the traces file: what a person reads with `grep`, `jq` or an editor. */
export interface SpanLine {
  /** When the span started (ISO 8601). */
  time: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind: string;
  durationMs: number;
  status: 'UNSET' | 'OK' | 'ERROR';
  attributes: Record<string, unknown>;
  events?: { name: string; time: string; attributes?: Record<string, unknown> }[];
}

const STATUS: Record<SpanStatusCode, SpanLine['status']> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

const isoTime = (time: HrTime) => new Date(hrTimeToMilliseconds(time)).toISOString();

export function spanLine(span: ReadableSpan): SpanLine {
  const { traceId, spanId } = span.spanContext();
  return {
    time: isoTime(span.startTime),
    traceId,
    spanId,
    ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    service: String(span.resource.attributes['service.name'] ?? ''),
    name: span.name,
    kind: SpanKind[span.kind],
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
    status: STATUS[span.status.code],
    attributes: { ...span.attributes },
    ...(span.events.length
      ? { events: span.events.map((e) => ({ name: e.name, time: isoTime(e.time), ...(e.attributes ? { attributes: { ...e.attributes } } : {}) })) }
      : {}),
  };
}

/**
 * Spans as JSON lines appended to a file (`HUB_TRACING=file`): traces read without installing
 * anything. Bounded: past `maxBytes` the file is left as it is and further spans are dropped (said
 * once in the log), so a forgotten `npm start` does not fill the disk.
 */
export class JsonLinesFileExporter implements SpanExporter {
  #written: Promise<void> = Promise.resolve();
  #size: number | undefined;
  #full = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const lines = spans.map((span) => `${JSON.stringify(spanLine(span))}\n`);
    // One write at a time, in order: lines of two batches never interleave.
    this.#written = this.#written
      .then(() => this.#append(lines))
      .then(
        () => resultCallback({ code: ExportResultCode.SUCCESS }),
        (error: unknown) => {
          this.log.warn({ err: error, path: this.path }, 'traces file: spans not written');
          resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
        },
      );
  }

  async #append(lines: string[]): Promise<void> {
    if (this.#full) return;
    if (this.#size === undefined) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
    }
    // The lines that still fit, in order; the first that does not closes the file.
    let size = this.#size;
    let fitting = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (size + bytes > this.maxBytes) break;
      size += bytes;
      fitting++;
    }
    if (fitting > 0) await appendFile(this.path, lines.slice(0, fitting).join(''));
    this.#size = size;
    if (fitting < lines.length) {
      this.#full = true;
      this.log.warn({ path: this.path, maxBytes: this.maxBytes }, 'traces file is full: further spans are dropped (delete it to start again)');
    }
  }

  forceFlush(): Promise<void> {
    return this.#written;
  }

  shutdown(): Promise<void> {
    return this.#written;
  }
}
