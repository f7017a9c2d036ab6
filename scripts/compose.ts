/** `npm run compose`: composes every subgraph's schema into schema/supergraph.graphql. */
import { writeFileSync } from 'node:fs';
import { CompositionError, composeSupergraph } from '../schema/compose.ts';
import { SUPERGRAPH_PATH, embeddedSubgraphSources } from '../schema/subgraphs.ts';

try {
  const sources = embeddedSubgraphSources();
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph(sources));
  process.stdout.write(`composed ${sources.map((s) => s.name).join(', ')} into ${SUPERGRAPH_PATH}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof CompositionError ? error.message : String(error)}\n`);
  process.exit(1);
}
