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

/** One JSON logger per process component; `HUB_LOG_LEVEL` sets the level (`silent` in tests). */
export function createLogger(component: string, level = levelFromEnv(), destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
