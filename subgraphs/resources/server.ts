import { fileURLToPath } from 'node:url';
import type { GarClient } from '../../connectors/gar/gar-client.ts';
import { garPersonId } from '../../connectors/gar/pseudonym.ts';
import type { Logger } from '../../lib/logger.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph } from '../kit/subgraph-server.ts';
import type { ResourcesContext } from './context.ts';
import { resolvers } from './resolvers.ts';

export const RESOURCES_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function startResourcesSubgraph(options: {
  gar: GarClient;
  /** The secret of the pseudonymous GAR ids: the same as the export's. */
  pseudonymSecret: string;
  viewerContextKey: Uint8Array;
  log: Logger;
  port: number;
  host?: string;
  production?: boolean;
}): Promise<StartedSubgraph> {
  return startSubgraph<ResourcesContext>(
    {
      name: 'resources',
      typeDefs: loadTypeDefs(RESOURCES_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      context: ({ viewer, requestId }) => ({
        viewer,
        requestId,
        gar: options.gar,
        // Pupils, teachers and staff are in the GAR export; guardians are not.
        garPersonId: viewer.kind === 'person' && viewer.personId && viewer.profile !== 'guardian' ? garPersonId(options.pseudonymSecret, viewer.personId) : undefined,
      }),
    },
    { port: options.port, host: options.host, production: options.production },
  );
}
