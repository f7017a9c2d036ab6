import { fileURLToPath } from 'node:url';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import type { LiveUpdates } from '../../store/live-updates.ts';
import type { PostgresMessageStore } from '../../store/messaging/postgres-store.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { loadTypeDefs, startSubgraph, type StartedSubgraph, type SubgraphServerOptions } from '../kit/subgraph-server.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';
import { Audience } from './audience.ts';
import { DEFAULT_MESSAGING, type MessagingConfig } from './config.ts';
import { resolvers } from './resolvers.ts';
import { attachmentLinkKey, attachmentRoute } from './attachment-route.ts';

export const COMMUNICATION_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

export function startCommunicationSubgraph(
  options: SubgraphServerOptions & {
    messages: PostgresMessageStore;
    notifications: PostgresNotificationStore;
    agenda: PostgresAgendaStore;
    /** The database's word on each person's changes, for `Subscription.viewerUpdates`. */
    live: LiveUpdates;
    /** Who may write to whom comes from the same directory and perimeter as every subgraph's. */
    directory: Directory;
    perimeter: PerimeterOptions;
    config?: MessagingConfig;
  },
): Promise<StartedSubgraph> {
  const config = options.config ?? DEFAULT_MESSAGING;
  const linkKey = attachmentLinkKey(options.viewerContextKey);
  return startSubgraph(
    {
      name: 'communication',
      typeDefs: loadTypeDefs(COMMUNICATION_SCHEMA_PATH),
      resolvers,
      viewerContextKey: options.viewerContextKey,
      log: options.log,
      context: ({ viewer, requestId }) => {
        const perimeter = new Perimeter(viewer, options.directory, options.perimeter);
        return {
          viewer,
          requestId,
          messages: options.messages,
          notifications: options.notifications,
          agenda: options.agenda,
          live: options.live,
          directory: options.directory,
          perimeter,
          audience: new Audience(perimeter, options.directory, { ...options.perimeter, pupilToPupil: config.pupilToPupil }),
          config,
          attachmentLinkKey: linkKey,
        };
      },
      publicRoutes: [attachmentRoute({ key: linkKey, messages: options.messages, log: options.log })],
      maxStreamMs: config.live.maxStreamMs,
    },
    options,
  );
}
