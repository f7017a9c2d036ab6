import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubgraphSource } from './compose.ts';

/** Every subgraph of the hub: its name in the supergraph, its SDL, and its port in the embedded setup. */
export const SUBGRAPHS = [
  { name: 'directory', folder: 'directory', port: 4001 },
  { name: 'identity', folder: 'identity', port: 4002 },
  { name: 'resources', folder: 'resources', port: 4003 },
  { name: 'vie-scolaire', folder: 'vie-scolaire', port: 4004 },
  { name: 'communication', folder: 'communication', port: 4005 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const SUPERGRAPH_PATH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));
/** The graph as its clients see it (written with the supergraph by `npm run compose`): frontends generate their types from it. */
export const PUBLIC_SCHEMA_PATH = fileURLToPath(new URL('./public.graphql', import.meta.url));

export function schemaPathOf(folder: string): string {
  return fileURLToPath(new URL(`../subgraphs/${folder}/schema.graphql`, import.meta.url));
}

/**
 * The subgraphs as composed into the checked-in supergraph: the embedded setup's loopback URLs.
 * A deployment keeps this file and points the router elsewhere with ROUTER_SUBGRAPH_URL_<NAME>.
 */
export function embeddedSubgraphSources(): SubgraphSource[] {
  return SUBGRAPHS.map((s) => ({
    name: s.name,
    url: `http://127.0.0.1:${s.port}/graphql`,
    typeDefs: readFileSync(schemaPathOf(s.folder), 'utf8'),
  }));
}
