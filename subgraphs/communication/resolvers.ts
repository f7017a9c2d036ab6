import { GraphQLError } from 'graphql';
import { displayNameOf } from '../../connectors/directory/model.ts';
import type { OpenedMessage, SignatureRow } from '../../store/messaging/message.ts';
import { InvalidMessageCursorError } from '../../store/messaging/postgres-store.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import { hasHiddenCharacters } from '../../lib/text.ts';
import { attachmentPath } from './attachment-route.ts';
import { badInput, LIMITS, sendMessage } from './compose.ts';
import type { CommunicationContext } from './context.ts';
import type { Folder, Resolvers } from './generated/resolvers-types.ts';
import { notificationResolvers } from './notifications.ts';
import { agendaResolvers } from './agenda.ts';
import { personOf as viewerPerson, selfOf as viewerSelf } from './viewer.ts';

/** The messaging's own words in the errors of `personOf` and `selfOf` (viewer.ts). */
const MESSAGING = 'to use the messaging';
const personOf = (ctx: CommunicationContext) => viewerPerson(ctx, MESSAGING);
const selfOf = (ctx: CommunicationContext) => viewerSelf(ctx, MESSAGING);

const iso = (date: Date) => date.toISOString();

/** A quota the store refused, said to the person (QUOTA_EXCEEDED, which one, its limit); any other error as it is. */
function quotaError(error: unknown): unknown {
  if (!(error instanceof QuotaExceededError)) return error;
  const what = error.quota === 'messagesPerDay' ? `${error.limit} messages` : `${error.limit} bytes of attachments`;
  return new GraphQLError(`At most ${what} a day: try again tomorrow.`, { extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit } });
}

/** An ISO date (`2026-11-23`) or date-time argument, or a BAD_USER_INPUT naming it. */
function dateArgument(name: string, value: string | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw badInput(`${name} must be an ISO date (2026-11-23) or date-time, got ${JSON.stringify(value.slice(0, 40))}.`);
  return date;
}
const FOLDERS: Record<Folder, 'inbox' | 'sent' | 'trash'> = { INBOX: 'inbox', SENT: 'sent', TRASH: 'trash' };

function liaisonOf(rows: SignatureRow[]) {
  const children = new Map<
    string,
    { child: { id: string; displayName: string }; signatures: { guardian: { id: string; displayName: string }; signedAt: string | null }[] }
  >();
  for (const row of rows) {
    const entry = children.get(row.childId) ?? { child: { id: row.childId, displayName: row.childName }, signatures: [] };
    entry.signatures.push({ guardian: { id: row.guardianId, displayName: row.guardianName }, signedAt: row.signedAt && iso(row.signedAt) });
    children.set(row.childId, entry);
  }
  return { children: [...children.values()], asked: rows.length, signed: rows.filter((r) => r.signedAt).length };
}

export const resolvers: Resolvers = {
  Viewer: notificationResolvers.Viewer,
  Query: {
    ...notificationResolvers.Query,
    ...agendaResolvers.Query,
    mailbox: (_, __, ctx) => ({ personId: personOf(ctx) }),
    message: async (_, { id }, ctx) => (await ctx.messages.open(id, personOf(ctx))) ?? null,
    reportedMessages: async (_, { first }, ctx) => {
      personOf(ctx);
      const size = first ?? 20;
      if (size < 1 || size > LIMITS.recipientsPage) throw badInput(`first must be from 1 to ${LIMITS.recipientsPage}.`);
      // The schools the viewer directs now, from the directory: a scope granted elsewhere shows nothing.
      return ctx.messages.reportsFor(await ctx.audience.directedSchools(), size);
    },
    recipients: async (_, { search, first }, ctx) => {
      personOf(ctx);
      const text = search.trim();
      if (text.length > LIMITS.search) throw badInput(`Search with at most ${LIMITS.search} characters.`);
      if (hasHiddenCharacters(text)) throw badInput('The search holds characters that are not text.');
      if (text.length < LIMITS.searchMin) throw badInput('Type at least two letters.');
      const limit = Math.min(Math.max(first ?? 20, 1), LIMITS.recipientsPage);
      const { lists, people } = await ctx.audience.search(text, limit);
      return [
        ...lists.map((l) => ({ id: l.id, name: l.name, kind: 'LIST' as const, profile: null })),
        ...people.map((p) => ({ id: p.id, name: displayNameOf(p), kind: 'PERSON' as const, profile: p.kind.toUpperCase() })),
      ].slice(0, limit);
    },
  },
  Mailbox: {
    unreadCount: (mailbox, _, ctx) => ctx.messages.unreadCount(mailbox.personId),
    search: async (mailbox, { text, since, until, first }, ctx) => {
      const words = text.trim();
      if (words.length > LIMITS.search) throw badInput(`Search with at most ${LIMITS.search} characters.`);
      if (hasHiddenCharacters(words)) throw badInput('The search holds characters that are not text.');
      if (words.length < LIMITS.searchMin) throw badInput('Type at least two letters.');
      const size = first ?? 20;
      if (size < 1 || size > LIMITS.recipientsPage) throw badInput(`first must be from 1 to ${LIMITS.recipientsPage}.`);
      return ctx.messages.search(mailbox.personId, { text: words, since: dateArgument('since', since), until: dateArgument('until', until), first: size });
    },
    folder: async (mailbox, { name, first, after }, ctx) => {
      const size = first ?? 20;
      if (size < 1 || size > LIMITS.folderPage) throw badInput(`first must be from 1 to ${LIMITS.folderPage}.`);
      try {
        return await ctx.messages.folder(mailbox.personId, FOLDERS[name], { first: size, after: after ?? undefined });
      } catch (error) {
        if (error instanceof InvalidMessageCursorError) throw badInput('This cursor is not one of this folder’s.');
        throw error;
      }
    },
  },
  Attachment: {
    downloadPath: (a, _, ctx) => attachmentPath(ctx.attachmentLinkKey, a.id, personOf(ctx)),
  },
  MessageReport: {
    reportedAt: (r) => iso(r.reportedAt),
    reporter: (r) => ({ id: r.reporterId, displayName: r.reporterName }),
    author: (r) => r,
  },
  ReportedAuthor: {
    id: (r) => r.senderId,
    displayName: (r) => r.senderName,
    sentAt: (r) => iso(r.sentAt),
  },
  MessageSummary: {
    sender: (m) => ({ id: m.senderId, displayName: m.senderName }),
    sentAt: (m) => iso(m.sentAt),
    readAt: (m) => m.readAt && iso(m.readAt),
  },
  Message: {
    sender: (m) => ({ id: m.senderId, displayName: m.senderName }),
    sentAt: (m) => iso(m.sentAt),
    readAt: (m) => m.readAt && iso(m.readAt),
    to: (m) => m.recipients.map((r) => ({ id: r.personId, displayName: r.displayName })),
    receipts: async (m: OpenedMessage, _, ctx) => {
      if (!m.ownMessage) return null;
      const receipts = ((await ctx.messages.receipts(m.id, personOf(ctx))) ?? []).filter((r) => !r.recalled);
      const read = receipts.filter((r) => r.readAt);
      return {
        total: receipts.length,
        read: read.length,
        readBy: read.map((r) => ({ person: { id: r.personId, displayName: r.displayName }, readAt: iso(r.readAt!) })),
        notYetRead: receipts.filter((r) => !r.readAt).map((r) => ({ id: r.personId, displayName: r.displayName })),
      };
    },
    liaison: async (m, _, ctx) => (m.requiresSignature ? liaisonOf(await ctx.messages.signatures(m.id, personOf(ctx), m.ownMessage)) : null),
  },
  Mutation: {
    ...notificationResolvers.Mutation,
    ...agendaResolvers.Mutation,
    sendMessage: async (_, { input }, ctx) => {
      const self = await selfOf(ctx);
      try {
        const id = await sendMessage(ctx, self, input);
        return (await ctx.messages.open(id, self.id))!;
      } catch (error) {
        throw quotaError(error);
      }
    },
    recallMessage: async (_, { id }, ctx) => {
      const result = await ctx.messages.recall(id, personOf(ctx), ctx.config.recallMs);
      if (result === 'not-found') throw new GraphQLError('No message of yours has this id.', { extensions: { code: 'NOT_FOUND' } });
      if (result === 'already-recalled') throw new GraphQLError('This message was already recalled.', { extensions: { code: 'ALREADY_RECALLED' } });
      if (result === 'too-late') {
        throw new GraphQLError(`A message can be recalled within ${Math.round(ctx.config.recallMs / 60_000)} minutes of sending it.`, {
          extensions: { code: 'RECALL_TOO_LATE' },
        });
      }
      return result.removed;
    },
    trashMessage: (_, { id, trashed }, ctx) => ctx.messages.trash(id, personOf(ctx), trashed),
    remindLiaison: async (_, { messageId }, ctx) => {
      try {
        const reminded = await ctx.messages.remindUnsigned(
          messageId,
          personOf(ctx),
          { messagesPerDay: ctx.config.messagesPerDay, attachmentBytesPerDay: ctx.config.attachmentBytesPerDay },
          // Only whoever the directory still says signs for the child: a parent who lost authority is not reminded.
          async (asked) => {
            const children = await ctx.directory.people([...new Set(asked.map((a) => a.childId))]);
            const signers = new Set(
              children.flatMap((child) => (child?.kind === 'student' ? ctx.audience.legalGuardianIds(child).map((g) => `${child.id} ${g}`) : [])),
            );
            return asked.filter((a) => signers.has(`${a.childId} ${a.guardianId}`)).map((a) => a.guardianId);
          },
        );
        if (reminded === undefined) throw new GraphQLError('No mot of yours to sign has this id.', { extensions: { code: 'NOT_FOUND' } });
        return reminded;
      } catch (error) {
        throw quotaError(error);
      }
    },
    reportMessage: async (_, { id, reason }, ctx) => {
      const self = await selfOf(ctx);
      const why = reason.trim();
      if (!why || why.length > LIMITS.reason) throw badInput(`Say why in 1 to ${LIMITS.reason} characters.`);
      if (hasHiddenCharacters(why, { multiline: true })) throw badInput('The reason holds control characters.');
      const message = await ctx.messages.readableBy(id, self.id);
      if (!message || message.senderId === self.id) return false;
      const [sender] = await ctx.directory.people([message.senderId]);
      const school = await ctx.audience.reportSchool(sender);
      if (!school) return false;
      return ctx.messages.report(id, { id: self.id, name: displayNameOf(self) }, school, why);
    },
    signLiaison: async (_, { messageId, childId }, ctx) => {
      const personId = personOf(ctx);
      // The authority is checked now, from the directory: a parent who lost it signs nothing.
      if (!(await ctx.perimeter.isGuardianOf(childId))) return false;
      return ctx.messages.sign(messageId, personId, childId);
    },
  },
};
