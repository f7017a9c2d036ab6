import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../lib/logger.ts';

/** A real pino logger whose JSON lines are kept in memory, for asserting what gets logged. */
export function capturingLogger(component = 'test'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    log: createLogger(component, 'debug', stream),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
