import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { useSubgraphTimeouts } from './use-subgraph-timeouts.ts';

/** Drives the plugin's hooks as the runtime does for one subgraph call of one client request. */
function call(plugin: ReturnType<typeof useSubgraphTimeouts>, answerAfterMs: number, operationType: 'query' | 'subscription' = 'query') {
  const client = new Request('http://router/graphql', { method: 'POST' });
  const executionRequest = { document: parse('{ a }'), operationType, context: { request: client } };
  let executor = (_: unknown): unknown => new Promise((resolve) => setTimeout(() => resolve({ data: { a: 1 } }), answerAfterMs));
  const warnings: unknown[] = [];
  (plugin.onSubgraphExecute as (payload: unknown) => void)({
    subgraphName: 'roster',
    executionRequest,
    executor,
    setExecutor: (e: typeof executor) => (executor = e),
    log: { warn: (fields: unknown) => warnings.push(fields) },
  });
  const result = Promise.resolve(executor(executionRequest)).catch((error: unknown) => error);
  let signal: AbortSignal | undefined;
  (plugin.onFetch as (payload: unknown) => void)({
    context: { request: client },
    executionRequest,
    options: {},
    setOptions: (options: { signal?: AbortSignal }) => (signal = options.signal),
  });
  const respond = () => (plugin.onResponse as (payload: unknown) => void)({ request: client });
  return { result, signal: () => signal, respond, warnings };
}

describe('subgraph timeouts', () => {
  it('answers within the timeout untouched, and leaves the fetch alone after the response', async () => {
    const plugin = useSubgraphTimeouts(() => 200);
    const c = call(plugin, 10);
    expect(await c.result).toEqual({ data: { a: 1 } });
    c.respond();
    expect(c.signal()?.aborted).toBe(false);
  });

  it('past the timeout: an error naming the subgraph, and its fetch cut once the response is made', async () => {
    const plugin = useSubgraphTimeouts(() => 30);
    const started = Date.now();
    const c = call(plugin, 2000);
    const error = (await c.result) as { message: string; extensions: Record<string, unknown> };
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toBe('Subgraph "roster" timed out.');
    expect(error.extensions).toMatchObject({ code: 'GATEWAY_TIMEOUT', serviceName: 'roster' });
    expect(c.warnings).toEqual([{ subgraph: 'roster', timeoutMs: 30 }]);
    expect(c.signal()?.aborted).toBe(false);
    c.respond();
    expect(c.signal()?.aborted).toBe(true);
  });

  it('never times a subscription (a stream meant to stay open)', async () => {
    const plugin = useSubgraphTimeouts(() => 30);
    const c = call(plugin, 100, 'subscription');
    expect(await c.result).toEqual({ data: { a: 1 } });
    expect(c.signal()).toBeUndefined();
  });
});
