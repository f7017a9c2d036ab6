import { mapAsyncIterator } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { LiveStreamLimitError, type LiveChange } from '../../store/live-updates.ts';
import type { CommunicationContext, ViewerUpdateRef } from './context.ts';
import type { Resolvers } from './generated/resolvers-types.ts';
import { personOf } from './viewer.ts';

const CHANGE_NAMES = { messages: 'MESSAGES', notifications: 'NOTIFICATIONS', resync: 'RESYNC' } as const;

/**
 * `Subscription.viewerUpdates`: the viewer's own stream of changes (store/live-updates.ts), each
 * update resolved against the store as it is then. Only ever the viewer's: the person comes from
 * the router's signed context, no argument names anyone.
 *
 * The stream is followed at once, so a refusal (too many streams) is the subscription's error, and
 * mapped rather than wrapped in an async generator: a generator waiting for a quiet person's next
 * change could not be stopped when the page closes, and would hold its place for ever.
 */
function updatesOf(ctx: CommunicationContext): AsyncIterableIterator<{ viewerUpdates: ViewerUpdateRef }> {
  const personId = personOf(ctx, 'to follow your messages and notifications');
  let stream: AsyncIterableIterator<readonly LiveChange[]>;
  try {
    stream = ctx.live.follow(personId);
  } catch (error) {
    if (error instanceof LiveStreamLimitError) throw new GraphQLError(error.message, { extensions: { code: 'TOO_MANY_STREAMS', scope: error.scope } });
    throw error;
  }
  return mapAsyncIterator(stream, (changes) => ({ viewerUpdates: { personId, changes: changes.map((c) => CHANGE_NAMES[c]) } }));
}

export const liveUpdateResolvers: Resolvers = {
  Subscription: {
    viewerUpdates: { subscribe: (_, __, ctx) => updatesOf(ctx) },
  },
  ViewerUpdate: {
    changes: (update) => [...update.changes],
    unreadNotifications: (update, _, ctx) => ctx.notifications.unreadCount(update.personId),
    unreadMessages: (update, _, ctx) => ctx.messages.unreadCount(update.personId),
  },
};
