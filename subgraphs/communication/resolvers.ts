import { GraphQLError } from 'graphql';
import { displayNameOf } from '../../connectors/directory/model.ts';
import type { Draft, MessageSummary, OpenedMessage, SignatureRow } from '../../store/messaging/message.ts';
import { InvalidMessageCursorError } from '../../store/messaging/postgres-store.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import { hasHiddenCharacters } from '../../lib/text.ts';
import { attachmentPath } from './attachment-route.ts';
import { badInput, checkedDraft, draftNotFound, LIMITS, lookUpRecipients, sendMessage } from './compose.ts';
import type { CommunicationContext } from './context.ts';
import type { Resolvers } from './generated/resolvers-types.ts';
import { parseListId } from './audience.ts';
import { notificationResolvers } from './notifications.ts';
import { agendaResolvers } from './agenda.ts';
import { liveUpdateResolvers } from './live-updates.ts';
import { personOf as viewerPerson, selfOf as viewerSelf } from './viewer.ts';

/** The messaging's own words in the errors of `personOf` and `selfOf` (viewer.ts). */
const MESSAGING = 'to use the messaging';
const personOf = (ctx: CommunicationContext) => viewerPerson(ctx, MESSAGING);
const selfOf = (ctx: CommunicationContext) => viewerSelf(ctx, MESSAGING);

const iso = (date: Date) => date.toISOString();

/** A quota the store refused, said to the person (QUOTA_EXCEEDED, which one, its limit); any other error as it is. */
function quotaError(error: unknown): unknown {
  if (!(error instanceof QuotaExceededError)) return error;
  const extensions = { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit };
  if (error.quota === 'draftsPerPerson') return new GraphQLError(`At most ${error.limit} drafts: send or delete some first.`, { extensions });
  if (error.quota === 'foldersPerPerson') return new GraphQLError(`At most ${error.limit} folders: delete one first.`, { extensions });
  const what = error.quota === 'messagesPerDay' ? `${error.limit} messages` : `${error.limit} bytes of attachments`;
  return new GraphQLError(`At most ${what} a day: try again tomorrow.`, { extensions });
}

/** An ISO date (`2026-11-23`) or date-time argument, or a BAD_USER_INPUT naming it. */
function dateArgument(name: string, value: string | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw badInput(`${name} must be an ISO date (2026-11-23) or date-time, got ${JSON.stringify(value.slice(0, 40))}.`);
  return date;
}
const FOLDERS = { INBOX: 'inbox', SENT: 'sent', TRASH: 'trash' } as const;

const folderNotFound = () => new GraphQLError('No folder of yours has this id.', { extensions: { code: 'NOT_FOUND' } });

/** A folder's name as it is kept (trimmed), or a BAD_USER_INPUT naming what is wrong. */
function checkedFolderName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > LIMITS.folderName) throw badInput(`A folder's name has 1 to ${LIMITS.folderName} characters (got ${trimmed.length}).`);
  if (hasHiddenCharacters(trimmed)) throw badInput('The folder’s name holds characters that are not text (control or invisible characters, line breaks).');
  return trimmed;
}

const folderNameTaken = (name: string) => new GraphQLError(`One of your folders is already named « ${name} ».`, { extensions: { code: 'CONFLICT' } });

/** A draft as a folder lists it: its author's, dated when last saved. */
const draftSummary = (draft: Draft, authorName: string): MessageSummary => ({
  id: draft.id,
  threadId: draft.id,
  subject: draft.subject,
  senderId: draft.authorId,
  senderName: authorName,
  sentAt: draft.updatedAt,
  readAt: draft.updatedAt,
  requiresSignature: draft.requiresSignature,
  recalled: false,
});

/** A folder's bad cursor said to the person; any other error as it is. */
function cursorError(error: unknown): unknown {
  return error instanceof InvalidMessageCursorError ? badInput('This cursor is not one of this folder’s.') : error;
}

function pageSize(first: number | null | undefined): number {
  const size = first ?? 20;
  if (size < 1 || size > LIMITS.folderPage) throw badInput(`first must be from 1 to ${LIMITS.folderPage}.`);
  return size;
}

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
  ...liveUpdateResolvers,
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
      const size = pageSize(first);
      try {
        if (name === 'DRAFTS') {
          const [page, self] = await Promise.all([ctx.messages.drafts(mailbox.personId, { first: size, after: after ?? undefined }), selfOf(ctx)]);
          return { ...page, items: page.items.map((d) => draftSummary(d, displayNameOf(self))) };
        }
        return await ctx.messages.folder(mailbox.personId, FOLDERS[name], { first: size, after: after ?? undefined });
      } catch (error) {
        throw cursorError(error);
      }
    },
    folders: (mailbox, _, ctx) => ctx.messages.ownFolders(mailbox.personId),
    ownFolder: async (mailbox, { id, first, after }, ctx) => {
      const size = pageSize(first);
      try {
        const page = await ctx.messages.ownFolder(mailbox.personId, id, { first: size, after: after ?? undefined });
        if (!page) throw folderNotFound();
        return page;
      } catch (error) {
        throw cursorError(error);
      }
    },
    draft: async (mailbox, { id }, ctx) => (await ctx.messages.draft(id, mailbox.personId)) ?? null,
  },
  Draft: {
    updatedAt: (d) => iso(d.updatedAt),
    bodyHtml: (d) => d.bodyHtml,
    // Named while the viewer may write to them, by the rules a send applies.
    to: async (d, _, ctx) => {
      const self = await selfOf(ctx);
      const answering = d.inReplyTo ? await ctx.messages.readableBy(d.inReplyTo, self.id) : undefined;
      const { lists, named } = await lookUpRecipients(ctx, self, d.recipientIds, answering);
      const names = new Map<string, string>([...lists.map((l) => [l.id, l.name] as const), ...named.map((p) => [p.id, displayNameOf(p)] as const)]);
      return d.recipientIds.map((id) => ({ id, name: names.get(id) ?? null, kind: parseListId(id) ? ('LIST' as const) : ('PERSON' as const) }));
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
    saveDraft: async (_, { input, id }, ctx) => {
      const authorId = personOf(ctx);
      // Defaults of DraftInput: GraphQL fills them in, the generated type keeps them optional.
      const { recipientIds, subject, bodyHtml } = checkedDraft({ to: input.to ?? [], subject: input.subject ?? '', body: input.body ?? '' });
      if (input.inReplyTo && !(await ctx.messages.readableBy(input.inReplyTo, authorId))) throw badInput('inReplyTo is not a message you sent or received.');
      try {
        const draft = await ctx.messages.saveDraft(
          authorId,
          { subject, bodyHtml, recipientIds, inReplyTo: input.inReplyTo ?? null, requiresSignature: input.requiresSignature ?? false },
          { id: id ?? undefined, maxDrafts: ctx.config.maxDrafts },
        );
        if (!draft) throw draftNotFound();
        return draft;
      } catch (error) {
        throw quotaError(error);
      }
    },
    deleteDraft: (_, { id }, ctx) => ctx.messages.deleteDraft(id, personOf(ctx)),
    sendDraft: async (_, { id }, ctx) => {
      const self = await selfOf(ctx);
      const draft = await ctx.messages.draft(id, self.id);
      if (!draft) throw draftNotFound();
      try {
        const sent = await sendMessage(
          ctx,
          self,
          { to: draft.recipientIds, subject: draft.subject, body: draft.bodyHtml, inReplyTo: draft.inReplyTo, requiresSignature: draft.requiresSignature },
          draft.id,
        );
        return (await ctx.messages.open(sent, self.id))!;
      } catch (error) {
        throw quotaError(error);
      }
    },
    createMessageFolder: async (_, { name }, ctx) => {
      const personId = personOf(ctx);
      const checked = checkedFolderName(name);
      try {
        const folder = await ctx.messages.createFolder(personId, checked);
        if (folder === 'name-taken') throw folderNameTaken(checked);
        return folder;
      } catch (error) {
        throw quotaError(error);
      }
    },
    renameMessageFolder: async (_, { id, name }, ctx) => {
      const checked = checkedFolderName(name);
      const folder = await ctx.messages.renameFolder(personOf(ctx), id, checked);
      if (folder === 'name-taken') throw folderNameTaken(checked);
      if (!folder) throw folderNotFound();
      return folder;
    },
    deleteMessageFolder: async (_, { id }, ctx) => {
      const returned = await ctx.messages.deleteFolder(personOf(ctx), id);
      if (returned === undefined) throw folderNotFound();
      return returned;
    },
    moveMessage: async (_, { id, folderId }, ctx) => {
      const moved = await ctx.messages.moveMessage(personOf(ctx), id, folderId ?? null);
      if (moved === 'no-folder') throw folderNotFound();
      if (moved === 'no-message') throw new GraphQLError('No message you received has this id.', { extensions: { code: 'NOT_FOUND' } });
      return true;
    },
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
