/**
 * Subscriptions through the router, over a subgraph of another domain than the hub's (the router
 * knows no domain): Server-Sent Events from the subgraph to the router and from the router to the
 * client, with authentication, authorization field by field and the journal applied to every event,
 * and a stream's life bounded by its session and by a maximum duration.
 */
import { putBearerSession } from '../test/helpers/sessions.ts';
import { join } from 'node:path';
import { parse } from 'graphql';
import { createClient, type ExecutionResult } from 'graphql-sse';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import type { AuditEvent, AuditStore } from '../store/journal/event.ts';
import { startSubgraph, type StartedSubgraph } from '../subgraphs/kit/subgraph-server.ts';
import { composedSupergraphFile } from '../test/helpers/supergraph-file.ts';
import { until } from '../test/helpers/until.ts';
import { TEST_VIEWER_KEY, TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';
import { routerConfigFromEnv } from './config.ts';
import { startRouter, type HubRouter } from './router.ts';

const typeDefs = parse(/* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@composeDirective"])
    @link(url: "https://ent-hub.example/audit/v1.0", import: ["@auditSubject"])
    @composeDirective(name: "@auditSubject")

  directive @auditSubject on OBJECT | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION

  type Query {
    ping: Boolean
  }
  type Subscription {
    readerEvents(reader: ID!): ReaderEvent! @authenticated
  }
  type ReaderEvent {
    n: Int!
    reader: Reader!
  }
  type Reader @key(fields: "id") @auditSubject {
    id: ID!
    name: String! @authenticated
    loans: [String!] @requiresScopes(scopes: [["library:loans"]])
  }
`);

const MAX_STREAM_MS = 2500;
const LOGGED = 'readerEvents(reader: "reader-5") { n reader { id name loans } }';

describe('subscriptions through the router', () => {
  let library: StartedSubgraph;
  let router: HubRouter;
  const journal: AuditEvent[] = [];
  const seen = { subscribed: 0, loansResolved: 0, open: 0 };
  const opened: (() => unknown)[] = [];

  beforeAll(async () => {
    const store: AuditStore = { append: async (events) => void journal.push(...events), about: async () => [] };
    library = await startSubgraph(
      {
        name: 'library',
        typeDefs,
        viewerContextKey: TEST_VIEWER_KEY,
        log: createLogger('library', 'silent'),
        context: () => ({}),
        resolvers: {
          Query: { ping: () => true },
          Subscription: {
            readerEvents: {
              subscribe: async function* (_: unknown, { reader }: { reader: string }) {
                seen.subscribed++;
                seen.open++;
                try {
                  for (let n = 1; ; n++) {
                    await new Promise((r) => setTimeout(r, 100));
                    yield { readerEvents: { n, reader: { id: reader, name: 'Ada' } } };
                  }
                } finally {
                  seen.open--;
                }
              },
            },
          },
          Reader: {
            loans: () => {
              seen.loansResolved++;
              return ['b1'];
            },
          },
        },
      },
      { port: 0 },
    );
    const { dir, supergraphPath } = composedSupergraphFile('hub-live-streams-', [{ name: 'library', url: library.graphqlUrl, typeDefs }]);
    const config = routerConfigFromEnv({ ROUTER_METRICS_PORT: '0', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, 'audit') });
    router = await startRouter(
      {
        ...config,
        port: 0,
        supergraphPath,
        // Short enough for a test: the subgraph's deadline would end any stream it applied to.
        subgraphTimeoutMs: 500,
        audit: { ...config.audit, subjectTypes: [] },
        liveStreams: { maxStreamMs: MAX_STREAM_MS, checkEveryMs: 100, maxStreamsPerSession: 2 },
      },
      createLogger('router', 'silent'),
      { auditStore: store },
    );
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    await router?.stop();
    await library?.close(0);
  });

  const session = async (id: string) => {
    return putBearerSession(router.sessions, { id, personId: `librarian-${id}`, profile: 'staff' });
  };
  /** Every event of a subscription until it ends or `count` arrived. */
  const collect = async (query: string, token: string | undefined, count = Infinity) => {
    const client = createClient({ url: router.graphqlUrl, headers: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
    const iterator = client.iterate({ query: `subscription { ${query} }` })[Symbol.asyncIterator]();
    opened.push(() => iterator.return?.());
    const events: ExecutionResult<Record<string, unknown>>[] = [];
    const started = Date.now();
    while (events.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      events.push(next.value as ExecutionResult<Record<string, unknown>>);
    }
    await iterator.return?.();
    return { events, ms: Date.now() - started };
  };

  it('without a session there is no stream: refused before the subgraph is asked', async () => {
    const before = seen.subscribed;
    const { events } = await collect(LOGGED, undefined);
    expect(events).toEqual([{ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } })] }]);
    expect(seen.subscribed).toBe(before);
  });

  it('each event is authorized field by field and journaled, and outlives the subgraph deadline', async () => {
    const token = await session('s-fields');
    const { events, ms } = await collect(LOGGED, token, 8);
    expect(ms).toBeGreaterThan(500);
    expect(events).toHaveLength(8);
    for (const [i, event] of events.entries()) {
      // The field the viewer may not see is null with its error, in every event; the rest is there.
      expect(event.data).toEqual({ readerEvents: { n: i + 1, reader: { id: 'reader-5', name: 'Ada', loans: null } } });
      expect(event.errors).toEqual([
        expect.objectContaining({ path: ['readerEvents', 'reader', 'loans'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }),
      ]);
    }
    // Never asked of the subgraph.
    expect(seen.loansResolved).toBe(0);
    // Whose data each event carried is journaled, naming the person read and the viewer.
    await until(async () => journal.filter((e) => e.fields.includes('Reader.name') && e.viewer.personId === 'librarian-s-fields').length >= 8);
    expect(journal.find((e) => e.fields.includes('Reader.name'))).toMatchObject({ outcome: 'allowed', targets: ['reader-5'] });
  });

  it('a stream ends when its session ends, saying so, and the subgraph stops', async () => {
    const token = await session('s-ended');
    const stream = collect(LOGGED, token);
    await until(async () => seen.open > 0);
    await new Promise((r) => setTimeout(r, 300));
    const endedAt = Date.now();
    await router.sessions.delete('s-ended');
    const { events } = await stream;
    expect(Date.now() - endedAt).toBeLessThan(1000);
    expect(events.at(-1)).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })] });
    await until(async () => seen.open === 0, 3000);
    // Operators see why streams end.
    const metrics = await router.metrics.getSingleMetricAsString('hub_live_streams_ended_total');
    expect(metrics).toMatch(/hub_live_streams_ended_total\{reason="session"\} 1/);
  });

  it('a stream completes after its longest life; the client subscribes again to go on', async () => {
    const token = await session('s-lifetime');
    const { events, ms } = await collect(LOGGED, token);
    expect(ms).toBeGreaterThanOrEqual(MAX_STREAM_MS - 100);
    expect(ms).toBeLessThan(MAX_STREAM_MS + 1500);
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.data)).toBe(true);
    await until(async () => seen.open === 0, 3000);
  });

  it('a session holds a bounded number of streams; a closed one frees its place', async () => {
    const token = await session('s-bounded');
    const client = createClient({ url: router.graphqlUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const open = [0, 1].map(() => client.iterate({ query: `subscription { ${LOGGED} }` })[Symbol.asyncIterator]());
    for (const it of open) opened.push(() => it.return?.());
    await Promise.all(open.map((it) => it.next()));
    const third = await collect(LOGGED, token, 1);
    expect(third.events).toEqual([{ errors: [expect.objectContaining({ extensions: { code: 'TOO_MANY_STREAMS' } })] }]);
    await open[0]!.return?.();
    await until(async () => (await collect(LOGGED, token, 1)).events[0]?.data !== undefined, 3000);
  });
});
