import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/helpers/log-capture.ts';
import { hiveLoggerFor } from './hive-log-writer.ts';

describe('the gateway runtime’s log lines', () => {
  it('never carry a subgraph request’s or response’s payload, even at debug level (personal data, one-time links, signed contexts)', () => {
    const { log, lines } = capturingLogger('router');
    const hive = hiveLoggerFor(log);
    // What the runtime's subgraph and fetch debug plugins write: the result, the variables, the body and headers.
    hive.debug({ data: { dataExportLink: { path: '/privacy/exports/SECRET-TOKEN' } } }, '[useSubgraphExecuteDebug] Done');
    hive.debug({ query: '{ pupil(id: "SECRET-ID") { birthDate } }', variables: { id: 'SECRET-ID' } }, '[useSubgraphExecuteDebug] Start');
    hive.debug({ url: 'http://127.0.0.1:4002/graphql', body: '{"SECRET-BODY":1}', headers: { 'x-hub-viewer': 'SECRET-CONTEXT' } }, '[useFetchDebug] request');
    hive.debug({ duration: 12.5 }, '[useSubgraphExecuteDebug] End');
    const text = JSON.stringify(lines());
    expect(text).not.toContain('SECRET');
    // What helps debugging stays: the messages, a duration, the subgraph's URL.
    expect(lines().map((l) => l.msg)).toEqual([
      '[useSubgraphExecuteDebug] Done',
      '[useSubgraphExecuteDebug] Start',
      '[useFetchDebug] request',
      '[useSubgraphExecuteDebug] End',
    ]);
    expect(lines()[3]).toMatchObject({ duration: 12.5 });
    expect(lines()[2]).toMatchObject({ url: 'http://127.0.0.1:4002/graphql' });
  });
});
