/** `npm run compose`: composes every subgraph's schema into schema/supergraph.graphql (the router's) and schema/public.graphql (the clients'). */
import { writeFileSync } from 'node:fs';
import { CompositionError, composeGraph } from '../schema/compose.ts';
import { PUBLIC_SCHEMA_PATH, SUPERGRAPH_PATH, embeddedSubgraphSources } from '../schema/subgraphs.ts';

try {
  const sources = embeddedSubgraphSources();
  const { supergraphSdl, publicSdl } = composeGraph(sources);
  writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
  writeFileSync(PUBLIC_SCHEMA_PATH, publicSdl);
  process.stdout.write(`composed ${sources.map((s) => s.name).join(', ')} into ${SUPERGRAPH_PATH} and ${PUBLIC_SCHEMA_PATH}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof CompositionError ? error.message : String(error)}\n`);
  process.exit(1);
}
