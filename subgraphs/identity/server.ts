import { fileURLToPath } from 'node:url';
import type { AuditStore } from '../../store/journal/event.ts';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { SessionStore } from '../../store/sessions/session.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph, type SubgraphServerOptions } from '../kit/subgraph-server.ts';
import { directoryChangesAnnounced } from '../directory/backend.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';
import { resolvers } from './resolvers.ts';
import type { DataExportService } from './context.ts';
import { dataExportRoute } from './data-export-route.ts';

export const IDENTITY_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function startIdentitySubgraph(
  options: SubgraphServerOptions & {
    sessions: SessionStore;
    audit: AuditStore;
    /** The directory and perimeter the other subgraphs decide from: a guardian's children are its answer. */
    directory: Directory;
    perimeter: PerimeterOptions;
    /** The right of access (requests, links, the download route); without it the mutations say it is unavailable. */
    dataExports?: DataExportService;
  },
): Promise<StartedSubgraph> {
  return startSubgraph(
    {
      name: 'identity',
      typeDefs: loadTypeDefs(IDENTITY_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      // Who may see whom is read from the directory at each request.
      reusableAnswers: directoryChangesAnnounced(options.directory),
      context: ({ viewer, requestId }) => ({
        viewer,
        requestId,
        sessions: options.sessions,
        audit: options.audit,
        perimeter: new Perimeter(viewer, options.directory, options.perimeter),
        dataExports: options.dataExports,
      }),
      publicRoutes: options.dataExports ? [dataExportRoute({ exports: options.dataExports.store, journal: options.audit, log: options.log })] : [],
    },
    options,
  );
}
