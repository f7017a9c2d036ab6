import { useSubscription } from '@urql/preact';
import { useEffect, useRef } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import type { ViewerChange } from '../gql/graphql.ts';
import { useRefreshCounts } from './counters.ts';

/** What changes for the viewer, as it happens: Server-Sent Events through the router. */
export const LiveUpdates = graphql(`
  subscription LiveUpdates {
    viewerUpdates {
      changes
    }
  }
`);

/** The pages listening for a kind of change (the inbox for MESSAGES, the notifications for NOTIFICATIONS). */
const listeners = new Set<(changes: readonly ViewerChange[]) => void>();

/** The first wait before following again after the stream ended; doubled each time it ends without an update. */
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 5 * 60_000;

/**
 * Follows the viewer's updates while the page is open (once, in the layout): the navigation's
 * counters are asked again at each update, and the pages listening (`useOnLiveChange`) read again.
 * The stream ends now and then (after an hour the router closes it so that what it may show is
 * decided anew; a network change; a restart): it is opened again after a wait that grows while it
 * keeps failing, and at once when the tab is shown again. An ended session is the client's
 * business (graphql/client.ts sends to the login).
 */
export function useLiveUpdates(): void {
  const [result, followAgain] = useSubscription({ query: LiveUpdates });
  const refreshCounts = useRefreshCounts();
  const retryMs = useRef(FIRST_RETRY_MS);
  const wasFollowing = useRef(false);

  const changes = result.data?.viewerUpdates.changes;
  useEffect(() => {
    if (!changes) return;
    retryMs.current = FIRST_RETRY_MS;
    refreshCounts();
    for (const listener of listeners) listener(changes);
  }, [changes, refreshCounts]);

  useEffect(() => {
    if (result.fetching) {
      wasFollowing.current = true;
      return;
    }
    if (!wasFollowing.current) return;
    wasFollowing.current = false;
    const wait = retryMs.current;
    retryMs.current = Math.min(wait * 2, LAST_RETRY_MS);
    const timer = setTimeout(() => followAgain(), wait);
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      clearTimeout(timer);
      followAgain();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [result.fetching, followAgain]);
}

/** Calls `then` when a live update says `kind` changed (or that everything must be read again). */
export function useOnLiveChange(kind: Exclude<ViewerChange, 'RESYNC'>, then: () => void): void {
  const latest = useRef(then);
  latest.current = then;
  useEffect(() => {
    const listener = (changes: readonly ViewerChange[]) => {
      if (changes.includes(kind) || changes.includes('RESYNC')) latest.current();
    };
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [kind]);
}
