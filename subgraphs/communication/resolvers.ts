import { GraphQLError } from 'graphql';
import { displayNameOf, type Person } from '../../connectors/directory/model.ts';
import { hasDisallowedHtml, sanitizeHtml } from '../../lib/markup.ts';
import type { NewRecipient, NewSignature, OpenedMessage, SignatureRow } from '../../store/messaging/message.ts';
import { InvalidMessageCursorError } from '../../store/messaging/postgres-store.ts';
import { QuotaExceededError } from '../../store/quota.ts';
import { parseListId, type RecipientList } from './audience.ts';
import type { CommunicationContext } from './context.ts';
import type { Folder, Resolvers, SendMessageInput } from './generated/resolvers-types.ts';

/** Bounds of what one request may ask: each refused with a clear error before anything is read or written. */
export const LIMITS = { to: 100, subject: 200, body: 100_000, search: 100, searchMin: 2, recipientsPage: 50, folderPage: 100 } as const;

const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });

/** Messaging is between people: the viewer must be one, logged in through a hub session. */
function personOf(ctx: CommunicationContext): string {
  const { viewer } = ctx;
  if (viewer.kind !== 'person' || !viewer.personId)
    throw new GraphQLError('Log in as a person to use the messaging.', { extensions: { code: 'UNAUTHENTICATED' } });
  return viewer.personId;
}

async function selfOf(ctx: CommunicationContext): Promise<Person> {
  personOf(ctx);
  const self = await ctx.perimeter.self();
  if (!self) throw new GraphQLError('You are not in the académie’s directory.', { extensions: { code: 'FORBIDDEN' } });
  return self;
}

const iso = (date: Date) => date.toISOString();
const FOLDERS: Record<Folder, 'inbox' | 'sent' | 'trash'> = { INBOX: 'inbox', SENT: 'sent', TRASH: 'trash' };

/** The checked parts of a message to send, or a BAD_USER_INPUT naming what is wrong. */
function checkedInput(input: SendMessageInput): { ids: string[]; subject: string; bodyHtml: string } {
  const ids = [...new Set(input.to)];
  if (input.to.length > LIMITS.to) throw badInput(`At most ${LIMITS.to} recipients or lists in one message (got ${input.to.length}).`);
  if (!ids.length) throw badInput('Name at least one recipient.');
  const subject = input.subject.trim();
  if (!subject) throw badInput('The subject is empty.');
  if (subject.length > LIMITS.subject) throw badInput(`The subject is ${subject.length} characters long; at most ${LIMITS.subject}.`);
  if (input.body.length > LIMITS.body) throw badInput(`The message is ${input.body.length} characters long; at most ${LIMITS.body}.`);
  if (hasDisallowedHtml(input.body)) {
    throw badInput(
      'The message contains content that is not allowed (scripts, styles, images, frames, event handlers or javascript: links): only text formatting, lists, tables and links are sent.',
    );
  }
  return { ids, subject, bodyHtml: sanitizeHtml(input.body) };
}

/**
 * Who a message goes to: each id checked against what the viewer may write to (the sender of the
 * message answered may always be answered), lists expanded now. Any id refused refuses it all.
 */
async function resolveRecipients(ctx: CommunicationContext, self: Person, ids: string[], answering?: { senderId: string }) {
  const listIds = ids.filter((id) => parseListId(id));
  const personIds = ids.filter((id) => !parseListId(id));
  const refused: string[] = [];
  const lists: RecipientList[] = [];
  for (const id of listIds) {
    const list = await ctx.audience.list(id);
    if (list) lists.push(list);
    else refused.push(id);
  }
  const people = await ctx.directory.people(personIds);
  const named: Person[] = [];
  await Promise.all(
    people.map(async (person, i) => {
      const allowed = person && (person.id === answering?.senderId || (await ctx.audience.mayWriteTo(person)));
      if (allowed && person.id !== self.id) named.push(person);
      else refused.push(personIds[i]!);
    }),
  );
  if (refused.length) {
    throw new GraphQLError(
      `You may not write to ${refused.length === 1 ? 'this recipient' : 'these recipients'}: ${refused.sort().join(', ')}. Nothing was sent.`,
      {
        extensions: { code: 'FORBIDDEN', recipients: refused.sort() },
      },
    );
  }
  const recipients = new Map<string, NewRecipient>();
  for (const list of lists) {
    for (const person of await ctx.audience.expand(list)) {
      if (person.id !== self.id) recipients.set(person.id, { personId: person.id, displayName: displayNameOf(person), direct: false });
    }
  }
  for (const person of named) recipients.set(person.id, { personId: person.id, displayName: displayNameOf(person), direct: true });
  return { lists, named, recipients: [...recipients.values()] };
}

/** A mot's signatures: each pupil of the lists' classes, each of their legal guardians who receives it. */
async function signaturesOf(ctx: CommunicationContext, lists: RecipientList[], recipients: NewRecipient[]): Promise<NewSignature[]> {
  const receiving = new Map(recipients.map((r) => [r.personId, r.displayName]));
  const signatures: NewSignature[] = [];
  for (const list of lists) {
    for (const pupil of await ctx.directory.studentsOfClass({ structureId: list.structureId, code: list.code ?? '' })) {
      for (const guardianId of ctx.audience.legalGuardianIds(pupil)) {
        const guardianName = receiving.get(guardianId);
        if (guardianName) signatures.push({ childId: pupil.id, childName: displayNameOf(pupil), guardianId, guardianName });
      }
    }
  }
  return signatures;
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
  Query: {
    mailbox: (_, __, ctx) => ({ personId: personOf(ctx) }),
    message: async (_, { id }, ctx) => (await ctx.messages.open(id, personOf(ctx))) ?? null,
    recipients: async (_, { search, first }, ctx) => {
      personOf(ctx);
      const text = search.trim();
      if (text.length > LIMITS.search) throw badInput(`Search with at most ${LIMITS.search} characters.`);
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
    sendMessage: async (_, { input }, ctx) => {
      const { ids, subject, bodyHtml } = checkedInput(input);
      const self = await selfOf(ctx);
      const answering = input.inReplyTo ? await ctx.messages.readableBy(input.inReplyTo, self.id) : undefined;
      if (input.inReplyTo && !answering) throw badInput('inReplyTo is not a message you sent or received.');
      const { lists, named, recipients } = await resolveRecipients(ctx, self, ids, answering);
      if (!recipients.length) throw badInput('Nobody would receive this message (the lists are empty).');
      if (recipients.length > ctx.config.maxRecipients) {
        throw badInput(`This message would reach ${recipients.length} people; at most ${ctx.config.maxRecipients}.`);
      }
      let signatures: NewSignature[] | undefined;
      if (input.requiresSignature) {
        if (named.length || !lists.length || lists.some((l) => l.kind !== 'class-guardians')) {
          throw badInput('A mot to sign goes to class guardian lists only (« Parents de … »).');
        }
        signatures = await signaturesOf(ctx, lists, recipients);
      }
      try {
        const id = await ctx.messages.send(
          {
            senderId: self.id,
            senderName: displayNameOf(self),
            subject,
            bodyHtml,
            lists: lists.map((l) => ({ id: l.id, name: l.name })),
            recipients,
            inReplyTo: answering ? input.inReplyTo! : undefined,
            signatures,
          },
          ctx.config.messagesPerDay,
        );
        return (await ctx.messages.open(id, self.id))!;
      } catch (error) {
        if (error instanceof QuotaExceededError) {
          throw new GraphQLError(`At most ${error.limit} messages a day: try again tomorrow.`, {
            extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit },
          });
        }
        throw error;
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
    signLiaison: async (_, { messageId, childId }, ctx) => {
      const personId = personOf(ctx);
      // The authority is checked now, from the directory: a parent who lost it signs nothing.
      if (!(await ctx.perimeter.isGuardianOf(childId))) return false;
      return ctx.messages.sign(messageId, personId, childId);
    },
  },
};
