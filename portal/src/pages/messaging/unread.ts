import { useClient } from '@urql/preact';
import { useCallback } from 'preact/hooks';
import { graphql } from '../../gql/index.ts';

/** The navigation's « Messagerie (3) »: received messages not yet opened. */
export const UnreadMessages = graphql(`
  query UnreadMessages {
    mailbox {
      unreadCount
    }
  }
`);

/**
 * Asks the unread count again (opening a message records its reading on the server, which no
 * mutation tells the client's document cache); every component showing it gets the new answer.
 */
export function useRefreshUnread(): () => void {
  const client = useClient();
  return useCallback(() => void client.query(UnreadMessages, {}, { requestPolicy: 'network-only' }).toPromise(), [client]);
}
