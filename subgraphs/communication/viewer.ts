import { GraphQLError } from 'graphql';
import type { Person } from '../../connectors/directory/model.ts';
import type { CommunicationContext } from './context.ts';

/**
 * Everything this subgraph serves is a person's (messages, notifications, the agenda): the viewer
 * must be one, logged in through a hub session. `what` says what was asked, in the error
 * (« to use the messaging »).
 */
export function personOf(ctx: CommunicationContext, what: string): string {
  const { viewer } = ctx;
  if (viewer.kind !== 'person' || !viewer.personId) throw new GraphQLError(`Log in as a person ${what}.`, { extensions: { code: 'UNAUTHENTICATED' } });
  return viewer.personId;
}

/** The viewer's own directory record (FORBIDDEN for a person the académie's directory no longer lists). */
export async function selfOf(ctx: CommunicationContext, what: string): Promise<Person> {
  personOf(ctx, what);
  const self = await ctx.perimeter.self();
  if (!self) throw new GraphQLError('You are not in the académie’s directory.', { extensions: { code: 'FORBIDDEN' } });
  return self;
}
