/**
 * Whose data an operation reads or writes is declared in the schema, not written in router code:
 * `@auditSubject` on a type (its objects are people: their `id` names them) and on an argument or
 * input field (its value is the id of the person a mutation concerns), composed into the supergraph.
 */
import { putBearerSession } from '../../test/helpers/sessions.ts';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { AuditEvent, AuditStore } from '../../store/journal/event.ts';
import { startSubgraph } from '../../subgraphs/kit/subgraph-server.ts';
import { composedSupergraphFile } from '../../test/helpers/supergraph-file.ts';
import { until } from '../../test/helpers/until.ts';
import { TEST_VIEWER_KEY, TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';
import { routerConfigFromEnv } from '../config.ts';
import { startRouter } from '../router.ts';

/** A subgraph of another domain than the hub's: none of its names is known to the router. */
const libraryTypeDefs = parse(/* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@composeDirective"])
    @link(url: "https://ent-hub.example/audit/v1.0", import: ["@auditSubject"])
    @composeDirective(name: "@auditSubject")

  directive @auditSubject on OBJECT | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION

  type Query {
    reader(id: ID!): Reader
  }
  type Mutation {
    lend(reader: ID! @auditSubject, book: ID!, borrower: ID): Boolean @authenticated
    fine(input: FineInput!): Boolean @authenticated
  }
  input FineInput {
    amount: Int!
    payer: PayerInput!
  }
  input PayerInput {
    member: ID! @auditSubject
  }
  type Reader @key(fields: "id") @auditSubject {
    id: ID!
    name: String!
    loans: [String!] @authenticated
  }
`);

/** The library subgraph behind a router of its own, journaling into memory; `ask` is a signed-in librarian. */
async function libraryHub(typeDefs: DocumentNode) {
  const appended: AuditEvent[] = [];
  const store: AuditStore = { append: async (events) => void appended.push(...events), about: async () => [] };
  const library = await startSubgraph(
    {
      name: 'library',
      typeDefs,
      viewerContextKey: TEST_VIEWER_KEY,
      log: createLogger('library'),
      context: () => ({}),
      resolvers: {
        Query: { reader: (_: unknown, { id }: { id: string }) => ({ id, name: 'Ada', loans: ['b1'] }) },
        Mutation: { lend: () => true, fine: () => true },
      },
    },
    { port: 0 },
  );
  const { dir, supergraphPath } = composedSupergraphFile('hub-audit-subject-', [{ name: 'library', url: library.graphqlUrl, typeDefs }]);
  const config = routerConfigFromEnv({ ROUTER_METRICS_PORT: '0', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, 'audit') });
  // No subject type configured: the schema says which they are.
  const router = await startRouter({ ...config, port: 0, supergraphPath, audit: { ...config.audit, subjectTypes: [] } }, createLogger('router'), {
    auditStore: store,
  });
  async function ask(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
    const id = 'audit-subject-librarian';
    await putBearerSession(router.sessions, { id, personId: 'librarian-1', profile: 'staff' });
    const response = await fetch(router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer hubs_${id}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  }
  const eventFor = async (field: string) => {
    await until(async () => appended.some((e) => e.fields.includes(field)));
    return appended.find((e) => e.fields.includes(field))!;
  };
  const close = async () => {
    await router.stop();
    await library.close(0);
  };
  return { ask, eventFor, close };
}

describe('the journal’s subjects come from the schema', () => {
  let hub: Awaited<ReturnType<typeof libraryHub>>;
  beforeAll(async () => {
    hub = await libraryHub(libraryTypeDefs);
  });
  afterAll(() => hub?.close());
  const ask = (query: string, variables?: Record<string, unknown>) => hub.ask(query, variables);
  const eventFor = (field: string) => hub.eventFor(field);

  it('a mutation argument carrying @auditSubject names the person journaled, not the viewer', async () => {
    const answer = await ask('mutation($who: ID!) { lend(reader: $who, book: "b-9", borrower: "someone-else") }', { who: 'reader-42' });
    expect(answer).toEqual({ data: { lend: true } });
    const event = await eventFor('Mutation.lend');
    expect(event).toMatchObject({ outcome: 'allowed', targets: ['reader-42'], viewer: { personId: 'librarian-1' } });
  });

  it('an input field carrying @auditSubject, however deep, names the person journaled', async () => {
    const answer = await ask('mutation { fine(input: { amount: 2, payer: { member: "reader-7" } }) }');
    expect(answer).toEqual({ data: { fine: true } });
    expect(await eventFor('Mutation.fine')).toMatchObject({ outcome: 'allowed', targets: ['reader-7'] });
  });

  it('a type carrying @auditSubject: its objects’ ids are the people whose guarded fields were read', async () => {
    const answer = await ask('{ reader(id: "reader-5") { name loans } }');
    expect(answer).toEqual({ data: { reader: { name: 'Ada', loans: ['b1'] } } });
    expect(await eventFor('Reader.loans')).toMatchObject({ outcome: 'allowed', targets: ['reader-5'] });
  });
});

describe('a supergraph that marks no subject (composed elsewhere, or by an older version)', () => {
  let hub: Awaited<ReturnType<typeof libraryHub>>;
  beforeAll(async () => {
    // The same library, its schema without a single @auditSubject.
    hub = await libraryHub(
      parse(/* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated"])
        type Query {
          reader(id: ID!): Reader
        }
        type Mutation {
          lend(reader: ID!, book: ID!, borrower: ID): Boolean @authenticated
          fine(input: FineInput!): Boolean @authenticated
        }
        input FineInput {
          amount: Int!
          payer: PayerInput!
        }
        input PayerInput {
          member: ID!
        }
        type Reader @key(fields: "id") {
          id: ID!
          name: String!
          loans: [String!] @authenticated
        }
      `),
    );
  });
  afterAll(() => hub?.close());

  it('still journals every guarded mutation, naming the viewer', async () => {
    expect(await hub.ask('mutation { lend(reader: "reader-42", book: "b-9") }')).toEqual({ data: { lend: true } });
    expect(await hub.eventFor('Mutation.lend')).toMatchObject({ outcome: 'allowed', targets: ['librarian-1'] });
  });
});
