import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { RESERVED_NAME_CODE, ReservedNamesRule } from './use-reserved-names.ts';

const schema = buildSchema(`
  type Query { pupil(id: ID): Pupil }
  type Pupil { id: ID! name: String grades: [Int] }
`);
const refusals = (query: string) => validate(schema, parse(query), [...specifiedRules, ReservedNamesRule]).map((e) => [e.extensions.code ?? null, e.message]);

describe('reserved names (`__…`) in operations', () => {
  it('refuses an alias, an operation, a fragment or a variable whose name begins with "__", with BAD_USER_INPUT', () => {
    for (const [query, kind] of [
      ['{ pupil { __hub_audit_id: name id } }', 'alias'],
      ['{ pupil { __typename: name } }', 'alias'],
      ['{ __x: pupil { id } }', 'alias'],
      ['query __Q { pupil { id } }', 'operation'],
      ['query Q($__id: ID) { pupil(id: $__id) { id } }', 'variable'],
      ['{ pupil { ...__F } } fragment __F on Pupil { id }', 'fragment'],
    ] as const) {
      const errors = refusals(query);
      expect(errors, query).toHaveLength(1);
      expect(errors[0]![0], query).toBe(RESERVED_NAME_CODE);
      expect(errors[0]![1], query).toMatch(new RegExp(`^The ${kind} name "__\\w+" is reserved`));
    }
  });

  it('accepts ordinary names, names with "__" inside, and the introspection fields themselves', () => {
    for (const query of [
      '{ pupil { a_b: name x__y: id __typename } }',
      'query Q_1($id: ID) { pupil(id: $id) { ...F } } fragment F on Pupil { id }',
      '{ __typename }',
    ]) {
      expect(refusals(query), query).toEqual([]);
    }
  });

  it('cuts a long reserved name in the message', () => {
    const [[, message]] = refusals(`{ pupil { __${'a'.repeat(5000)}: id } }`) as [[unknown, string]];
    expect(message.length).toBeLessThan(200);
  });
});
