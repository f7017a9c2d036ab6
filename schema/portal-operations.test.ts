import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PORTAL_PERSISTED_DOCUMENTS } from '../scripts/portal-build.ts';
import { composeGraph } from './compose.ts';
import { embeddedSubgraphSources, type SubgraphName } from './subgraphs.ts';

/** The portal's registered operations (graphql-codegen's client preset), by hash. */
const operations = Object.entries(JSON.parse(readFileSync(PORTAL_PERSISTED_DOCUMENTS, 'utf8')) as Record<string, string>);

/** What each operation of the portal would get wrong on the graph composed from these subgraph schemas. */
function brokenOperations(schema: GraphQLSchema): string[] {
  return operations.flatMap(([, document]) => {
    const parsed = parse(document);
    const errors = validate(schema, parsed);
    const operation = parsed.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const name = operation?.name?.value ?? 'anonymous';
    return errors.map((e) => `${name}: ${e.message}`);
  });
}

const composedWith = (change?: { subgraph: SubgraphName; edit: (sdl: string) => string }) =>
  buildSchema(
    composeGraph(embeddedSubgraphSources().map((s) => (change && s.name === change.subgraph ? { ...s, typeDefs: change.edit(s.typeDefs as string) } : s)))
      .publicSdl,
  );

describe('the portal’s operations against the graph (a subgraph change that breaks one fails here)', () => {
  it('registers its operations, and every one is valid on the graph composed from today’s subgraph schemas', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
    expect(brokenOperations(composedWith())).toEqual([]);
  });

  it('a subgraph that renames a field the portal reads breaks the portal’s operation, named', () => {
    const withoutTimetable = composedWith({
      subgraph: 'vie-scolaire',
      edit: (sdl) => sdl.replace('  timetable(from: String, to: String): [Lesson!]', '  lessons(from: String, to: String): [Lesson!]'),
    });
    const broken = brokenOperations(withoutTimetable);
    expect(broken.some((b) => b.startsWith('GuardianHome: ') && b.includes('timetable'))).toBe(true);
    expect(broken.some((b) => b.startsWith('PupilHome: ') && b.includes('timetable'))).toBe(true);
  });
});
