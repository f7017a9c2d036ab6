import { Logger as HiveLogger, type LogLevel } from '@graphql-hive/logger';
import type { Logger } from '../../lib/logger.ts';

/**
 * Attributes the runtime's debug plugins fill with what flows to and from subgraphs (a subgraph's
 * answer, its operation and variables, a fetch's body and headers): personal data, one-time links,
 * signed viewer contexts. They belong nowhere in logs, whatever the level; what a line says besides
 * (its message, a duration, a URL, an error) stays.
 */
const PAYLOAD_ATTRIBUTES = new Set(['data', 'query', 'variables', 'body', 'headers', 'extensions']);

const withoutPayload = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, PAYLOAD_ATTRIBUTES.has(key) ? '[not logged]' : value]));

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
          const fields = attrs && !Array.isArray(attrs) ? withoutPayload(attrs) : attrs ? { attrs } : {};
          log[level](fields, message ?? '');
        },
      },
    ],
  });
}
