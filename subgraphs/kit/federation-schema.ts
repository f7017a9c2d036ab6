/**
 * An executable Apollo Federation 2 subgraph schema from a subgraph's SDL and resolvers: what the
 * Apollo Federation subgraph specification asks of a subgraph server
 * (https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/reference/subgraph-spec):
 *
 * - the definitions of the federation version the SDL links (`@link(url: ".../federation/v2.x")`):
 *   its directives and scalars, under their imported names or prefixed `federation__`, plus `@link`'s own;
 * - `Query._service { sdl }`: the subgraph's own SDL, as written (what composition reads);
 * - `Query._entities(representations:)`: the router's way in to an entity, each representation
 *   resolved by its type's `__resolveReference` (or standing for itself), in order.
 *
 * Ours rather than `@apollo/subgraph`'s: that one (2.14) needs `@apollo/federation-internals`, under
 * the Elastic License (not OSI-approved: see scripts/licences.ts), and 2.15 needs Node 22+. The schema
 * itself is graphql-tools' `makeExecutableSchema`; composition (`npm run compose`) validates what a
 * subgraph server needs not (keys naming real fields, directive placement across subgraphs…).
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import {
  defaultTypeResolver,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { HubError } from '../../lib/errors.ts';

/** A subgraph's resolver map (the codegen's `Resolvers` fits), `__resolveReference` of its entities included. */
export type SubgraphResolvers<TContext> = IResolvers<unknown, TContext>;

/** The SDL cannot make a subgraph schema: no or a bad federation `@link`, a reference resolver on a non-entity. */
export class FederationSchemaError extends HubError {
  static override readonly code = 'ERR_FEDERATION_SCHEMA';
}

/** The federation 2 versions this module defines: those @theguild/federation-composition composes. */
const LATEST_MINOR = 9;
const FEDERATION_URL = /^https:\/\/specs\.apollo\.dev\/federation\/v2\.(\d+)$/;

/**
 * The elements of the federation spec, from the version that introduced each, as the spec defines
 * them. `d` and `t` give the name a directive or type has in this subgraph (imported or prefixed).
 */
interface SpecElement {
  /** `@name` for a directive, `Name` for a type: how `import: [...]` names it. */
  readonly name: string;
  readonly since: number;
  sdl(names: { readonly d: (directive: string) => string; readonly t: (type: string) => string }, minor: number): string;
}

const AUTH_LOCATIONS = 'FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM';
const SPEC: readonly SpecElement[] = [
  { name: 'FieldSet', since: 0, sdl: ({ t }) => `scalar ${t('FieldSet')}` },
  {
    name: '@key',
    since: 0,
    sdl: ({ d, t }) => `directive ${d('@key')}(fields: ${t('FieldSet')}!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE`,
  },
  { name: '@requires', since: 0, sdl: ({ d, t }) => `directive ${d('@requires')}(fields: ${t('FieldSet')}!) on FIELD_DEFINITION` },
  { name: '@provides', since: 0, sdl: ({ d, t }) => `directive ${d('@provides')}(fields: ${t('FieldSet')}!) on FIELD_DEFINITION` },
  { name: '@external', since: 0, sdl: ({ d }) => `directive ${d('@external')}(reason: String) on OBJECT | FIELD_DEFINITION` },
  {
    name: '@tag',
    since: 0,
    sdl: ({ d }, minor) =>
      `directive ${d('@tag')}(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION${minor >= 3 ? ' | SCHEMA' : ''}`,
  },
  { name: '@extends', since: 0, sdl: ({ d }) => `directive ${d('@extends')} on OBJECT | INTERFACE` },
  { name: '@shareable', since: 0, sdl: ({ d }, minor) => `directive ${d('@shareable')}${minor >= 2 ? ' repeatable' : ''} on OBJECT | FIELD_DEFINITION` },
  {
    name: '@inaccessible',
    since: 0,
    sdl: ({ d }) =>
      `directive ${d('@inaccessible')} on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION`,
  },
  {
    name: '@override',
    since: 0,
    sdl: ({ d }, minor) => `directive ${d('@override')}(from: String!${minor >= 7 ? ', label: String' : ''}) on FIELD_DEFINITION`,
  },
  { name: '@composeDirective', since: 1, sdl: ({ d }) => `directive ${d('@composeDirective')}(name: String) repeatable on SCHEMA` },
  { name: '@interfaceObject', since: 3, sdl: ({ d }) => `directive ${d('@interfaceObject')} on OBJECT` },
  { name: '@authenticated', since: 5, sdl: ({ d }) => `directive ${d('@authenticated')} on ${AUTH_LOCATIONS}` },
  { name: 'Scope', since: 5, sdl: ({ t }) => `scalar ${t('Scope')}` },
  { name: '@requiresScopes', since: 5, sdl: ({ d, t }) => `directive ${d('@requiresScopes')}(scopes: [[${t('Scope')}!]!]!) on ${AUTH_LOCATIONS}` },
  { name: 'Policy', since: 6, sdl: ({ t }) => `scalar ${t('Policy')}` },
  { name: '@policy', since: 6, sdl: ({ d, t }) => `directive ${d('@policy')}(policies: [[${t('Policy')}!]!]!) on ${AUTH_LOCATIONS}` },
  { name: 'ContextFieldValue', since: 8, sdl: ({ t }) => `scalar ${t('ContextFieldValue')}` },
  { name: '@context', since: 8, sdl: ({ d }) => `directive ${d('@context')}(name: String!) repeatable on INTERFACE | OBJECT | UNION` },
  { name: '@fromContext', since: 8, sdl: ({ d, t }) => `directive ${d('@fromContext')}(field: ${t('ContextFieldValue')}) on ARGUMENT_DEFINITION` },
  {
    name: '@cost',
    since: 9,
    sdl: ({ d }) => `directive ${d('@cost')}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR`,
  },
  {
    name: '@listSize',
    since: 9,
    sdl: ({ d }) =>
      `directive ${d('@listSize')}(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION`,
  },
];

/** The link spec's own definitions (https://specs.apollo.dev/link/v1.0), which `@link` needs. */
const LINK_SDL = `
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
enum link__Purpose {
  "\`SECURITY\` features provide metadata necessary to securely resolve fields."
  SECURITY
  "\`EXECUTION\` features provide metadata necessary for operation execution."
  EXECUTION
}`;

/** What the subgraph's federation `@link` says: which version, and the local name of each element. */
interface FederationLink {
  readonly minor: number;
  /** The name an element (`@key`, `FieldSet`) has in this subgraph, without the `@`. */
  localName(element: string): string;
}

/**
 * Builds the executable subgraph schema: the SDL with the federation definitions added, the
 * resolvers, and the `_service` and `_entities` root fields with theirs.
 */
export function buildSubgraphSchema<TContext>(typeDefs: DocumentNode, resolvers: SubgraphResolvers<TContext>): GraphQLSchema {
  const link = federationLink(typeDefs);
  // What the SDL defines itself (directives as `@name`): its own definitions win over the spec's.
  const defined = new Set(
    typeDefs.definitions.flatMap((d) =>
      d.kind === Kind.DIRECTIVE_DEFINITION ? [`@${d.name.value}`] : 'name' in d && d.name && !isExtension(d) ? [d.name.value] : [],
    ),
  );
  const definedHere = (d: DefinitionNode) => 'name' in d && !!d.name && defined.has(d.kind === Kind.DIRECTIVE_DEFINITION ? `@${d.name.value}` : d.name.value);
  const keyDirective = link.localName('@key');
  const hasKey = (node: DefinitionNode) => 'directives' in node && (node.directives ?? []).some((d) => d.name.value === keyDirective);
  const entityObjects = namesOf(typeDefs, (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && hasKey(d));
  const entityInterfaces = namesOf(typeDefs, (d) => (d.kind === Kind.INTERFACE_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_EXTENSION) && hasKey(d));
  const queryName = queryTypeName(typeDefs);
  const queryDeclared = typeDefs.definitions.some(
    (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === queryName,
  );

  const names = { d: (directive: string) => `@${link.localName(directive)}`, t: (type: string) => link.localName(type) };
  const specDefinitions = parse([...SPEC.filter((e) => e.since <= link.minor).map((e) => e.sdl(names, link.minor)), LINK_SDL].join('\n')).definitions;
  const additions = [
    ...specDefinitions.filter((d) => !definedHere(d)).map((d) => print(d)),
    'scalar _Any',
    'type _Service { sdl: String }',
    ...(entityObjects.size ? [`union _Entity = ${[...entityObjects].join(' | ')}`] : []),
    `${queryDeclared ? 'extend type' : 'type'} ${queryName} {
      ${entityObjects.size ? '_entities(representations: [_Any!]!): [_Entity]!' : ''}
      _service: _Service!
    }`,
  ];

  const entities = new Set([...entityObjects, ...entityInterfaces]);
  const referenceResolvers = new Map<string, ReferenceResolver<TContext>>();
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const resolveReference = referenceResolverIn(typeResolvers);
    if (!resolveReference) continue;
    // Only the router's _entities calls it, and only for an entity: anywhere else it would never run.
    if (!entities.has(typeName))
      throw new FederationSchemaError(`${typeName}.__resolveReference is given, but ${typeName} is not an entity (no @key) of this subgraph`);
    referenceResolvers.set(typeName, resolveReference);
  }

  const sdl = print(typeDefs);
  const typenames = new EntityTypenames();
  const resolveEntity = entityResolver(entities, referenceResolvers, typenames);
  const federationResolvers: SubgraphResolvers<TContext> = {
    [queryName]: {
      _service: () => ({ sdl }),
      ...(entityObjects.size
        ? {
            _entities: (_: unknown, args: { representations: readonly unknown[] }, context: TContext, info: GraphQLResolveInfo) =>
              args.representations.map((r) => resolveEntity(r, context, info)),
          }
        : {}),
    },
    ...(entityObjects.size ? { _Entity: { __resolveType: (entity: Record<string, unknown>) => typenames.of(entity) } } : {}),
  };
  // A copy of the SDL: graphql-tools' merge writes into the documents it is given (the schema
  // extension gains operation types), and the caller's document is not ours to change.
  return makeExecutableSchema<TContext>({ typeDefs: [parse(sdl), parse(additions.join('\n'))], resolvers: [resolvers, federationResolvers] });
}

type ReferenceResolver<TContext> = (reference: Record<string, unknown>, context: TContext, info: GraphQLResolveInfo) => unknown;

function referenceResolverIn<TContext>(typeResolvers: unknown): ReferenceResolver<TContext> | undefined {
  if (typeof typeResolvers !== 'object' || typeResolvers === null || !('__resolveReference' in typeResolvers)) return undefined;
  const resolveReference = typeResolvers.__resolveReference;
  if (typeof resolveReference !== 'function') throw new FederationSchemaError('__resolveReference must be a function');
  return (reference, context, info) => resolveReference.call(typeResolvers, reference, context, info) as unknown;
}

/**
 * Resolves one representation to its entity (or null), each on its own: it is async, so that a
 * resolver throwing, even synchronously, fails its own item (null, with its error at its index) and
 * not the whole batch, which may hold other people's entities.
 */
function entityResolver<TContext>(
  entities: ReadonlySet<string>,
  referenceResolvers: ReadonlyMap<string, ReferenceResolver<TContext>>,
  typenames: EntityTypenames,
) {
  const withTypename = (entity: Record<string, unknown>, typename: string) => typenames.tag(entity, typename);
  return async (representation: unknown, context: TContext, info: GraphQLResolveInfo): Promise<object | null> => {
    if (!isRecord(representation) || typeof representation.__typename !== 'string') {
      throw new GraphQLError('An entity representation is an object with a __typename.', { extensions: { code: 'INVALID_REPRESENTATION' } });
    }
    const typename = representation.__typename;
    const type = info.schema.getType(typename);
    if (!entities.has(typename) || !(isObjectType(type) || isInterfaceType(type))) {
      throw new GraphQLError(`This subgraph has no entity type "${typename}".`, { extensions: { code: 'UNKNOWN_ENTITY_TYPE' } });
    }
    takeCacheHintOf(type, info);
    const resolveReference = referenceResolvers.get(typename);
    const entity = asEntity(resolveReference ? await resolveReference(representation, context, info) : representation, typename);
    if (entity === null || isObjectType(type)) return entity && withTypename(entity, typename);
    // An entity interface (@key on an interface): its __resolveType says which object the entity is,
    // whose own __resolveReference then runs if the interface has none.
    const concreteType = await concreteTypeOf(entity, type, context, info);
    takeCacheHintOf(concreteType, info);
    const runtimeType = concreteType.name;
    const concreteResolver = resolveReference ? undefined : referenceResolvers.get(runtimeType);
    const concrete = concreteResolver ? asEntity(await concreteResolver(withTypename(entity, runtimeType), context, info), runtimeType) : entity;
    return concrete && withTypename(concrete, runtimeType);
  };
}

/** What Apollo Server's cache-control plugin puts on `info` (the part of @apollo/cache-control-types used here). */
interface CacheControlOfField {
  cacheHint: { restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
  cacheHintFromType(type: GraphQLCompositeType): { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' } | undefined;
}

/**
 * `_entities` answers with the `@cacheControl` hint of each entity type it resolves, as
 * @apollo/subgraph does (its fields returning scalars inherit it), the smallest of them winning. Stricter
 * than @apollo/subgraph: a type without a maxAge of its own makes the fetch uncacheable, rather than
 * letting its fields inherit another type's hint (subgraphs/kit/answer-freshness.ts, the principle).
 */
function takeCacheHintOf(type: GraphQLCompositeType, info: GraphQLResolveInfo): void {
  const cacheControl = (info as GraphQLResolveInfo & { cacheControl?: CacheControlOfField }).cacheControl;
  if (!cacheControl?.cacheHint) return;
  const hint = cacheControl.cacheHintFromType(type);
  cacheControl.cacheHint.restrict({ maxAge: hint?.maxAge ?? 0, ...(hint?.scope ? { scope: hint.scope } : {}) });
}

async function concreteTypeOf<TContext>(
  entity: Record<string, unknown>,
  type: GraphQLInterfaceType,
  context: TContext,
  info: GraphQLResolveInfo,
): Promise<GraphQLObjectType> {
  const name = await (type.resolveType ?? defaultTypeResolver)(entity, context, info, type);
  const runtimeType = typeof name === 'string' ? info.schema.getType(name) : undefined;
  if (!isObjectType(runtimeType) || !info.schema.isSubType(type, runtimeType)) {
    throw new GraphQLError(`The entity of interface "${type.name}" resolved to "${String(name)}", which is not one of its object types.`, {
      extensions: { code: 'INVALID_ENTITY' },
    });
  }
  return runtimeType;
}

function asEntity(value: unknown, typename: string): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (!isRecord(value)) throw new GraphQLError(`The reference resolver of "${typename}" returned no object.`, { extensions: { code: 'INVALID_ENTITY' } });
  return value;
}

/**
 * Which object type each entity `_entities` returns is, for `_Entity`'s `__resolveType`: kept beside
 * the resolver's object rather than written on it, since that object may be shared (a cached model)
 * and is not ours to change. An entry is never overwritten: an object already known as another type
 * (or saying another `__typename`) is answered by a copy that says its type.
 */
class EntityTypenames {
  private readonly typenames = new WeakMap<object, string>();

  tag(entity: Record<string, unknown>, typename: string): Record<string, unknown> {
    if (entity.__typename === typename) return entity;
    const known = this.typenames.get(entity);
    if (known === typename) return entity;
    if (known !== undefined || '__typename' in entity) return { ...entity, __typename: typename };
    this.typenames.set(entity, typename);
    return entity;
  }

  of(entity: Record<string, unknown>): string | undefined {
    return typeof entity.__typename === 'string' ? entity.__typename : this.typenames.get(entity);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExtension(node: DefinitionNode): boolean {
  return node.kind.endsWith('Extension');
}

function namesOf(typeDefs: DocumentNode, predicate: (node: DefinitionNode) => boolean): Set<string> {
  return new Set(typeDefs.definitions.flatMap((d) => (predicate(d) && 'name' in d && d.name ? [d.name.value] : [])));
}

function schemaDirectives(typeDefs: DocumentNode): DirectiveNode[] {
  return typeDefs.definitions.flatMap((d) => (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION ? [...(d.directives ?? [])] : []));
}

function queryTypeName(typeDefs: DocumentNode): string {
  for (const d of typeDefs.definitions) {
    if (d.kind !== Kind.SCHEMA_DEFINITION && d.kind !== Kind.SCHEMA_EXTENSION) continue;
    const query = d.operationTypes?.find((o) => o.operation === 'query');
    if (query) return query.type.name.value;
  }
  return 'Query';
}

/** Reads the one `@link` to the federation spec: its version, its namespace (`as`) and its imports. */
export function federationLink(typeDefs: DocumentNode): FederationLink {
  const links = schemaDirectives(typeDefs)
    .filter((d) => d.name.value === 'link')
    .map((d) => ({ directive: d, url: stringArgument(d, 'url') }))
    .filter((l) => l.url?.startsWith('https://specs.apollo.dev/federation/'));
  if (links.length !== 1) {
    throw new FederationSchemaError(
      links.length === 0
        ? 'the subgraph SDL links no federation spec: add `extend schema @link(url: "https://specs.apollo.dev/federation/v2.x", import: [...])`'
        : 'the subgraph SDL links the federation spec more than once',
    );
  }
  const { directive, url } = links[0]!;
  const minor = Number(FEDERATION_URL.exec(url!)?.[1] ?? Number.NaN);
  if (!(minor >= 0 && minor <= LATEST_MINOR)) {
    throw new FederationSchemaError(`unsupported federation spec ${url}: this subgraph kit implements federation v2.0 to v2.${LATEST_MINOR}`);
  }
  const namespace = stringArgument(directive, 'as') ?? 'federation';
  const known = new Set(SPEC.filter((e) => e.since <= minor).map((e) => e.name));
  const imported = new Map<string, string>();
  const importArgument = directive.arguments?.find((a) => a.name.value === 'import')?.value;
  for (const item of importArgument?.kind === Kind.LIST ? importArgument.values : []) {
    const { name, as } = importItem(item);
    if (!known.has(name)) throw new FederationSchemaError(`federation v2.${minor} has no ${name} to import`);
    if (name.startsWith('@') !== as.startsWith('@')) throw new FederationSchemaError(`${name} cannot be imported as ${as}`);
    imported.set(name, as.replace(/^@/, ''));
  }
  return { minor, localName: (element) => imported.get(element) ?? `${namespace}__${element.replace(/^@/, '')}` };
}

/** An import is `"@key"` or `{ name: "@key", as: "@primaryKey" }`. */
function importItem(item: ValueNode): { name: string; as: string } {
  if (item.kind === Kind.STRING) return { name: item.value, as: item.value };
  if (item.kind === Kind.OBJECT) {
    const field = (key: string) => {
      const value = item.fields.find((f) => f.name.value === key)?.value;
      return value?.kind === Kind.STRING ? value.value : undefined;
    };
    const name = field('name');
    if (name) return { name, as: field('as') ?? name };
  }
  throw new FederationSchemaError(`a federation import is "@name" or { name: "@name", as: "@alias" }, not ${print(item)}`);
}

function stringArgument(directive: DirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
