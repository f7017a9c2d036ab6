import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { idProblem, operationInputs } from './operation-inputs.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    person(id: ID!): String
    people(ids: [ID!]): String
    feed(feedId: String, text: String): String
    flagged(on: Boolean = true, id: ID = "default-id"): String
  }
  input Filter {
    uai: ID
    search: String
  }
  type Mutation {
    find(filter: Filter): String
  }
`);
const inputs = (query: string, variableValues: Record<string, unknown> = {}) => operationInputs({ schema, document: parse(query), variableValues });

describe('operation inputs', () => {
  it('accepts every real id shape', () => {
    for (const id of [
      '1000050',
      'ENT$1234567',
      '0750001A:3EME A',
      '0750001A:A-1000050-2026-11-02',
      '0750001A:N-1000050-061300-T1-3',
      'ark:/86527/res-0001',
      '5f0c3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
      '0750001A:1ère S',
    ]) {
      expect(idProblem(id), id).toBeUndefined();
    }
  });

  it('applies the operation’s defaults and coerces, as the executor will', () => {
    expect(inputs('query($v: Boolean = true, $ids: [ID!]) { person(id: "1") @include(if: $v) people(ids: $ids) }', { ids: 7 })).toEqual({
      ok: true,
      variables: { v: true, ids: ['7'] },
    });
    expect(inputs('query($v: Boolean = true) { person(id: "1") @include(if: $v) }', { v: null })).toEqual({ ok: true, variables: { v: null } });
  });

  it('refuses, with BAD_USER_INPUT, what the executor would refuse and malformed ids anywhere', () => {
    const refused = (query: string, variables: Record<string, unknown> = {}) => {
      const result = inputs(query, variables);
      expect(result.ok, query).toBe(false);
      if (!result.ok)
        expect(
          result.errors.map((e) => e.extensions.code),
          query,
        ).toEqual(result.errors.map(() => 'BAD_USER_INPUT'));
      return result;
    };
    refused('query($v: Boolean = true) { person(id: "1") @include(if: $v) }', { v: 'yes' });
    refused('query($id: ID!) { person(id: $id) }');
    refused('query($ids: [ID!]) { people(ids: $ids) }', { ids: ['1', 'x'.repeat(300)] });
    refused('{ feed(feedId: "a\\u0000b") }'); // a String named like an id
    refused('mutation($f: Filter) { find(filter: $f) }', { f: { uai: '\u202E0750001A' } });
    refused('{ a: person(id: "1") b: person(id: "2\\n") }');
    // The error never carries the value.
    const huge = refused('query($id: ID!) { person(id: $id) }', { id: 'z'.repeat(1_000_000) });
    expect(JSON.stringify(huge).length).toBeLessThan(1000);
  });

  it('leaves other strings alone, and skips what does not run', () => {
    expect(inputs('{ feed(text: "any\\ntext") }').ok).toBe(true);
    expect(inputs('{ person(id: "x\\n") @skip(if: true) }').ok).toBe(true);
  });
});
