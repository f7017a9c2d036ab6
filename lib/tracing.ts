/**
 * OpenTelemetry traces for every process of the hub (docs/observability.md, "Traces"). Off unless
 * `HUB_TRACING` says where spans go: `otlp` (a collector, `OTEL_EXPORTER_OTLP_ENDPOINT`, sampled) or
 * `file` (JSON lines a person reads). W3C trace context (`traceparent`) is carried router →
 * subgraph → upstream: the router's plugin injects it into subgraph fetches, the subgraph kit
 * continues it (`continueTrace`), undici (the schools' systems, the GAR, the SMS gateway) and pg
 * (the store) are instrumented. Every exported span goes through redaction (lib/telemetry/redaction.ts).
 *
 * Call `startTracing` first in a process's main: the instrumentations patch what is loaded after.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Span as SdkSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { envSchema, integer, oneOf, parsedBy, readEnv, text, type Env } from './config/env.ts';
import type { Logger } from './logger.ts';
import { JsonLinesFileExporter } from './telemetry/file-exporter.ts';
import { RedactingExporter } from './telemetry/redaction.ts';

/** The request id (`x-request-id`) on a span: set on the first span of a request, copied to every child. */
export const REQUEST_ID_ATTRIBUTE = 'hub.request_id';
/** Which school's system a call went to (its UAI). */
export const SCHOOL_ATTRIBUTE = 'hub.school.uai';
/** Which subgraph served a request. */
export const SUBGRAPH_ATTRIBUTE = 'hub.subgraph';
/** `hit` or `miss`, where a cache answered or not. */
export const CACHE_ATTRIBUTE = 'hub.cache';
/** How many rows or items a call returned (counts only, never what they hold). */
export const ROWS_ATTRIBUTE = 'db.response.returned_rows';

const ratio = parsedBy(
  (raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error('not a ratio');
    return value;
  },
  'a number from 0 to 1',
  { optional: true },
);

/** Every process reads these (merged into its own schema by `startTracing`'s own check). */
export const TRACING_ENV = envSchema({
  HUB_TRACING: oneOf(['off', 'otlp', 'file'], { default: 'off' }),
  HUB_TRACING_SAMPLE_RATIO: ratio,
  HUB_TRACING_FILE: text({ optional: true }),
  HUB_TRACING_FILE_MAX_BYTES: integer({ min: 1024, default: 100 * 1024 * 1024 }),
});

export interface TracingOptions {
  /** `service.name` of every span of this process (`router`, `directory`, `hub` for the embedded one). */
  serviceName: string;
  env?: Env;
  log: Logger;
  /** What this process assumes when the variables are unset: production's (0.1, no file) by default; `npm start` samples all and names a file. */
  defaults?: { sampleRatio?: number; file?: string };
  /** Tests: spans go here instead of what `HUB_TRACING` says (in-memory exporters). */
  exporter?: SpanExporter;
}

export interface Tracing {
  readonly mode: 'off' | 'otlp' | 'file' | 'custom';
  /** Where spans go, for a person (`npm start` prints it). */
  readonly destination: string;
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting and instrumenting (tests; a process's shutdown). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { mode: 'off', destination: 'off', flush: async () => {}, shutdown: async () => {} };

let active: Tracing | undefined;

/** Whether this process exports traces: the router adds the OpenTelemetry plugin only then. */
export function tracingActive(): boolean {
  return active !== undefined && active.mode !== 'off';
}

/**
 * Copies the request id of a span's in-process parent to the span: set once where the request is
 * known (the router's HTTP span, the subgraph's server span), on every span under it.
 */
class RequestIdPropagator implements SpanProcessor {
  onStart(span: SdkSpan, parentContext: Context): void {
    const parent = trace.getSpan(parentContext);
    const id = parent && 'attributes' in parent ? (parent as unknown as ReadableSpan).attributes[REQUEST_ID_ATTRIBUTE] : undefined;
    if (typeof id === 'string') span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Starts exporting this process's traces as `HUB_TRACING` says (off by default: returns a handle
 * that does nothing). Throws a ConfigError naming a bad variable.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const config = readEnv(TRACING_ENV, env);
  if (!options.exporter && config.HUB_TRACING === 'off') return OFF;
  if (active) throw new Error('tracing is already started in this process');

  let exporter: SpanExporter;
  let destination: string;
  let mode: Tracing['mode'];
  if (options.exporter) {
    exporter = options.exporter;
    destination = 'a custom exporter';
    mode = 'custom';
  } else if (config.HUB_TRACING === 'file') {
    const path = resolve(config.HUB_TRACING_FILE ?? options.defaults?.file ?? 'traces.jsonl');
    exporter = new JsonLinesFileExporter(path, config.HUB_TRACING_FILE_MAX_BYTES, options.log);
    destination = path;
    mode = 'file';
  } else {
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT / _HEADERS itself (the standard variables).
    exporter = new OTLPTraceExporter();
    destination = `OTLP/HTTP ${env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'} (/v1/traces)`}`;
    mode = 'otlp';
  }
  const sampleRatio = config.HUB_TRACING_SAMPLE_RATIO ?? options.defaults?.sampleRatio ?? 0.1;
  const redacting = new RedactingExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // A request the router sampled is traced in every subgraph; one it did not, nowhere.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
    // Bounded: at most 2,048 spans wait for export; past that they are dropped, never the process's memory.
    spanProcessors: [new RequestIdPropagator(), new BatchSpanProcessor(redacting, { maxQueueSize: 2048, scheduledDelayMillis: 1000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Through diagnostics_channel: every undici request, npm's undici and Node's fetch alike.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({
        requireParentSpan: true,
        // Never the values bound to a query (a person's id, a message); the statement is parameterized.
        enhancedDatabaseReporting: false,
        responseHook: (span, { data }) => {
          if (typeof data.rowCount === 'number') span.setAttribute(ROWS_ATTRIBUTE, data.rowCount);
        },
      }),
    ],
  });
  // ESM imports of pg do not pass through `require`, where the instrumentation hooks: asking for
  // the module once here patches its prototypes, which every copy already imported shares.
  const require = createRequire(import.meta.url);
  require('pg');

  const handle: Tracing = {
    mode,
    destination,
    async flush() {
      await provider.forceFlush();
      // The batch processor's flush exports what it still holds, but does not wait for a batch its
      // timer already handed to the exporter: the exporter's own flush does (a file not yet written).
      await redacting.forceFlush();
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      active = undefined;
    },
  };
  active = handle;
  options.log.info({ tracing: mode, destination, sampleRatio, service: options.serviceName }, 'tracing on');
  return handle;
}

const tracer = () => trace.getTracer('ent-federation-hub');

/**
 * Runs `work` in a span `name` (a child of the active one), ending it with the outcome. Without
 * tracing, the API's no-op tracer makes this a plain call. `attributes` say what a person would
 * ask (which school, which operation), never a person's data.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.recordException(error as Error);
      throw error;
    } finally {
      span.end();
    }
  });
}

const incomingHeaders: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * A server span continuing the caller's trace (its `traceparent` header), with `work` inside it:
 * how a subgraph joins the router's trace.
 */
export function continueTrace<T>(
  headers: Record<string, string | string[] | undefined>,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers, incomingHeaders);
  return context.with(parent, () => inSpan(name, attributes, work, SpanKind.SERVER));
}
