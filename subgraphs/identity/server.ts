import { fileURLToPath } from 'node:url';
import type { AuditStore } from '../../connectors/audit/event.ts';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { SessionStore } from '../../connectors/sessions/session.ts';
import type { Logger } from '../../lib/logger.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph } from '../kit/subgraph-server.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';
import { resolvers } from './resolvers.ts';

export const IDENTITY_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function startIdentitySubgraph(options: {
  sessions: SessionStore;
  audit: AuditStore;
  /** The directory and perimeter the other subgraphs decide from: a guardian's children are its answer. */
  directory: Directory;
  perimeter: PerimeterOptions;
  viewerContextKey: Uint8Array;
  log: Logger;
  port: number;
  host?: string;
  production?: boolean;
}): Promise<StartedSubgraph> {
  return startSubgraph(
    {
      name: 'identity',
      typeDefs: loadTypeDefs(IDENTITY_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      context: ({ viewer, requestId }) => ({
        viewer,
        requestId,
        sessions: options.sessions,
        audit: options.audit,
        perimeter: new Perimeter(viewer, options.directory, options.perimeter),
      }),
    },
    { port: options.port, host: options.host, production: options.production },
  );
}
