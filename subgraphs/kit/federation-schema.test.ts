import { execute, isUnionType, parse, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.ts';
import { embeddedSubgraphSources, schemaPathOf, SUBGRAPHS } from '../../schema/subgraphs.ts';
import { buildSubgraphSchema, FederationSchemaError, type SubgraphResolvers } from './federation-schema.ts';
import { loadTypeDefs } from './subgraph-server.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@interfaceObject"])';

async function run(schema: GraphQLSchema, query: string, variables?: Record<string, unknown>, contextValue: unknown = {}) {
  return (await execute({ schema, document: parse(query), variableValues: variables, contextValue })) as ExecutionResult<Record<string, any>>;
}

const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`;

describe('_service.sdl', () => {
  const subgraphs = SUBGRAPHS.map((s) => ({ ...s, typeDefs: loadTypeDefs(schemaPathOf(s.folder)) }));

  it('is each subgraph’s own SDL, as written (the document given is left as it was)', async () => {
    for (const { typeDefs, name } of subgraphs) {
      const written = print(typeDefs);
      const { data } = await run(buildSubgraphSchema(typeDefs, {}), '{ _service { sdl } }');
      expect(print(parse(data!._service.sdl)), name).toBe(written);
      expect(print(typeDefs), name).toBe(written);
    }
  });

  it('composes into the same supergraph as the schema files', async () => {
    const fromService = await Promise.all(
      embeddedSubgraphSources().map(async (source, i) => {
        const { data } = await run(buildSubgraphSchema(subgraphs[i]!.typeDefs, {}), '{ _service { sdl } }');
        return { ...source, typeDefs: data!._service.sdl as string };
      }),
    );
    expect(composeSupergraph(fromService)).toBe(composeSupergraph(embeddedSubgraphSources()));
  });
});

describe('the federation definitions', () => {
  const directives = (schema: GraphQLSchema) => schema.getDirectives().map((d) => d.name);

  it('are those of the linked version: imported names as imported, the others prefixed federation__', () => {
    const schema = buildSubgraphSchema(loadTypeDefs(schemaPathOf('directory')), {});
    expect(directives(schema)).toEqual(
      expect.arrayContaining(['key', 'shareable', 'authenticated', 'requiresScopes', 'policy', 'cost', 'listSize', 'inaccessible', 'link']),
    );
    expect(directives(schema)).toEqual(
      expect.arrayContaining(['federation__requires', 'federation__external', 'federation__tag', 'federation__interfaceObject']),
    );
    expect(directives(schema)).not.toContain('tag');
    for (const type of ['_Any', '_Service', 'federation__FieldSet', 'federation__Scope', 'federation__Policy', 'link__Import', 'link__Purpose'])
      expect(schema.getType(type), type).toBeDefined();
    // v2.6 has no @cost: a subgraph linking it cannot use it.
    const v26 = buildSubgraphSchema(loadTypeDefs(schemaPathOf('identity')), {});
    expect(directives(v26)).not.toContain('cost');
    expect(directives(v26)).not.toContain('federation__cost');
  });

  it('take a prefixed directive without import, an aliased import and a namespace of its own', async () => {
    const schema = buildSubgraphSchema(
      parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", as: "fed", import: [{ name: "@key", as: "@primaryKey" }, "FieldSet"])
        type Query { x: Int @fed__shareable }
        type School @primaryKey(fields: "uai") { uai: ID! }
      `),
      {},
    );
    expect(directives(schema)).toEqual(expect.arrayContaining(['primaryKey', 'fed__shareable', 'fed__requiresScopes']));
    expect(
      schema
        .getDirective('primaryKey')!
        .args.find((a) => a.name === 'fields')!
        .type.toString(),
    ).toBe('FieldSet!');
    const { data } = await run(schema, entities('... on School { uai }'), { r: [{ __typename: 'School', uai: '0750001A' }] });
    expect(data!._entities).toEqual([{ __typename: 'School', uai: '0750001A' }]);
  });

  it('refuse an SDL with no federation link, an unknown version or import, or a directive it does not define', () => {
    const build = (sdl: string) => () => buildSubgraphSchema(parse(sdl), {});
    expect(build('type Query { x: Int }')).toThrow(FederationSchemaError);
    expect(build('extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"]) type Query { x: Int }')).toThrow(/v2\.0 to v2\.9/);
    expect(build('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@cost"]) type Query { x: Int }')).toThrow(/no @cost/);
    expect(build('extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"]) type Query { x: Int @shareable }')).toThrow(
      /shareable/,
    );
  });
});

describe('_entities', () => {
  const typeDefs = parse(`
    ${LINK}
    type Query { people: [Person!]! }
    interface Person @key(fields: "id") { id: ID! name: String! }
    type Teacher implements Person @key(fields: "id") { id: ID! name: String! subject: String }
    type Pupil implements Person @key(fields: "id") { id: ID! name: String! className: String }
    type School @key(fields: "uai") { uai: ID! name: String }
    type Subject @key(fields: "code") { code: ID! }
    type Room { number: Int }
  `);
  const people: Record<string, { kind: 'teacher' | 'pupil'; id: string; name: string; subject?: string; className?: string }> = {
    t1: { kind: 'teacher', id: 't1', name: 'M. Durand', subject: 'maths' },
    p1: { kind: 'pupil', id: 'p1', name: 'Léa', className: '5EA' },
  };
  const schools: Record<string, { uai: string; name: string }> = { '0750001A': { uai: '0750001A', name: 'Lycée Victor Hugo' } };
  const calls: string[] = [];
  const resolvers: SubgraphResolvers<{ viewer: string }> = {
    Query: { people: () => Object.values(people) },
    Person: {
      __resolveType: (p: { kind: string }) => (p.kind === 'teacher' ? 'Teacher' : 'Pupil'),
      __resolveReference: (ref: { id: string }) => people[ref.id] ?? null,
    },
    Teacher: {
      __resolveReference: (ref: { id: string }, ctx: { viewer: string }) => {
        calls.push(`Teacher ${ref.id} for ${ctx.viewer}`);
        const person = people[ref.id];
        if (person?.kind !== 'teacher') throw new Error('not a teacher'); // synchronously, on purpose
        return person;
      },
    },
    School: { __resolveReference: async (ref: { uai: string }) => schools[ref.uai] ?? null },
  };
  const schema = buildSubgraphSchema(typeDefs, resolvers);
  const ask = (selection: string, r: unknown[]) => run(schema, entities(selection), { r }, { viewer: 'v1' });

  it('resolves each representation in order: by __resolveReference, or as itself for a type without one, null for none', async () => {
    const result = await ask('... on School { uai name } ... on Subject { code } ... on Teacher { name subject }', [
      { __typename: 'School', uai: '0750001A' },
      { __typename: 'Subject', code: '061300' },
      { __typename: 'School', uai: '0999999Z' },
      { __typename: 'Teacher', id: 't1' },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([
      { __typename: 'School', uai: '0750001A', name: 'Lycée Victor Hugo' },
      { __typename: 'Subject', code: '061300' },
      null,
      { __typename: 'Teacher', name: 'M. Durand', subject: 'maths' },
    ]);
    expect(calls).toContain('Teacher t1 for v1');
  });

  it('fails only the item whose type is unknown, not an entity, or whose representation is not one', async () => {
    const result = await ask('... on School { name }', [
      { __typename: 'Classroom', id: 'x' },
      { __typename: 'School', uai: '0750001A' },
      { __typename: 'Room', number: 1 },
      { uai: '0750001A' },
      'School',
    ]);
    expect(result.data!._entities).toEqual([null, { __typename: 'School', name: 'Lycée Victor Hugo' }, null, null, null]);
    expect(result.errors!.map((e) => [e.path, e.extensions.code])).toEqual([
      [['_entities', 0], 'UNKNOWN_ENTITY_TYPE'],
      [['_entities', 2], 'UNKNOWN_ENTITY_TYPE'],
      [['_entities', 3], 'INVALID_REPRESENTATION'],
      [['_entities', 4], 'INVALID_REPRESENTATION'],
    ]);
    expect(result.errors![0]!.message).toBe('This subgraph has no entity type "Classroom".');
  });

  it('fails only the item whose reference resolver throws, even synchronously', async () => {
    const result = await ask('... on Teacher { name }', [
      { __typename: 'Teacher', id: 'p1' },
      { __typename: 'Teacher', id: 't1' },
    ]);
    expect(result.data!._entities).toEqual([null, { __typename: 'Teacher', name: 'M. Durand' }]);
    expect(result.errors!.map((e) => [e.path, e.message])).toEqual([[['_entities', 0], 'not a teacher']]);
  });

  it('resolves an entity interface by its __resolveReference, then its __resolveType', async () => {
    const result = await ask('... on Person { id name } ... on Pupil { className }', [
      { __typename: 'Person', id: 'p1' },
      { __typename: 'Person', id: 't1' },
      { __typename: 'Person', id: 'nobody' },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([
      { __typename: 'Pupil', id: 'p1', name: 'Léa', className: '5EA' },
      { __typename: 'Teacher', id: 't1', name: 'M. Durand' },
      null,
    ]);
  });

  it('keeps the __resolveType of interfaces outside _entities, and leaves the resolvers’ objects as they were', async () => {
    const { data } = await run(schema, '{ people { __typename name } }');
    expect(data!.people).toEqual([
      { __typename: 'Teacher', name: 'M. Durand' },
      { __typename: 'Pupil', name: 'Léa' },
    ]);
    await ask('... on Pupil { id }', [{ __typename: 'Person', id: 'p1' }]);
    expect('__typename' in people.p1!).toBe(false);
  });

  it('has _Entity hold every object type with a @key, and no interface', () => {
    const union = schema.getType('_Entity');
    expect(
      isUnionType(union) &&
        union
          .getTypes()
          .map((t) => t.name)
          .sort(),
    ).toEqual(['Pupil', 'School', 'Subject', 'Teacher']);
  });

  it('is not there when the subgraph has no entity', () => {
    const schema = buildSubgraphSchema(parse(`${LINK} type Query { x: Int }`), {});
    expect(schema.getQueryType()!.getFields()._entities).toBeUndefined();
    expect(schema.getType('_Entity')).toBeUndefined();
    expect(schema.getQueryType()!.getFields()._service).toBeDefined();
  });

  it('adds a Query type to a subgraph that only contributes entity fields', async () => {
    const schema = buildSubgraphSchema(parse(`${LINK} type Pupil @key(fields: "id") { id: ID! average: Float }`), {
      Pupil: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, average: 14.5 }) },
    });
    const { data } = await run(schema, entities('... on Pupil { average }'), { r: [{ __typename: 'Pupil', id: 'p1' }] });
    expect(data!._entities).toEqual([{ __typename: 'Pupil', average: 14.5 }]);
  });

  it('refuses a __resolveReference on a type that is not an entity (it would never run)', () => {
    expect(() => buildSubgraphSchema(typeDefs, { Room: { __resolveReference: () => ({}) } })).toThrow(/Room is not an entity/);
  });
});

describe('an @interfaceObject', () => {
  const typeDefs: DocumentNode = parse(`
    ${LINK}
    type Query { viewer: Person }
    type Person @key(fields: "id") @interfaceObject { id: ID! sessions: Int! }
  `);
  const schema = buildSubgraphSchema(typeDefs, {
    Query: { viewer: () => ({ id: 'p1' }) },
    Person: {
      __resolveReference: (ref: { id: string }) => (ref.id === 'gone' ? null : { id: ref.id }),
      sessions: (p: { id: string }) => p.id.length,
    },
  });

  it('is an entity of its own name, resolved by its __resolveReference', async () => {
    const result = await run(schema, entities('... on Person { id sessions }'), {
      r: [
        { __typename: 'Person', id: 'p12' },
        { __typename: 'Person', id: 'gone' },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([{ __typename: 'Person', id: 'p12', sessions: 3 }, null]);
    const union = schema.getType('_Entity');
    expect(isUnionType(union) && union.getTypes().map((t) => t.name)).toEqual(['Person']);
  });
});
