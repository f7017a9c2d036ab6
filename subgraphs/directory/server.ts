import { fileURLToPath } from 'node:url';
import type { Directory } from '../../connectors/directory/directory.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph, type SubgraphServerOptions } from '../kit/subgraph-server.ts';
import { directoryChangesAnnounced } from './backend.ts';
import { createDirectoryContext } from './context.ts';
import type { PerimeterOptions } from '../perimeter/perimeter.ts';
import { resolvers } from './resolvers.ts';

export const DIRECTORY_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export interface DirectorySubgraphOptions extends SubgraphServerOptions {
  directory: Directory;
  perimeter: PerimeterOptions;
}

export function startDirectorySubgraph(options: DirectorySubgraphOptions): Promise<StartedSubgraph> {
  return startSubgraph(
    {
      name: 'directory',
      typeDefs: loadTypeDefs(DIRECTORY_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      context: (request) => createDirectoryContext(options.directory, options.perimeter, request),
      reusableAnswers: directoryChangesAnnounced(options.directory),
    },
    options,
  );
}
