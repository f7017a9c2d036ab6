import { GraphQLError } from 'graphql';
import { InvalidJournalCursorError } from '../../store/journal/event.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import { DATA_EXPORT_ROUTE_PREFIX } from './data-export-route.ts';
import type { IdentityContext } from './context.ts';
import type { Profile, Resolvers } from './generated/resolvers-types.ts';

const PROFILE: Record<NonNullable<IdentityContext['viewer']['profile']>, Profile> = {
  student: 'STUDENT',
  guardian: 'GUARDIAN',
  teacher: 'TEACHER',
  staff: 'STAFF',
};

/** The identity subgraph speaks only of the viewer: a person logged in through a hub session. */
function personViewer(ctx: IdentityContext) {
  const { viewer } = ctx;
  if (viewer.kind !== 'person' || !viewer.personId || !viewer.profile) {
    throw new GraphQLError('Log in as a person to use this.', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return viewer as typeof viewer & { personId: string; profile: NonNullable<typeof viewer.profile> };
}

const iso = (ms: number) => new Date(ms).toISOString();

function dataExportsOf(ctx: IdentityContext) {
  if (!ctx.dataExports) throw new GraphQLError('Data exports are not available on this hub.', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  return ctx.dataExports;
}

export const resolvers: Resolvers = {
  Query: {
    viewer: (_, __, ctx) => personViewer(ctx),
  },
  Mutation: {
    endSession: async (_, { id }, ctx) => {
      const viewer = personViewer(ctx);
      // By public id (what `viewer { sessions { id } }` shows): the store finds no session by its secret.
      const session = await ctx.sessions.get(id);
      // Someone else's session id gets the same answer as an unknown one.
      if (!session || session.personId !== viewer.personId) return false;
      await ctx.sessions.delete(id);
      return true;
    },
    endOtherSessions: async (_, __, ctx) => {
      const viewer = personViewer(ctx);
      const others = (await ctx.sessions.listByPerson(viewer.personId)).filter((s) => s.id !== viewer.sessionId);
      await Promise.all(others.map((s) => ctx.sessions.delete(s.id)));
      return others.length;
    },
    requestDataExport: async (_, { personId: asked }, ctx) => {
      const viewer = personViewer(ctx);
      const exports = dataExportsOf(ctx);
      const personId = asked ?? viewer.personId;
      // One's own data, or a child's for their responsable légal (as the directory says now); no hint why not.
      if (personId !== viewer.personId && !(await ctx.perimeter.isGuardianOf(personId))) {
        throw new GraphQLError('Forbidden: you may ask for your own data or your children’s.', { extensions: { code: 'FORBIDDEN' } });
      }
      try {
        const requested = await exports.store.request({ personId, requestedBy: viewer.personId, requestId: ctx.requestId }, exports.config.perDay);
        exports.wake();
        return requested;
      } catch (error) {
        if (!(error instanceof QuotaExceededError)) throw error;
        const message =
          error.quota === 'dataExportsInProgress'
            ? 'An export of this person’s data is already being prepared.'
            : `At most ${error.limit} exports a day: try again tomorrow.`;
        throw new GraphQLError(message, { extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit } });
      }
    },
    dataExportLink: async (_, { id }, ctx) => {
      const viewer = personViewer(ctx);
      const exports = dataExportsOf(ctx);
      // The right is checked again now, from the directory: a parent who lost legal authority since
      // asking gets no link (the only way to the document), whatever was produced meanwhile.
      const asked = (await exports.store.requestedBy(viewer.personId)).find((e) => e.id === id);
      if (!asked || (asked.personId !== viewer.personId && !(await ctx.perimeter.isGuardianOf(asked.personId)))) return null;
      const link = await exports.store.issueLink(id, viewer.personId, exports.config.linkMs);
      return link ? { path: `${DATA_EXPORT_ROUTE_PREFIX}${link.token}`, expiresAt: link.expiresAt.toISOString() } : null;
    },
  },
  Viewer: {
    person: (v) => ({ id: v.personId! }),
    profile: (v) => PROFILE[v.profile!],
    functions: (v) => v.functions ?? [],
    schools: (v) => (v.schools ?? []).map((uai) => ({ uai })),
    // From the directory at each request: a parent who lost legal authority last night has no such child now.
    children: async (_, __, ctx) => (await ctx.perimeter.childIds()).map((id) => ({ id })),
    session: async (v, _, ctx) => (v.sessionId ? ((await ctx.sessions.get(v.sessionId)) ?? null) : null),
    sessions: async (v, _, ctx) => (await ctx.sessions.listByPerson(v.personId!)).sort((a, b) => b.lastSeenAt - a.lastSeenAt),
    loginHistory: (v, { first }, ctx) => ctx.sessions.loginHistory(v.personId!, Math.min(Math.max(first ?? 20, 1), 100)),
    dataExports: (v, _, ctx) => (ctx.dataExports ? ctx.dataExports.store.requestedBy(v.personId!) : []),
    accessLog: async (v, { personId, first, after }, ctx) => {
      const target = personId ?? v.personId!;
      // One's own journal, or a child's for their responsable légal; nothing else, and no hint why.
      if (target !== v.personId && !(await ctx.perimeter.isGuardianOf(target))) {
        throw new GraphQLError('Forbidden: you may read your own access journal or your children’s.', { extensions: { code: 'FORBIDDEN' } });
      }
      try {
        return await ctx.audit.about(target, Math.min(Math.max(first ?? 50, 1), 200), after ?? undefined);
      } catch (error) {
        if (error instanceof InvalidJournalCursorError)
          throw new GraphQLError('Invalid `after`: use the `cursor` of an event this journal returned.', { extensions: { code: 'BAD_USER_INPUT' } });
        throw error;
      }
    },
  },
  DataExport: {
    person: (e) => ({ id: e.personId }),
    status: (e) => e.status.toUpperCase() as Uppercase<typeof e.status>,
    requestedAt: (e) => e.requestedAt.toISOString(),
    readyAt: (e) => e.readyAt?.toISOString() ?? null,
    expiresAt: (e) => e.expiresAt?.toISOString() ?? null,
  },
  AccessEvent: {
    accessor: (e) => (e.viewer.personId ? { id: e.viewer.personId } : null),
    accessorProfile: (e) => e.viewer.profile ?? null,
    serviceClient: (e) => e.viewer.clientId ?? null,
    operationName: (e) => e.operationName ?? null,
    outcome: (e) => e.outcome.toUpperCase(),
    count: (e) => e.count ?? 1,
  },
  Session: {
    current: (s, _, ctx) => s.id === ctx.viewer.sessionId,
    identityProvider: (s) => s.idp,
    kind: (s) => (s.transport === 'cookie' ? 'WEB' : 'APP'),
    createdAt: (s) => iso(s.createdAt),
    lastSeenAt: (s) => iso(s.lastSeenAt),
    userAgent: (s) => s.userAgent ?? null,
  },
  LoginEvent: {
    at: (e) => iso(e.at),
    identityProvider: (e) => e.idp,
    outcome: (e) => e.outcome,
    userAgent: (e) => e.userAgent ?? null,
  },
  Person: {
    // Only the viewer's own person is ever referenced from here; the directory owns the rest.
    __resolveReference: (ref) => ({ id: ref.id }),
  },
};
