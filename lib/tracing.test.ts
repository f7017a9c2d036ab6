import { context, propagation, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config/env.ts';
import { createLogger } from './logger.ts';
import { capturingLogger } from '../test/helpers/log-capture.ts';
import { continueTrace, inSpan, REQUEST_ID_ATTRIBUTE, startTracing, tracingActive, type Tracing } from './tracing.ts';

const log = createLogger('tracing-test', 'silent');

describe('startTracing', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('is off unless HUB_TRACING says where spans go', () => {
    tracing = startTracing({ serviceName: 'test', log, env: {} });
    expect(tracing.mode).toBe('off');
    expect(tracingActive()).toBe(false);
  });

  it('refuses a mode or a ratio it does not know, naming the variable', () => {
    expect(() => startTracing({ serviceName: 'test', log, env: { HUB_TRACING: 'jaeger' } })).toThrow(ConfigError);
    expect(() => startTracing({ serviceName: 'test', log, env: { HUB_TRACING: 'otlp', HUB_TRACING_SAMPLE_RATIO: '10%' } })).toThrow(/HUB_TRACING_SAMPLE_RATIO/);
  });

  it('samples at the ratio, and a sampled caller’s trace is continued whatever the ratio', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', log, env: { HUB_TRACING_SAMPLE_RATIO: '0' }, exporter });
    expect(tracingActive()).toBe(true);
    await inSpan('not sampled', {}, async () => {});
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await continueTrace({ traceparent }, 'continued', { [REQUEST_ID_ATTRIBUTE]: 'r-1' }, () => inSpan('child', {}, async () => {}));
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['child', 'continued']);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set(['0af7651916cd43dd8448eb211c80319c']));
    // The request id, set on the server span, is on its child too.
    expect(spans.find((s) => s.name === 'child')!.attributes[REQUEST_ID_ATTRIBUTE]).toBe('r-1');
  });

  it('exports no GraphQL document, no client address, no query string, no error message', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'test', log, env: { HUB_TRACING_SAMPLE_RATIO: '1' }, exporter });
    await inSpan(
      'request',
      {
        'graphql.document': '{ searchPeople(text: "Martin") { id } }',
        'http.client_ip': '192.0.2.7',
        'http.user_agent': 'Firefox',
        'url.full': 'http://school.example/api/notes?eleve=123&token=abc',
        'graphql.operation.name': 'Find',
      },
      async (span) => {
        span.recordException(new Error('no pupil named Léa MARTIN'));
        span.setStatus({ code: 2, message: 'no pupil named Léa MARTIN' });
      },
    );
    await tracing.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toEqual({ 'url.full': 'http://school.example/api/notes', 'graphql.operation.name': 'Find' });
    expect(span!.status).toEqual({ code: 2 });
    const text = JSON.stringify(span!.events);
    expect(text).not.toContain('MARTIN');
    expect(text).toContain('exception');
  });

  it('writes JSON lines to a file, bounded in size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-file-'));
    const file = join(dir, 'sub', 'traces.jsonl');
    const capture = capturingLogger();
    tracing = startTracing({
      serviceName: 'svc',
      log: capture.log,
      env: { HUB_TRACING: 'file', HUB_TRACING_FILE: file, HUB_TRACING_FILE_MAX_BYTES: '2048', HUB_TRACING_SAMPLE_RATIO: '1' },
    });
    expect(tracing.destination).toBe(file);
    for (let i = 0; i < 20; i++) await inSpan(`span ${i}`, { 'hub.school.uai': '0751000E' }, async () => {});
    await tracing.flush();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(20);
    expect(statSync(file).size).toBeLessThanOrEqual(2048);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ service: 'svc', name: 'span 0', kind: 'INTERNAL', status: 'UNSET', attributes: { 'hub.school.uai': '0751000E' } });
    expect(capture.lines().some((l) => l.msg === 'traces file is full: further spans are dropped (delete it to start again)')).toBe(true);
  });

  it('flush waits for a batch already on its way to the exporter (the traces file is there when flush resolves)', async () => {
    // An exporter as slow as a busy disk: a batch takes 300 ms from `export` to its callback.
    const written: string[] = [];
    let pending: Promise<void> = Promise.resolve();
    const slow: SpanExporter = {
      export(spans, done) {
        pending = pending
          .then(() => new Promise((resolve) => setTimeout(resolve, 300)))
          .then(() => {
            written.push(...spans.map((s) => s.name));
            done({ code: ExportResultCode.SUCCESS });
          });
      },
      forceFlush: () => pending,
      shutdown: () => pending,
    };
    tracing = startTracing({ serviceName: 'test', log, env: { HUB_TRACING_SAMPLE_RATIO: '1' }, exporter: slow });
    await inSpan('ended before the batch timer', {}, async () => {});
    // The batch processor hands its spans to the exporter a second after the first one ends.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await tracing.flush();
    expect(written).toEqual(['ended before the batch timer']);
  });

  it('leaves the process as it found it once shut down', async () => {
    tracing = startTracing({ serviceName: 'test', log, env: {}, exporter: new InMemorySpanExporter() });
    await tracing.shutdown();
    tracing = undefined;
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);
    expect(context.active()).toBeDefined();
  });
});
