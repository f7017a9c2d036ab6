import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, type SubgraphSource } from '../../schema/compose.ts';

/**
 * Composes subgraphs into `supergraph.graphql` in a fresh temporary folder, as a router under test
 * reads it; the folder is the test's own for anything else (an audit directory, say).
 */
export function composedSupergraphFile(prefix: string, subgraphs: SubgraphSource[]): { dir: string; supergraphPath: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeSupergraph(subgraphs));
  return { dir, supergraphPath };
}
