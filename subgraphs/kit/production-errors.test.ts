import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { ANONYMOUS } from '../../lib/viewer-context.ts';
import { routerHeaders, TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import { startSubgraph, type StartedSubgraph } from './subgraph-server.ts';

/** What a subgraph in production tells the router about its failures: nothing of its insides. */
describe('a production subgraph’s errors', () => {
  let subgraph: StartedSubgraph;
  beforeAll(async () => {
    subgraph = await startSubgraph(
      {
        name: 'noisy',
        typeDefs: parse(/* GraphQL */ `
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
          enum Mood {
            HAPPY
            GRUMPY
          }
          type Query {
            boom: String
            school: String
            mood(is: Mood): String
          }
        `),
        resolvers: {
          Query: {
            boom: () => {
              throw new Error('kaput');
            },
            school: () => 'Lycée',
            mood: () => 'ok',
          },
        },
        context: () => ({}),
        viewerContextKey: TEST_VIEWER_KEY,
        log: createLogger('noisy', 'silent'),
      },
      { port: 0, production: true },
    );
  });
  afterAll(() => subgraph?.close(0));

  const ask = async (body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    const response = await fetch(subgraph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await routerHeaders('noisy', ANONYMOUS, text)), ...extra },
      body: text,
    });
    return (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
      extensions?: Record<string, unknown>;
    };
  };

  it('carry no stack trace or exception', async () => {
    const body = await ask({ query: '{ boom }' });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).not.toHaveProperty('stacktrace');
    expect(body.errors![0]!.extensions).not.toHaveProperty('exception');
    expect(JSON.stringify(body)).not.toContain('subgraph-server');
  });

  it('come with no inline trace (ftv1), even when asked for one', async () => {
    const body = await ask({ query: '{ school }' }, { 'apollo-federation-include-trace': 'ftv1' });
    expect(body.data).toEqual({ school: 'Lycée' });
    expect(body.extensions?.ftv1).toBeUndefined();
  });

  it('suggest no field, argument or enum value names', async () => {
    for (const query of ['{ schol }', '{ mood(iss: HAPPY) }', '{ mood(is: HAPY) }']) {
      const body = await ask({ query });
      expect(body.errors?.length, query).toBeGreaterThan(0);
      expect(JSON.stringify(body.errors), query).not.toMatch(/Did you mean|school|HAPPY|"is"/);
    }
  });
});
