import { fileURLToPath } from 'node:url';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { GarClient } from '../../connectors/gar/gar-client.ts';
import { garPersonId } from '../../connectors/gar/pseudonym.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph, type SubgraphServerOptions } from '../kit/subgraph-server.ts';
import { directoryChangesAnnounced } from '../directory/backend.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';
import type { ResourcesContext } from './context.ts';
import { resolvers } from './resolvers.ts';

export const RESOURCES_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function startResourcesSubgraph(
  options: SubgraphServerOptions & {
    gar: GarClient;
    /** Who holds which function in which school (the GAR assignment role is per school). */
    directory: Directory;
    perimeter: PerimeterOptions;
    /** The secret of the pseudonymous GAR ids: the same as the export's. */
    pseudonymSecret: string;
  },
): Promise<StartedSubgraph> {
  return startSubgraph<ResourcesContext>(
    {
      name: 'resources',
      typeDefs: loadTypeDefs(RESOURCES_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      // Who may see whom is read from the directory at each request.
      reusableAnswers: directoryChangesAnnounced(options.directory),
      context: ({ viewer, requestId, freshness }) => ({
        viewer,
        requestId,
        freshness,
        gar: options.gar,
        directory: options.directory,
        perimeter: new Perimeter(viewer, options.directory, options.perimeter),
        // Pupils, teachers and staff are in the GAR export; guardians are not.
        garPersonId:
          viewer.kind === 'person' && viewer.personId && viewer.profile !== 'guardian' ? garPersonId(options.pseudonymSecret, viewer.personId) : undefined,
        garIdOf: (personId) => garPersonId(options.pseudonymSecret, personId),
      }),
    },
    options,
  );
}
