import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';

/**
 * Attributes no span of the hub exports, whoever set them. The GraphQL document (the router's
 * OpenTelemetry plugin records it on four spans, with no option to stop it) can carry literal
 * arguments (a name searched for); the schema is large and says nothing about one request; the
 * client's address and browser are personal data; an exception's message may quote what failed.
 * Variables, bodies and results are never recorded by anything we run, and are listed in case a
 * future instrumentation starts to.
 */
const DROPPED = new Set([
  'graphql.document',
  'graphql.schema',
  'graphql.variables',
  'graphql.source',
  'http.client_ip',
  'client.address',
  'client.port',
  'http.user_agent',
  'user_agent.original',
  'net.peer.ip',
  'network.peer.address',
  'url.query',
  'http.request.body',
  'http.response.body',
  'db.query.parameter',
  'exception.message',
]);

/** Attributes holding a URL or a path: kept without their query string, where a token or an id could ride. */
const URL_LIKE = new Set(['http.url', 'url.full', 'http.target', 'url.path', 'http.route']);

/** A SQL statement is parameterized (Kysely): kept, cut short. */
const STATEMENT_LIKE = new Set(['db.statement', 'db.query.text']);
const MAX_STATEMENT = 1_000;

function withoutQuery(value: string): string {
  const at = value.search(/[?#]/);
  return at === -1 ? value : value.slice(0, at);
}

/** A stack trace without its first line (the error's message): where it failed, not what it said. */
function stackFramesOnly(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** The attributes a span may leave the process with. */
export function redactAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || DROPPED.has(key) || key.startsWith('http.request.header.') || key.startsWith('http.response.header.')) continue;
    kept[key] = redactValue(key, value);
  }
  return kept;
}

function redactValue(key: string, value: AttributeValue): AttributeValue {
  if (typeof value !== 'string') return value;
  if (URL_LIKE.has(key)) return withoutQuery(value);
  if (STATEMENT_LIKE.has(key)) return value.length > MAX_STATEMENT ? `${value.slice(0, MAX_STATEMENT)}…` : value;
  if (key === 'exception.stacktrace') return stackFramesOnly(value);
  return value;
}

function redactEvent(event: TimedEvent): TimedEvent {
  return { ...event, attributes: event.attributes && redactAttributes(event.attributes) };
}

/**
 * The span as it may leave the process: redacted attributes and events, and a status without its
 * message (the router's plugin writes the GraphQL errors' messages there, which may quote data).
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: redactAttributes(span.attributes),
    links: span.links,
    events: span.events.map(redactEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Every exporter of the hub is wrapped in this one: what any instrumentation records is redacted at the door. */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
