import { fileURLToPath } from 'node:url';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { Logger } from '../../lib/logger.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph } from '../kit/subgraph-server.ts';
import { createDirectoryContext } from './context.ts';
import type { PerimeterOptions } from '../perimeter/perimeter.ts';
import { resolvers } from './resolvers.ts';

export const DIRECTORY_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export interface DirectorySubgraphOptions {
  directory: Directory;
  perimeter: PerimeterOptions;
  viewerContextKey: Uint8Array;
  log: Logger;
  port: number;
  host?: string;
  production?: boolean;
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
    },
    { port: options.port, host: options.host, production: options.production },
  );
}
