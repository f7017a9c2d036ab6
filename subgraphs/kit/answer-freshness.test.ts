import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LdapDirectory } from '../../connectors/directory/ldap/ldap-directory.ts';
import { LdapPool } from '../../connectors/directory/ldap/ldap-pool.ts';
import { createLogger } from '../../lib/logger.ts';
import { ANONYMOUS } from '../../lib/viewer-context.ts';
import { demoAcademie } from '../../test/helpers/demo-academie.ts';
import { askSubgraph } from '../../test/helpers/subgraph-request.ts';
import { TEST_VIEWER_KEY } from '../../test/helpers/viewer.ts';
import { directoryChangesAnnounced } from '../directory/backend.ts';
import { AnswerFreshness, answerFreshnessPlugin, carryingFreshness } from './answer-freshness.ts';
import { buildSubgraphSchema } from './federation-schema.ts';
import { startSubgraph } from './subgraph-server.ts';

const SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  enum CacheControlScope { PUBLIC PRIVATE }
  type Query { school(uai: ID!): School }
  type School @key(fields: "uai") @cacheControl(maxAge: 60, scope: PRIVATE) { uai: ID! name: String! }
  type Room @key(fields: "id") @cacheControl(maxAge: 20, scope: PRIVATE) { id: ID! }
  type Message @key(fields: "id") { id: ID! }
`);

interface Context {
  /** What is left of the life of the cache entry the School was read from (ms); none read when absent. */
  leftMs?: number;
  freshness: AnswerFreshness;
}

/** The header Apollo Server would send for this operation. */
async function cacheControlOf(query: string, variables: Record<string, unknown> = {}, leftMs?: number): Promise<string | undefined> {
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema<Context>(SDL, {
      Query: {
        school: (_: unknown, { uai }: { uai: string }, ctx: Context) => {
          if (ctx.leftMs !== undefined) ctx.freshness.readFrom(ctx.leftMs);
          return { uai, name: 'Collège' };
        },
      },
      School: { name: () => 'Collège' },
    }),
    plugins: [answerFreshnessPlugin<Context>()],
  });
  await server.start();
  try {
    const freshness = new AnswerFreshness();
    const response = await server.executeOperation({ query, variables }, { contextValue: carryingFreshness({ leftMs, freshness }, freshness) });
    return response.http.headers.get('cache-control');
  } finally {
    await server.stop();
  }
}

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on School { name } ... on Room { id } ... on Message { id } } }';

describe('cache hints through the kit', () => {
  it('_entities takes the hint of the entity types it resolves, the smallest winning', async () => {
    expect(await cacheControlOf(ENTITIES, { r: [{ __typename: 'School', uai: '0750001A' }] })).toBe('max-age=60, private');
    expect(
      await cacheControlOf(ENTITIES, {
        r: [
          { __typename: 'School', uai: '0750001A' },
          { __typename: 'Room', id: 'r1' },
        ],
      }),
    ).toBe('max-age=20, private');
  });

  it('_entities of a type without a hint is not reusable, whatever the other types say', async () => {
    expect(
      await cacheControlOf(ENTITIES, {
        r: [
          { __typename: 'School', uai: '0750001A' },
          { __typename: 'Message', id: 'm1' },
        ],
      }),
    ).toBe('no-store');
  });

  it('an answer is reused no longer than what is left of the cache entries it read (whole seconds, rounded down), nor longer than its schema says', async () => {
    const query = '{ school(uai: "0750001A") { name } }';
    expect(await cacheControlOf(query)).toBe('max-age=60, private');
    expect(await cacheControlOf(query, {}, 12_999)).toBe('max-age=12, private');
    expect(await cacheControlOf(query, {}, 600_000)).toBe('max-age=60, private');
    expect(await cacheControlOf(query, {}, 0)).toBe('no-store');
  });

  it('a subgraph whose data changes unannounced (reusableAnswers: false) says no-store whatever its hints', async () => {
    const started = await Promise.all(
      [true, false].map((reusableAnswers) =>
        startSubgraph<object>(
          {
            name: 'schools',
            typeDefs: SDL,
            resolvers: { Query: { school: (_: unknown, { uai }: { uai: string }) => ({ uai, name: 'Collège' }) } },
            context: () => ({}),
            viewerContextKey: TEST_VIEWER_KEY,
            log: createLogger('schools', 'silent'),
            reusableAnswers,
          },
          { port: 0, host: '127.0.0.1' },
        ),
      ),
    );
    try {
      const [announced, unannounced] = await Promise.all(started.map((s) => askSubgraph(s, 'schools', ANONYMOUS, '{ school(uai: "0750001A") { name } }')));
      expect(announced!.cacheControl).toBe('max-age=60, private');
      expect(unannounced!.body.data.school.name).toBe('Collège');
      expect(unannounced!.cacheControl).toBe('no-store');
    } finally {
      await Promise.all(started.map((s) => s.close(0)));
    }
  });

  it('only a directory whose every change the router hears of (the AAF backend’s tables) makes reusable answers; LDAP does not', async () => {
    expect(directoryChangesAnnounced((await demoAcademie()).directory)).toBe(true);
    const ldap = new LdapDirectory(new LdapPool({ url: 'ldap://127.0.0.1:1', bindDn: 'cn=hub', password: 'unused', base: 'dc=example' }));
    expect(directoryChangesAnnounced(ldap)).toBe(false);
  });
});
