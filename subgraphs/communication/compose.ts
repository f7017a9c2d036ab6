import { GraphQLError } from 'graphql';
import type { Directory } from '../../connectors/directory/directory.ts';
import { displayNameOf, type Person } from '../../connectors/directory/model.ts';
import { hasDisallowedHtml, sanitizeHtml, tagCount } from '../../lib/markup.ts';
import { hasHiddenCharacters } from '../../lib/text.ts';
import type { NewAttachment, NewRecipient, NewSignature } from '../../store/messaging/message.ts';
import { checkedFile, OFFICE_TYPES } from '../kit/files.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import type { PostgresMessageStore } from '../../store/messaging/postgres-store.ts';
import { parseListId, type Audience, type RecipientList } from './audience.ts';
import type { MessagingConfig } from './config.ts';

/** Bounds of what one request may ask: each refused with a clear error before anything is read or written. */
export const LIMITS = {
  to: 100,
  subject: 200,
  body: 100_000,
  search: 100,
  searchMin: 2,
  recipientsPage: 50,
  folderPage: 100,
  attachments: 3,
  attachmentBytes: 1_400_000,
  tags: 2_000,
  storedBody: 200_000,
  reason: 500,
  /** A recipient or list id's length: ids the hub gives out are far shorter. */
  id: 200,
  /** A folder's name, trimmed. */
  folderName: 60,
} as const;

export const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });

/** What sending needs: the store, who the sender may write to, the directory to expand lists. */
export interface SendingContext {
  messages: PostgresMessageStore;
  directory: Directory;
  audience: Audience;
  config: MessagingConfig;
  /** Where a sent message becomes an event for the recipients' notifications (absent: nobody is notified). */
  notifications?: PostgresNotificationStore;
}

export interface MessageToSend {
  to: readonly string[];
  subject: string;
  body: string;
  inReplyTo?: string | null;
  requiresSignature?: boolean | null;
  /** Base64 files, checked by content (documents and office files, each at most MAX_FILE_BYTES). */
  attachments?: readonly { name: string; contentType: string; base64: string }[] | null;
}

/**
 * Sends a message as `self`, checking everything first (the input's bounds, every recipient against
 * the rules, the mot's lists); nothing is stored unless all of it holds. Returns the message's id.
 * The one way a message is sent: the graph's mutation and the demo académie's first messages.
 * `fromDraft`: the sender's draft it comes from, deleted as it is sent (NOT_FOUND when it already was).
 */
export async function sendMessage(ctx: SendingContext, self: Person, input: MessageToSend, fromDraft?: string): Promise<string> {
  const { ids, subject } = checkedInput(input);
  const files = input.attachments ?? [];
  if (files.length > LIMITS.attachments) throw badInput(`At most ${LIMITS.attachments} attachments in one message (got ${files.length}).`);
  // Base64 is 4/3 of the bytes: what the router's body limit lets through, said clearly here.
  const declared = files.reduce((n, f) => n + Math.floor((f.base64.length * 3) / 4), 0);
  if (declared > LIMITS.attachmentBytes) throw badInput(`The attachments weigh ${declared} bytes together; at most ${LIMITS.attachmentBytes} in one message.`);
  const attachments: NewAttachment[] = [];
  for (const file of files) {
    const checked = await checkedFile(file, OFFICE_TYPES);
    attachments.push({ name: checked.name, contentType: checked.contentType, content: Buffer.from(checked.base64, 'base64') });
  }
  const answering = input.inReplyTo ? await ctx.messages.readableBy(input.inReplyTo, self.id) : undefined;
  if (input.inReplyTo && !answering) throw badInput('inReplyTo is not a message you sent or received.');
  const { lists, named, recipients } = await resolveRecipients(ctx, self, ids, answering);
  if (!recipients.length) throw badInput('Nobody would receive this message (the lists are empty).');
  if (recipients.length > ctx.config.maxRecipients) {
    throw badInput(`This message would reach ${recipients.length} people; at most ${ctx.config.maxRecipients}.`);
  }
  // The costlier checks once the recipients hold: a refused message costs no sanitizing.
  const bodyHtml = checkedBody(input.body);
  let signatures: NewSignature[] | undefined;
  if (input.requiresSignature) {
    if (named.length || !lists.length || lists.some((l) => l.kind !== 'class-guardians')) {
      throw badInput('A mot to sign goes to class guardian lists only (« Parents de … »).');
    }
    signatures = await signaturesOf(ctx, lists, recipients);
  }
  const message = {
    senderId: self.id,
    senderName: displayNameOf(self),
    subject,
    bodyHtml,
    lists: lists.map((l) => ({ id: l.id, name: l.name })),
    recipients,
    inReplyTo: answering ? input.inReplyTo! : undefined,
    signatures,
    attachments,
  };
  const quotas = { messagesPerDay: ctx.config.messagesPerDay, attachmentBytesPerDay: ctx.config.attachmentBytesPerDay };
  const id = fromDraft ? await ctx.messages.sendDraft(fromDraft, message, quotas) : await ctx.messages.send(message, quotas);
  if (!id) throw draftNotFound();
  // The recipients are read from the message when the event is fanned out (a recalled copy is skipped then).
  // The sender's school is the event's: its SMS budget, and its office sees whom it could not reach.
  const senderSchoolId = ctx.notifications && (await ctx.audience.reportSchool(undefined));
  const [senderSchool] = senderSchoolId ? await ctx.directory.schoolsById([senderSchoolId]) : [];
  await ctx.notifications?.recordEvent({
    kind: 'message',
    uai: senderSchool?.uai ?? '',
    pupilId: null,
    key: `message|${id}`,
    details: { messageId: id, senderName: displayNameOf(self), subject, liaison: Boolean(signatures) },
  });
  return id;
}

export const draftNotFound = () => new GraphQLError('No draft of yours has this id (it may have been sent already).', { extensions: { code: 'NOT_FOUND' } });

/** The checked parts of a message to send, or a BAD_USER_INPUT naming what is wrong. */
function checkedInput(input: MessageToSend): { ids: string[]; subject: string } {
  const { ids, subject } = checkedParts(input);
  if (!ids.length) throw badInput('Name at least one recipient.');
  if (!subject) throw badInput('The subject is empty.');
  return { ids, subject };
}

/**
 * A draft's content, checked with a message's bounds (an empty subject, body or recipient list is
 * fine until it is sent) and its body sanitized; the recipients are checked against the rules only
 * when it is sent. A BAD_USER_INPUT names what is wrong.
 */
export function checkedDraft(input: Pick<MessageToSend, 'to' | 'subject' | 'body'>): { recipientIds: string[]; subject: string; bodyHtml: string } {
  const { ids, subject } = checkedParts(input);
  const bad = ids.find((id) => id.length > LIMITS.id || hasHiddenCharacters(id));
  if (bad !== undefined) throw badInput(`${JSON.stringify(bad.slice(0, 40))} is not a recipient id.`);
  const bodyHtml = checkedBody(input.body);
  // Sent later through `sendMessage`, whose bound is the body's: a draft that could not be sent is refused now.
  if (bodyHtml.length > LIMITS.body) throw badInput(`The message is too long once formatted (${bodyHtml.length} characters; at most ${LIMITS.body}).`);
  return { recipientIds: ids, subject, bodyHtml };
}

/** What a message and a draft bound alike: how many ids, the subject, the body's text. */
function checkedParts(input: Pick<MessageToSend, 'to' | 'subject' | 'body'>): { ids: string[]; subject: string } {
  if (input.to.length > LIMITS.to) throw badInput(`At most ${LIMITS.to} recipients or lists in one message (got ${input.to.length}).`);
  const ids = [...new Set(input.to)];
  const subject = input.subject.trim();
  if (subject.length > LIMITS.subject) throw badInput(`The subject is ${subject.length} characters long; at most ${LIMITS.subject}.`);
  if (hasHiddenCharacters(subject)) throw badInput('The subject holds characters that are not text (control or invisible characters, line breaks).');
  if (input.body.length > LIMITS.body) throw badInput(`The message is ${input.body.length} characters long; at most ${LIMITS.body}.`);
  if (hasHiddenCharacters(input.body, { multiline: true })) throw badInput('The message holds control characters.');
  // Sanitizing costs more than linearly with the markup's tags: bounded before it runs.
  if (tagCount(input.body) > LIMITS.tags) throw badInput(`The message has more than ${LIMITS.tags} HTML tags.`);
  return { ids, subject };
}

/** The body made safe, or a BAD_USER_INPUT when sanitizing would change what its author wrote. */
function checkedBody(body: string): string {
  if (hasDisallowedHtml(body)) {
    throw badInput(
      'The message contains content that is not allowed (scripts, styles, images, frames, event handlers or javascript: links): only text formatting, lists, tables and links are sent.',
    );
  }
  const html = sanitizeHtml(body);
  // Escaping can grow text fourfold (`<` → `&lt;`): what is stored is bounded too.
  if (html.length > LIMITS.storedBody) throw badInput(`The message is too long once formatted (${html.length} characters; at most ${LIMITS.storedBody}).`);
  return html;
}

/**
 * Who a message goes to: each id checked against what the viewer may write to (the sender of the
 * message answered may always be answered), lists expanded now. Any id refused refuses it all.
 */
async function resolveRecipients(ctx: SendingContext, self: Person, ids: string[], answering?: { senderId: string }) {
  const { lists, named, refused } = await lookUpRecipients(ctx, self, ids, answering);
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

/**
 * The lists and people of `ids` the viewer may write to now (the sender of the message answered may
 * always be answered), and the ids refused: what a send checks, and what a draft shows by name.
 */
export async function lookUpRecipients(
  ctx: Pick<SendingContext, 'directory' | 'audience'>,
  self: Person,
  ids: readonly string[],
  answering?: { senderId: string },
) {
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
  return { lists, named, refused };
}

/** A mot's signatures: each pupil of the lists' classes, each of their legal guardians who receives it. */
async function signaturesOf(ctx: SendingContext, lists: RecipientList[], recipients: NewRecipient[]): Promise<NewSignature[]> {
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
