import { useClient } from '@urql/preact';
import { useCallback } from 'preact/hooks';
import { graphql } from '../gql/index.ts';

/**
 * The navigation's counters in one light request: « Messagerie (3) » (received messages not yet
 * opened) and « Notifications (2) » (unread notifications). Asked again at each change of page;
 * each part may be null on its own (the graph answers what it can), the other still shows.
 */
export const NavigationCounts = graphql(`
  query NavigationCounts {
    mailbox {
      unreadCount
    }
    viewer {
      unreadNotifications
    }
  }
`);

/**
 * Asks the counters again (opening a message or a notification records its reading on the server,
 * which no mutation result tells the client's document cache); every component showing them gets the new answer.
 */
export function useRefreshCounts(): () => void {
  const client = useClient();
  return useCallback(() => void client.query(NavigationCounts, {}, { requestPolicy: 'network-only' }).toPromise(), [client]);
}
