import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costRulesOf, declaredCost } from './operation-cost.ts';

/** A supergraph-like SDL with the cost spec's directives as composition writes them; no domain. */
const SDL = `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query { things: [Thing!] items(first: Int): [Item!] @listSize(slicingArguments: ["first"]) many: [Item!] @listSize(assumedSize: 10) node: Node }
  type Thing { id: ID! remote(from: String): [String!] @cost(weight: 100) cheap: String }
  type Item { id: ID! remote: String @cost(weight: 7) }
  type Node { next: Node remote: String @cost(weight: 1) }
  type Expensive @cost(weight: 30) { id: ID! }
  extend type Query { expensive: [Expensive!] }
`;
const schema = buildSchema(SDL);
const rules = costRulesOf(parse(SDL));
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return declaredCost(schema, document, operation, rules, variables);
};

describe('declared operation cost (@cost, @listSize)', () => {
  it('counts each alias of a costly field, and nothing for fields without a weight', () => {
    expect(cost('{ things { id cheap } }')).toBe(0);
    expect(cost('{ things { remote } }')).toBe(100);
    expect(cost(`{ things { ${Array.from({ length: 25 }, (_, i) => `r${i}: remote(from: "${i}")`).join(' ')} } }`)).toBe(2500);
  });

  it('multiplies what a list holds by its declared size: assumed, or its slicing argument (literal or variable)', () => {
    expect(cost('{ many { remote } }')).toBe(70);
    expect(cost('{ items(first: 3) { remote } }')).toBe(21);
    expect(cost('query($n: Int) { items(first: $n) { remote } }', { n: 50 })).toBe(350);
    expect(cost('{ items { remote } }')).toBe(7);
  });

  it('counts a type’s weight for each object of it', () => {
    expect(cost('{ expensive { id } }')).toBe(30);
  });

  it('counts fragments where they are spread, and a fragment spread many times nested stays fast to count', () => {
    expect(cost('{ things { ...T ... on Thing { remote } } } fragment T on Thing { remote }')).toBe(200);
    // Each level spreads the next one twice: 2^20 selections of a field of weight 1, counted without visiting them.
    const levels = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Node { a: next { ...F${i + 1} } b: next { ...F${i + 1} } }`).join(' ');
    const started = Date.now();
    expect(cost(`{ node { ...F0 } } ${levels} fragment F20 on Node { remote }`)).toBe(2 ** 20);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
