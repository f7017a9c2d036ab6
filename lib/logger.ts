import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that must never reach a log line. Tokens, cookies and passwords are secrets; the rest is
 * personal data that the audit trail (not the technical logs) is allowed to hold.
 */
const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.idToken',
  '*.refreshToken',
  '*.clientSecret',
];

/** Pino's levels, and `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * `HUB_LOG_LEVEL` if it names a level, else `info`: the logger must exist to say what is wrong, and
 * each process's configuration check (lib/config/env.ts) refuses a level it does not know.
 */
const levelFromEnv = (): string => {
  const level = process.env.HUB_LOG_LEVEL;
  return level !== undefined && (LOG_LEVELS as readonly string[]).includes(level) ? level : 'info';
};

/**
 * The active span's trace and span ids on each log line (lib/tracing.ts), so that a line leads to
 * its trace and back. Only a sampled span's: an unsampled one is in no trace store. Nothing when
 * tracing is off (the API's no-op spans are never active).
 */
export function traceFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & 1 ? { trace_id: traceId, span_id: spanId } : {};
}

/** One JSON logger per process component; `HUB_LOG_LEVEL` sets the level (`silent` in tests). */
export function createLogger(component: string, level = levelFromEnv(), destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
  };
  return destination ? pino(options, destination) : pino(options);
}
