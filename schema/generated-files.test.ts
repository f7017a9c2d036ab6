import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.ts';
import { CompositionError, composeGraph, composeSupergraph } from './compose.ts';
import { PUBLIC_SCHEMA_PATH, SUPERGRAPH_PATH, embeddedSubgraphSources } from './subgraphs.ts';

const ROOT = join(import.meta.dirname, '..');

describe('generated files are up to date (CI fails when they are stale)', () => {
  it('schema/supergraph.graphql and schema/public.graphql are what `npm run compose` makes of the subgraph schemas', () => {
    const fresh = composeGraph(embeddedSubgraphSources());
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8') === fresh.supergraphSdl, 'schema/supergraph.graphql is stale: run `npm run compose` and commit it').toBe(true);
    expect(readFileSync(PUBLIC_SCHEMA_PATH, 'utf8') === fresh.publicSdl, 'schema/public.graphql is stale: run `npm run compose` and commit it').toBe(true);
  });

  it('the typed resolvers are what `npm run codegen` makes of the subgraph schemas', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: ROOT, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const checkedIn = readFileSync(join(ROOT, output.filename), 'utf8');
      expect(checkedIn === output.content, `${output.filename} is stale: run \`npm run codegen\` and commit it`).toBe(true);
    }
  });
});

describe('composition', () => {
  it('fails with the composer’s own message', () => {
    const a = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
      type School @key(fields: "uai") { uai: ID! name: String! }  type Query { a: School }`;
    const b = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
      type School @key(fields: "uai") { uai: ID! name: Int! }`;
    let error: unknown;
    try {
      composeSupergraph([
        { name: 'a', url: 'http://127.0.0.1:1/graphql', typeDefs: a },
        { name: 'b', url: 'http://127.0.0.1:2/graphql', typeDefs: b },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompositionError);
    expect((error as CompositionError).messages.join('\n')).toMatch(/School\.name/);
  });

  it('copies the authorization directives into the supergraph', () => {
    const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
    expect(supergraph).toMatch(/birthDate: String .*@requiresScopes\(scopes: \[\["directory:identity:read"\]\]\)/);
    expect(supergraph).toMatch(/me: Person .*@authenticated/);
  });
});
