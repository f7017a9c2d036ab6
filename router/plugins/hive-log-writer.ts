import { Logger as HiveLogger, type LogLevel } from '@graphql-hive/logger';
import type { Logger } from '../../lib/logger.ts';

/**
 * Routes the gateway runtime's own log lines (which carry the request id once the runtime's
 * request-id plugin has run) into our pino logger, so every line is one JSON format.
 */
export function hiveLoggerFor(log: Logger): HiveLogger {
  return new HiveLogger({
    level: log.level === 'silent' ? false : (log.level as LogLevel),
    writers: [
      {
        write(level, attrs, message) {
          const fields = attrs && !Array.isArray(attrs) ? attrs : attrs ? { attrs } : {};
          log[level](fields, message ?? '');
        },
      },
    ],
  });
}
