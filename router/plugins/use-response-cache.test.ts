/**
 * The router's per-viewer response cache, through a real router and real subgraphs: what the
 * subgraphs allow is kept for that long, for that viewer only, and forgotten on a change.
 */
import { putBearerSession } from '../../test/helpers/sessions.ts';
import { join } from 'node:path';
import { parse, type GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { AuditEvent, AuditStore } from '../../store/journal/event.ts';
import { startSubgraph, type StartedSubgraph } from '../../subgraphs/kit/subgraph-server.ts';
import { composedSupergraphFile } from '../../test/helpers/supergraph-file.ts';
import { until } from '../../test/helpers/until.ts';
import { TEST_VIEWER_KEY, TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';
import { routerConfigFromEnv } from '../config.ts';
import { startRouter, type HubRouter } from '../router.ts';
import type { AnswerChange } from '../../store/answer-changes.ts';
import { cacheableMaxAgeMs, type AnswerChangeFeed } from './use-response-cache.ts';

const LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@composeDirective"])
  @link(url: "https://ent-hub.example/audit/v1.0", import: ["@auditSubject"])
  @composeDirective(name: "@auditSubject")
  directive @auditSubject on OBJECT | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION`;

/** Readers and their loans (the journal's subjects), each answer allowing `hints.library` seconds. */
const libraryTypeDefs = parse(/* GraphQL */ `
  ${LINK}
  type Query {
    reader(id: ID!): Reader
    "The same, answered after ms milliseconds."
    slowReader(id: ID!, ms: Int!): Reader
    whoami: String
    broken: String
    "A string of that many bytes, then the tag."
    padded(bytes: Int!, tag: String!): String
  }
  type Mutation {
    lend(reader: ID! @auditSubject, book: String!): Boolean @authenticated
  }
  type Reader @key(fields: "id") @auditSubject {
    id: ID!
    loans: [String!] @authenticated
  }
`);
/** A second subgraph on the same readers: an answer is kept only if it allows too. */
const shelfTypeDefs = parse(/* GraphQL */ `
  ${LINK}
  type Reader @key(fields: "id") {
    id: ID!
    shelf: String
  }
  type Query {
    "Answered after ms milliseconds."
    slowShelf(ms: Int!): String
  }
`);

type Hinted = { cacheControl: { setCacheHint(hint: { maxAge: number; scope: 'PRIVATE' }): void } };
const hint = (info: GraphQLResolveInfo, maxAge: number) => {
  if (maxAge > 0) (info as GraphQLResolveInfo & Hinted).cacheControl.setCacheHint({ maxAge, scope: 'PRIVATE' });
};

/** A stand-in for the database's notifications (store/answer-changes.ts is tested on PostgreSQL). */
class ChangeFeed implements AnswerChangeFeed {
  listening = true;
  announced: string[] = [];
  readonly #listeners = new Set<(change: AnswerChange) => void>();
  onChange(listener: (change: AnswerChange) => void) {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
  async announce(personId: string) {
    this.announced.push(personId);
    this.emit({ kind: 'person', personId });
  }
  emit(change: AnswerChange) {
    for (const listener of this.#listeners) listener(change);
  }
}

/** How long this router keeps nothing after the directory changed (12.5 s by default: shortened here). */
const SETTLE_MS = 300;
const settled = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 20));
const hints = { library: 60, shelf: 60 };
const reads = { reader: 0, shelf: 0, broken: 0, whoami: 0, padded: 0 };
const loans = new Map<string, string[]>([['r1', ['Les Misérables']]]);
const journal: AuditEvent[] = [];
const feed = new ChangeFeed();
let library: StartedSubgraph;
let shelf: StartedSubgraph;
let router: HubRouter;

beforeAll(async () => {
  library = await startSubgraph(
    {
      name: 'library',
      typeDefs: libraryTypeDefs,
      viewerContextKey: TEST_VIEWER_KEY,
      log: createLogger('library'),
      context: ({ viewer }) => ({ viewer }),
      resolvers: {
        Query: {
          reader: (_: unknown, { id }: { id: string }, __: unknown, info: GraphQLResolveInfo) => {
            reads.reader++;
            hint(info, hints.library);
            return { id, loans: loans.get(id) ?? [] };
          },
          slowReader: async (_: unknown, { id, ms }: { id: string; ms: number }, __: unknown, info: GraphQLResolveInfo) => {
            reads.reader++;
            hint(info, hints.library);
            const answer = { id, loans: loans.get(id) ?? [] };
            await new Promise((resolve) => setTimeout(resolve, ms));
            return answer;
          },
          whoami: (_: unknown, __: unknown, ctx: { viewer: { personId?: string } }, info: GraphQLResolveInfo) => {
            reads.whoami++;
            hint(info, hints.library);
            return ctx.viewer.personId ?? null;
          },
          padded: (_: unknown, { bytes, tag }: { bytes: number; tag: string }, __: unknown, info: GraphQLResolveInfo) => {
            reads.padded++;
            hint(info, hints.library);
            return 'x'.repeat(bytes) + tag;
          },
          broken: (_: unknown, __: unknown, ___: unknown, info: GraphQLResolveInfo) => {
            reads.broken++;
            hint(info, hints.library);
            throw new Error('the catalogue is down');
          },
        },
        Mutation: {
          lend: (_: unknown, { reader, book }: { reader: string; book: string }) => {
            loans.set(reader, [...(loans.get(reader) ?? []), book]);
            return true;
          },
        },
        Reader: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, loans: loans.get(ref.id) ?? [] }) },
      },
    },
    { port: 0 },
  );
  shelf = await startSubgraph<object>(
    {
      name: 'shelf',
      typeDefs: shelfTypeDefs,
      viewerContextKey: TEST_VIEWER_KEY,
      log: createLogger('shelf'),
      context: (): object => ({}),
      resolvers: {
        Query: {
          slowShelf: async (_: unknown, { ms }: { ms: number }, __: object, info: GraphQLResolveInfo) => {
            hint(info, hints.shelf);
            await new Promise((resolve) => setTimeout(resolve, ms));
            return 'B2';
          },
        },
        Reader: {
          __resolveReference: (ref: { id: string }, _: object, info: GraphQLResolveInfo) => {
            reads.shelf++;
            hint(info, hints.shelf);
            return { id: ref.id, shelf: 'B2' };
          },
        },
      },
    },
    { port: 0 },
  );
  const { dir, supergraphPath } = composedSupergraphFile('hub-response-cache-', [
    { name: 'library', url: library.graphqlUrl, typeDefs: libraryTypeDefs },
    { name: 'shelf', url: shelf.graphqlUrl, typeDefs: shelfTypeDefs },
  ]);
  const config = routerConfigFromEnv({ ROUTER_METRICS_PORT: '0', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, 'audit') });
  const store: AuditStore = { append: async (events) => void journal.push(...events), about: async () => [] };
  router = await startRouter(
    // 1 MB of answers: a person's share is then one largest answer (512 KB), half of it.
    { ...config, responseCache: { ...config.responseCache, maxBytes: 1024 * 1024, directorySettleMs: SETTLE_MS }, port: 0, supergraphPath },
    createLogger('router'),
    { auditStore: store, answerChanges: feed },
  );
  await putBearerSession(router.sessions, { id: 'cache-ada', personId: 'ada', profile: 'guardian', children: ['kid-1'] });
  await putBearerSession(router.sessions, { id: 'cache-bob', personId: 'bob', profile: 'staff' });
  // A guardian whose answers no other test keeps: not yet remembered as a guardian of kid-2.
  await putBearerSession(router.sessions, { id: 'cache-eve', personId: 'eve', profile: 'guardian', children: ['kid-2'] });
});

afterAll(async () => {
  await router?.stop();
  await library?.close(0);
  await shelf?.close(0);
});

beforeEach(() => {
  hints.library = 60;
  hints.shelf = 60;
  feed.listening = true;
  // Every test starts from an empty cache (the outbox's change empties it without the directory's settling).
  feed.emit({ kind: 'outbox' });
});

async function ask(person: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(router.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer hubs_cache-${person}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
}

const READER = 'query Reader($id: ID!) { reader(id: $id) { id loans shelf } }';
const readsOf = async (person: string, times: number, query = READER, variables: Record<string, unknown> = { id: 'r1' }) => {
  const before = { ...reads };
  const answers = [];
  for (let i = 0; i < times; i++) answers.push(await ask(person, query, variables));
  return { answers, reader: reads.reader - before.reader, shelf: reads.shelf - before.shelf, broken: reads.broken - before.broken };
};

describe('the response cache', () => {
  it('serves a person’s repeated query without the subgraphs, the same answer, for that person only', async () => {
    const ada = await readsOf('ada', 3);
    expect(ada.answers).toEqual(Array(3).fill({ data: { reader: { id: 'r1', loans: ['Les Misérables'], shelf: 'B2' } } }));
    expect([ada.reader, ada.shelf]).toEqual([1, 1]);
    // Bob asks the same thing: his own execution, never Ada's answer.
    expect((await readsOf('bob', 1)).reader).toBe(1);
    expect((await ask('ada', '{ whoami }')).data).toEqual({ whoami: 'ada' });
    expect((await ask('bob', '{ whoami }')).data).toEqual({ whoami: 'bob' });
    // Other variables are another answer.
    expect((await readsOf('ada', 1, READER, { id: 'r2' })).reader).toBe(1);
  });

  it('journals every read, served from the cache or not', async () => {
    // A reader no other test reads: the journal's queue is written after the answers.
    const readsOfR9 = () => journal.filter((e) => e.targets.includes('r9') && e.fields.includes('Reader.loans'));
    const served = await readsOf('ada', 3, READER, { id: 'r9' });
    expect(served.reader).toBe(1);
    await until(async () => readsOfR9().length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readsOfR9()).toHaveLength(3);
    expect(readsOfR9().every((e) => e.viewer.personId === 'ada')).toBe(true);
  });

  it('keeps nothing when one subgraph of the answer promises nothing, or on errors', async () => {
    hints.shelf = 0;
    expect((await readsOf('ada', 2)).shelf).toBe(2);
    hints.shelf = 60;
    hints.library = 0;
    expect((await readsOf('ada', 2)).reader).toBe(2);
    hints.library = 60;
    const broken = await readsOf('ada', 2, '{ broken }', {});
    expect(broken.broken).toBe(2);
    expect(broken.answers[1]!.errors?.length).toBeGreaterThan(0);
  });

  it('keeps an answer no longer than the shortest max-age its subgraphs gave', async () => {
    hints.shelf = 1;
    expect((await readsOf('ada', 2)).reader).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await readsOf('ada', 1)).reader).toBe(1);
  });

  it('counts an answer’s max-age from when each subgraph answered, not from the end of the whole execution', async () => {
    hints.library = 1;
    const QUERY = '{ whoami slowShelf(ms: 1200) }';
    const before = reads.whoami;
    // The library answers at once and allows 1 s; the shelf answers 1.2 s later.
    expect((await ask('ada', QUERY)).data).toEqual({ whoami: 'ada', slowShelf: 'B2' });
    // Past the library's second by then: asked again (kept from the end, it would still be served).
    expect((await ask('ada', QUERY)).data).toEqual({ whoami: 'ada', slowShelf: 'B2' });
    expect(reads.whoami - before).toBe(2);
  });

  it('a change about a pupil: their guardians’ answers are forgotten too, nobody else’s', async () => {
    await readsOf('ada', 1);
    await readsOf('bob', 1);
    expect((await readsOf('ada', 1)).reader).toBe(0);
    feed.emit({ kind: 'person', personId: 'kid-1' });
    expect((await readsOf('ada', 1)).reader).toBe(1);
    expect((await readsOf('bob', 1)).reader).toBe(0);
  });

  it('a person’s mutation: their next read is fresh, and every instance is told', async () => {
    await readsOf('ada', 1);
    await readsOf('bob', 1);
    feed.announced.length = 0;
    const lent = await ask('ada', 'mutation { lend(reader: "r1", book: "Notre-Dame de Paris") }');
    expect(lent.data).toEqual({ lend: true });
    expect(feed.announced).toEqual(['ada']);
    const after = await readsOf('ada', 1);
    expect(after.reader).toBe(1);
    expect(after.answers[0]!.data).toEqual({ reader: { id: 'r1', loans: ['Les Misérables', 'Notre-Dame de Paris'], shelf: 'B2' } });
    // Bob's answer is his own: it ages out by its max-age, or goes with a change of the data.
    expect((await readsOf('bob', 1)).reader).toBe(0);
    feed.emit({ kind: 'person', personId: 'bob' });
    expect((await readsOf('bob', 1)).reader).toBe(1);
    loans.set('r1', ['Les Misérables']);
  });

  it('never keeps an answer read before the person’s own change landed', async () => {
    const SLOW = 'query Slow($id: ID!) { slowReader(id: $id, ms: 400) { id loans } }';
    const started = ask('ada', SLOW, { id: 'r1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await ask('ada', 'mutation { lend(reader: "r1", book: "Quatrevingt-treize") }')).data).toEqual({ lend: true });
    // Read before the loan, answered after it: served once, never kept.
    expect((await started).data).toEqual({ slowReader: { id: 'r1', loans: ['Les Misérables'] } });
    const again = await readsOf('ada', 1, SLOW, { id: 'r1' });
    expect(again.reader).toBe(1);
    expect(again.answers[0]!.data).toEqual({ slowReader: { id: 'r1', loans: ['Les Misérables', 'Quatrevingt-treize'] } });
    loans.set('r1', ['Les Misérables']);
  });

  it('never keeps a guardian’s answer read before a change about their child landed, their first answer included', async () => {
    const SLOW = 'query Slow($id: ID!) { slowReader(id: $id, ms: 400) { id loans } }';
    const started = ask('eve', SLOW, { id: 'r1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The pupil's own change (a homework ticked), announced while Eve's first answer is being read.
    feed.emit({ kind: 'person', personId: 'kid-2' });
    expect((await started).data).toEqual({ slowReader: { id: 'r1', loans: ['Les Misérables'] } });
    // Served once, never kept: her next read asks the subgraph; that one is kept.
    expect((await readsOf('eve', 1, SLOW, { id: 'r1' })).reader).toBe(1);
    expect((await readsOf('eve', 1, SLOW, { id: 'r1' })).reader).toBe(0);
  });

  it('one person asking many different questions keeps a share of the cache, and pushes out nobody else’s answers', async () => {
    expect((await readsOf('bob', 1)).reader).toBe(1);
    const PADDED = 'query Padded($tag: String!) { padded(bytes: 100000, tag: $tag) }';
    // Two megabytes of different answers, in a cache of one.
    for (let tag = 0; tag < 20; tag++) await ask('ada', PADDED, { tag: String(tag) });
    const readsFor = async (tag: number) => {
      const before = reads.padded;
      await ask('ada', PADDED, { tag: String(tag) });
      return reads.padded - before;
    };
    // Her first answers are kept, up to her share; the later ones are served, not kept.
    expect(await readsFor(0)).toBe(0);
    expect(await readsFor(19)).toBe(1);
    // Bob's answer, the oldest in the cache, is still there.
    expect((await readsOf('bob', 1)).reader).toBe(0);
  });

  it('a person’s answers that aged out no longer count in their share', async () => {
    hints.library = 1;
    const PADDED = 'query Padded($tag: String!) { padded(bytes: 100000, tag: $tag) }';
    for (let tag = 0; tag < 8; tag++) await ask('ada', PADDED, { tag: `aged-${tag}` });
    // Her share is full of answers kept for a second; once they are past it, a new one is kept.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await ask('ada', PADDED, { tag: 'after' });
    const before = reads.padded;
    await ask('ada', PADDED, { tag: 'after' });
    expect(reads.padded - before).toBe(0);
  });

  it('forgets everything when the data changes, and serves nothing while it is not told of changes', async () => {
    await readsOf('ada', 1);
    feed.emit({ kind: 'outbox' });
    expect((await readsOf('ada', 2)).reader).toBe(1);
    feed.listening = false;
    expect((await readsOf('ada', 2)).reader).toBe(2);
    feed.listening = true;
    feed.emit({ kind: 'all' }); // what a reconnected listener says
    await settled();
    expect((await readsOf('ada', 2)).reader).toBe(1);
  });

  it('after the directory changed, keeps nothing until the subgraphs’ own caches have surely heard it too, then keeps again', async () => {
    await readsOf('ada', 1);
    expect((await readsOf('ada', 1)).reader).toBe(0);
    feed.emit({ kind: 'directory' });
    // Forgotten, and not kept while settling: a subgraph may still answer from records it has not forgotten yet.
    expect((await readsOf('ada', 3)).reader).toBe(3);
    await settled();
    expect((await readsOf('ada', 3)).reader).toBe(1);
    // A lost and remade listening connection (`all`) settles the same way: changes may have been missed by all.
    feed.emit({ kind: 'all' });
    expect((await readsOf('ada', 2)).reader).toBe(2);
    await settled();
    expect((await readsOf('ada', 2)).reader).toBe(1);
  });
});

describe('what a subgraph allows', () => {
  it('reads max-age, and nothing when contradicted or unreadable', () => {
    expect(cacheableMaxAgeMs('max-age=60, private')).toBe(60_000);
    expect(cacheableMaxAgeMs('private, max-age=5')).toBe(5000);
    expect(cacheableMaxAgeMs('no-store')).toBeUndefined();
    expect(cacheableMaxAgeMs('max-age=60, no-store')).toBeUndefined();
    expect(cacheableMaxAgeMs('max-age=0, private')).toBeUndefined();
    expect(cacheableMaxAgeMs('max-age=60, max-age=5')).toBeUndefined();
    expect(cacheableMaxAgeMs('max-age=-1')).toBeUndefined();
    expect(cacheableMaxAgeMs(null)).toBeUndefined();
  });
});
