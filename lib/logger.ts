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

/** One JSON logger per process component; `HUB_LOG_LEVEL` sets the level (`silent` in tests). */
export function createLogger(
  component: string,
  level = process.env.HUB_LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { component },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
