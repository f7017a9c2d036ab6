import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ObjectStore } from '../../connectors/object-store/object-store.ts';
import { HubError } from '../../lib/errors.ts';
import { QuotaExceededError } from '../quota.ts';
import type { HubDatabase } from '../database.ts';
import { decodeKeysetCursor, encodeKeysetCursor } from '../keyset-cursor.ts';
import { forgetMessageNotifications } from '../notifications/postgres-store.ts';
import type { Database, MessagesTable } from '../schema.ts';
import type {
  AttachmentInfo,
  Draft,
  DraftContent,
  Folder,
  MessageQuotas,
  MessageReport,
  MessageSummary,
  NewAttachment,
  NewMessage,
  OpenedMessage,
  OwnFolder,
  Page,
  ReadReceipt,
  SignatureRow,
} from './message.ts';

/** A folder page's cursor that this store did not give out. */
export class InvalidMessageCursorError extends HubError {
  static override readonly code = 'ERR_MESSAGE_CURSOR';
}

/** A message id is a uuid the store gave out: anything else is no message, and never reaches a uuid column. */
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isMessageId = (id: string) => MESSAGE_ID.test(id);

/** Rows one INSERT writes at most: a statement's parameters stay far below PostgreSQL's limit (65,535). */
const SLICE = 1_000;

interface Cursor {
  sentAt: Date;
  id: string;
}

function encodeCursor(sentAt: Date, id: string): string {
  return encodeKeysetCursor(sentAt, id);
}

function decodeCursor(cursor: string): Cursor {
  const position = decodeKeysetCursor(cursor, isMessageId);
  if (!position) throw new InvalidMessageCursorError('not a cursor of this folder');
  return { sentAt: position.at, id: position.id };
}

/** The page of `first` items out of `first + 1` read, and the cursor after it. */
function pageOf<T extends { sentAt: Date; id: string }>(rows: T[], first: number): Page<T> {
  const items = rows.slice(0, first);
  const last = items.at(-1);
  return rows.length > first && last ? { items, nextCursor: encodeCursor(last.sentAt, last.id) } : { items };
}

/** The message `m` is the person's: they sent it, or hold a copy of it that was not recalled. */
function sentOrReceivedBy(eb: ExpressionBuilder<Database & { m: Database['messages'] }, 'm'>, personId: string) {
  return eb.or([
    eb('m.sender_id', '=', personId),
    eb.exists(
      eb
        .selectFrom('message_recipients as r')
        .select('r.person_id')
        .whereRef('r.message_id', '=', 'm.id')
        .where('r.person_id', '=', personId)
        .where('r.recalled_at', 'is', null),
    ),
  ]);
}

/** A row of `messages` (as `m`, or bare) as a folder or search lists it, with the viewer's `readAt`. */
function summaryOf(
  row: Pick<Selectable<MessagesTable>, 'id' | 'thread_id' | 'subject' | 'sender_id' | 'sender_name' | 'requires_signature' | 'recalled_at'> & {
    sent_at: Date | string;
  },
  readAt: Date | string | null,
): MessageSummary {
  return {
    id: row.id,
    threadId: row.thread_id,
    subject: row.subject,
    senderId: row.sender_id,
    senderName: row.sender_name,
    sentAt: new Date(row.sent_at),
    readAt: readAt === null ? null : new Date(readAt),
    requiresSignature: row.requires_signature,
    recalled: row.recalled_at !== null,
  };
}

/** Most folders one person keeps. */
export const MAX_OWN_FOLDERS = 100;

/** The draft being sent was sent (or deleted) meanwhile: the transaction is rolled back, nothing is sent twice. */
class DraftGone extends Error {}

/** An attachment is in an object store but this process has none configured (COMMUNICATION_ATTACHMENTS_S3_*). */
export class AttachmentStoreMissingError extends HubError {
  static override readonly code = 'ERR_ATTACHMENT_STORE_MISSING';

  constructor() {
    super('this attachment is in the object store, and COMMUNICATION_ATTACHMENTS_S3_* is not configured in this process');
  }
}

/** A unique index refused the row (PostgreSQL's unique_violation). */
const isUniqueViolation = (error: unknown) => (error as { code?: string } | undefined)?.code === '23505';

const draftOf = (row: Selectable<Database['message_drafts']>): Draft => ({
  id: row.id,
  authorId: row.author_id,
  subject: row.subject,
  bodyHtml: row.body_html,
  recipientIds: row.recipient_ids,
  inReplyTo: row.in_reply_to,
  requiresSignature: row.requires_signature,
  updatedAt: row.updated_at,
});

const byNewest = (a: { sentAt: Date; id: string }, b: { sentAt: Date; id: string }) => b.sentAt.getTime() - a.sentAt.getTime() || b.id.localeCompare(a.id);

/**
 * Messages in the hub's PostgreSQL database (tables `messages`, `message_recipients`,
 * `message_signatures`, migration 0008), shared by every communication subgraph instance. Every
 * method takes the person it acts for and finds a message only through them: as its sender, or
 * through their own copy.
 */
/** An upload not committed after this long is an orphan: its object is deleted (migration 0014). */
const UPLOAD_GRACE = '1 hour';
/** Objects deleted per sweep: bounded, the next sweep takes the rest. */
const SWEEP_BATCH = 1_000;

export interface MessageStoreOptions {
  /**
   * Where attachment bytes go: absent, in `message_attachments.content` (the default); an object
   * store (S3-compatible), then the row keeps the object's key and `content` is NULL.
   */
  objects?: ObjectStore;
}

export class PostgresMessageStore {
  readonly #objects: ObjectStore | undefined;

  constructor(
    private readonly database: HubDatabase,
    options: MessageStoreOptions = {},
  ) {
    this.#objects = options.objects;
  }

  /**
   * Records a message and every copy in one transaction; the sender's messages of the last 24 hours
   * are counted under a per-sender lock, so the quota holds across instances.
   */
  async send(message: NewMessage, quotas: MessageQuotas): Promise<string> {
    return this.#send(message, quotas);
  }

  /**
   * Sends the author's draft as `message` (already checked from it) and deletes the draft in the
   * same transaction: sent twice (two tabs, a double click), it is sent once. Undefined when the
   * draft is no longer there (sent or deleted meanwhile): then nothing is sent.
   */
  async sendDraft(draftId: string, message: NewMessage, quotas: MessageQuotas): Promise<string | undefined> {
    if (!isMessageId(draftId)) return undefined;
    try {
      return await this.#send(message, quotas, draftId);
    } catch (error) {
      if (error instanceof DraftGone) return undefined;
      throw error;
    }
  }

  async #send(message: NewMessage, quotas: MessageQuotas, draftId?: string): Promise<string> {
    const id = randomUUID();
    const objectKeys = await this.#recordUploads(message.attachments ?? []);
    if (this.#objects && objectKeys.length) {
      // Uploaded before the transaction, so that a slow object store holds no connection and no lock
      // (everyone's messaging would wait on it); after a first look at the quotas, so that a send
      // refused for them uploads nothing. The transaction checks them again under the lock.
      await checkSendQuotas(this.database.db, message, quotas);
      for (const [i, attachment] of (message.attachments ?? []).entries()) await this.#objects.put(objectKeys[i]!, attachment.content, attachment.contentType);
    }
    await this.database.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('messages'), hashtext(${message.senderId}))`.execute(trx);
      if (draftId) {
        // Under the sender's lock: a second send of the same draft waits here, then finds it gone.
        const draft = await trx.deleteFrom('message_drafts').where('id', '=', draftId).where('author_id', '=', message.senderId).executeTakeFirst();
        if (Number(draft.numDeletedRows) === 0) throw new DraftGone();
      }
      await checkSendQuotas(trx, message, quotas);
      let threadId: string = id;
      if (message.inReplyTo) {
        const answered = await trx.selectFrom('messages').select('thread_id').where('id', '=', message.inReplyTo).executeTakeFirst();
        threadId = answered?.thread_id ?? id;
      }
      const { sent_at: sentAt } = await trx
        .insertInto('messages')
        .values({
          id,
          thread_id: threadId,
          in_reply_to: message.inReplyTo ?? null,
          sender_id: message.senderId,
          sender_name: message.senderName,
          subject: message.subject,
          body_html: message.bodyHtml,
          lists: JSON.stringify(message.lists),
          requires_signature: (message.signatures?.length ?? 0) > 0,
        })
        .returning('sent_at')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < message.recipients.length; i += SLICE) {
        await trx
          .insertInto('message_recipients')
          .values(
            message.recipients
              .slice(i, i + SLICE)
              .map((r) => ({ message_id: id, person_id: r.personId, display_name: r.displayName, direct: r.direct, sent_at: sentAt })),
          )
          .execute();
      }
      for (const [position, attachment] of (message.attachments ?? []).entries()) {
        const objectKey = objectKeys[position] ?? null;
        await trx
          .insertInto('message_attachments')
          .values({
            id: randomUUID(),
            message_id: id,
            position,
            name: attachment.name,
            content_type: attachment.contentType,
            bytes: attachment.content.length,
            content: objectKey ? null : attachment.content,
            object_key: objectKey,
            sha256: objectKey ? createHash('sha256').update(attachment.content).digest('hex') : null,
          })
          .execute();
      }
      // Committed with their rows: the uploads are no longer orphans to delete.
      if (objectKeys.length) await trx.deleteFrom('message_attachment_objects_to_delete').where('object_key', 'in', objectKeys).execute();
      const signatures = message.signatures ?? [];
      for (let i = 0; i < signatures.length; i += SLICE) {
        await trx
          .insertInto('message_signatures')
          .values(
            signatures
              .slice(i, i + SLICE)
              .map((s) => ({ message_id: id, child_id: s.childId, child_name: s.childName, guardian_id: s.guardianId, guardian_name: s.guardianName })),
          )
          .execute();
      }
    });
    return id;
  }

  /**
   * With an object store: each attachment under a new random key (never its name nor a person's
   * id), each key recorded first as an orphan to delete in an hour, so that a send that fails after
   * its upload (the database, a crash) leaves no object behind for good: the record is written
   * outside the send's transaction, which removes it when it commits. Their keys, in order; none
   * without an object store.
   */
  async #recordUploads(attachments: readonly NewAttachment[]): Promise<string[]> {
    if (!this.#objects || attachments.length === 0) return [];
    const keys = attachments.map(() => randomUUID());
    // Before the uploads and the send's transaction: a failure anywhere after leaves a record to delete the object by.
    await this.database.db
      .insertInto('message_attachment_objects_to_delete')
      .values(keys.map((object_key) => ({ object_key, not_before: sql<Date>`now() + ${UPLOAD_GRACE}::interval` })))
      .execute();
    return keys;
  }

  /**
   * Deletes from the object store the objects whose rows are gone (the retention purge, a cascade)
   * and the uploads never committed, then their records: a failure leaves the records for the next
   * sweep. How many were deleted; 0 without an object store.
   */
  async deleteOrphanedAttachmentObjects(): Promise<number> {
    const objects = this.#objects;
    if (!objects) return 0;
    const due = await this.database.db
      .selectFrom('message_attachment_objects_to_delete')
      .select('object_key')
      .where('not_before', '<=', sql<Date>`now()`)
      .orderBy('not_before')
      .limit(SWEEP_BATCH)
      .execute();
    if (due.length === 0) return 0;
    const keys = due.map((d) => d.object_key);
    await objects.delete(keys);
    await this.database.db.deleteFrom('message_attachment_objects_to_delete').where('object_key', 'in', keys).execute();
    return keys.length;
  }

  /** One page of a person's folder, newest first. */
  async folder(personId: string, folder: Folder, options: { first: number; after?: string }): Promise<Page<MessageSummary>> {
    const after = options.after ? decodeCursor(options.after) : undefined;
    const limit = options.first + 1;
    if (folder === 'sent') return pageOf(await this.#sent(personId, { trashed: false, after, limit }), options.first);
    if (folder === 'inbox') return pageOf(await this.#received(personId, { trashed: false, folderId: null, after, limit }), options.first);
    const both = [...(await this.#received(personId, { trashed: true, after, limit })), ...(await this.#sent(personId, { trashed: true, after, limit }))];
    return pageOf(both.sort(byNewest), options.first);
  }

  /** One page of one of the person's own folders, newest first; undefined when the folder is not theirs. */
  async ownFolder(personId: string, folderId: string, options: { first: number; after?: string }): Promise<Page<MessageSummary> | undefined> {
    if (!isMessageId(folderId)) return undefined;
    const after = options.after ? decodeCursor(options.after) : undefined;
    const mine = await this.database.db
      .selectFrom('message_folders')
      .select('id')
      .where('id', '=', folderId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    if (!mine) return undefined;
    return pageOf(await this.#received(personId, { trashed: false, folderId, after, limit: options.first + 1 }), options.first);
  }

  /**
   * The person's copies out of the recalled ones: in the trash, or out of it (then, with `folderId`,
   * in that folder only: null the inbox; absent, in any).
   */
  async #received(personId: string, options: { trashed: boolean; folderId?: string | null; after?: Cursor; limit: number }): Promise<MessageSummary[]> {
    let query = this.database.db
      .selectFrom('message_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .select(['m.id', 'm.thread_id', 'm.subject', 'm.sender_id', 'm.sender_name', 'r.sent_at', 'r.read_at', 'm.requires_signature', 'm.recalled_at'])
      .where('r.person_id', '=', personId)
      .where('r.recalled_at', 'is', null)
      .where('r.trashed_at', options.trashed ? 'is not' : 'is', null);
    if (options.folderId !== undefined) query = query.where('r.folder_id', options.folderId === null ? 'is' : '=', options.folderId);
    const after = options.after;
    if (after) query = query.where((eb) => eb(eb.refTuple('r.sent_at', 'r.message_id'), '<', eb.tuple(after.sentAt, after.id)));
    const rows = await query.orderBy('r.sent_at', 'desc').orderBy('r.message_id', 'desc').limit(options.limit).execute();
    return rows.map((r) => summaryOf(r, r.read_at));
  }

  async #sent(personId: string, options: { trashed: boolean; after?: Cursor; limit: number }): Promise<MessageSummary[]> {
    let query = this.database.db
      .selectFrom('messages')
      .select(['id', 'thread_id', 'subject', 'sender_id', 'sender_name', 'sent_at', 'requires_signature', 'recalled_at'])
      .where('sender_id', '=', personId)
      .where('sender_trashed_at', options.trashed ? 'is not' : 'is', null);
    const after = options.after;
    if (after) query = query.where((eb) => eb(eb.refTuple('sent_at', 'id'), '<', eb.tuple(after.sentAt, after.id)));
    const rows = await query.orderBy('sent_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((r) => summaryOf(r, r.sent_at));
  }

  /**
   * The person's messages (sent, or received and not recalled; the trash included) matching a search
   * with the French full-text configuration (`websearch_to_tsquery`: words, "a phrase", -excluded),
   * over the sender's name, the subject and the body; optionally sent within [since, until). Newest
   * first. `search` runs it; tests read its plan.
   */
  searchQuery(personId: string, options: { text: string; since?: Date; until?: Date; first: number }) {
    // From the person's own messages (through their indexes), then full-text on those only: the cost
    // follows one mailbox, never every message of the académie matching a common word.
    let query = this.database.db
      .with('mine', (db) =>
        db
          .selectFrom('message_recipients')
          .select(['message_id', 'read_at'])
          .where('person_id', '=', personId)
          .where('recalled_at', 'is', null)
          .union(db.selectFrom('messages').select(['id as message_id', 'sent_at as read_at']).where('sender_id', '=', personId)),
      )
      .selectFrom('mine')
      .innerJoin('messages as m', 'm.id', 'mine.message_id')
      .select(['m.id', 'm.thread_id', 'm.subject', 'm.sender_id', 'm.sender_name', 'm.sent_at', 'm.requires_signature', 'm.recalled_at', 'mine.read_at'])
      .where(sql<boolean>`m.search @@ websearch_to_tsquery('french', ${options.text})`);
    if (options.since) query = query.where('m.sent_at', '>=', options.since);
    if (options.until) query = query.where('m.sent_at', '<', options.until);
    return query.orderBy('m.sent_at', 'desc').orderBy('m.id', 'desc').limit(options.first);
  }

  /** `searchQuery`'s messages. */
  async search(personId: string, options: { text: string; since?: Date; until?: Date; first: number }): Promise<MessageSummary[]> {
    const rows = await this.searchQuery(personId, options).execute();
    return rows.map((r) => summaryOf(r, r.read_at));
  }

  /** The person's unread copies in their inbox. */
  async unreadCount(personId: string): Promise<number> {
    const { unread } = await this.database.db
      .selectFrom('message_recipients')
      .select((eb) => eb.fn.countAll<string>().as('unread'))
      .where('person_id', '=', personId)
      .where('recalled_at', 'is', null)
      .where('trashed_at', 'is', null)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(unread);
  }

  /**
   * A message as one person may see it: their own (sent), or their copy (received, not recalled).
   * Opening a copy records its first reading (the sender's read receipt). Undefined otherwise: a
   * message of someone else is the same answer as no message.
   */
  async open(messageId: string, personId: string): Promise<OpenedMessage | undefined> {
    if (!isMessageId(messageId)) return undefined;
    const message = await this.database.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
    if (!message) return undefined;
    const own = message.sender_id === personId;
    let readAt: Date | null = message.sent_at;
    let trashed = message.sender_trashed_at !== null;
    if (!own) {
      const copy = await this.database.db
        .updateTable('message_recipients')
        .set({ read_at: sql<Date>`coalesce(read_at, now())` })
        .where('message_id', '=', messageId)
        .where('person_id', '=', personId)
        .where('recalled_at', 'is', null)
        .returning(['read_at', 'trashed_at'])
        .executeTakeFirst();
      if (!copy) return undefined;
      readAt = copy.read_at;
      trashed = copy.trashed_at !== null;
    }
    // The sender sees every recipient; a recipient sees those the sender named, never a list's members.
    let recipients = this.database.db
      .selectFrom('message_recipients')
      .select(['person_id', 'display_name'])
      .where('message_id', '=', messageId)
      .orderBy('display_name')
      .orderBy('person_id');
    if (!own) recipients = recipients.where('direct', '=', true);
    const shown = await recipients.execute();
    const attachments = await this.database.db
      .selectFrom('message_attachments')
      .select(['id', 'name', 'content_type', 'bytes'])
      .where('message_id', '=', messageId)
      .orderBy('position')
      .execute();
    return {
      id: message.id,
      threadId: message.thread_id,
      inReplyTo: message.in_reply_to,
      subject: message.subject,
      bodyHtml: message.body_html,
      senderId: message.sender_id,
      senderName: message.sender_name,
      sentAt: message.sent_at,
      readAt,
      requiresSignature: message.requires_signature,
      recalled: message.recalled_at !== null,
      lists: message.lists,
      recipients: shown.map((r) => ({ personId: r.person_id, displayName: r.display_name })),
      ownMessage: own,
      trashed,
      attachments: attachments.map((a): AttachmentInfo => ({ id: a.id, name: a.name, contentType: a.content_type, bytes: a.bytes })),
    };
  }

  /**
   * An attachment's content for a person who may have it: the message's sender, or a recipient whose
   * copy was not recalled (checked now, not when the link was made). Undefined otherwise.
   */
  async attachment(attachmentId: string, personId: string): Promise<(AttachmentInfo & { content: Readable; sha256: string | null }) | undefined> {
    if (!isMessageId(attachmentId)) return undefined;
    const row = await this.database.db
      .selectFrom('message_attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.message_id')
      .select(['a.id', 'a.name', 'a.content_type', 'a.bytes', 'a.content', 'a.object_key', 'a.sha256'])
      .where('a.id', '=', attachmentId)
      .where((eb) => sentOrReceivedBy(eb, personId))
      .executeTakeFirst();
    if (!row) return undefined;
    const content = await this.#contentOf(row);
    return content && { id: row.id, name: row.name, contentType: row.content_type, bytes: row.bytes, content, sha256: row.sha256 };
  }

  /** The bytes of a row: from the row itself, or streamed from the object store (never read whole here). */
  async #contentOf(row: { content: Buffer | null; object_key: string | null }): Promise<Readable | undefined> {
    if (row.content) return Readable.from([row.content]);
    if (!row.object_key) return undefined;
    if (!this.#objects) throw new AttachmentStoreMissingError();
    return this.#objects.get(row.object_key);
  }

  /** Who read the sender's message, and when; undefined when it is not theirs. */
  async receipts(messageId: string, senderId: string): Promise<ReadReceipt[] | undefined> {
    if (!isMessageId(messageId)) return undefined;
    const message = await this.database.db.selectFrom('messages').select('id').where('id', '=', messageId).where('sender_id', '=', senderId).executeTakeFirst();
    if (!message) return undefined;
    const rows = await this.database.db
      .selectFrom('message_recipients')
      .select(['person_id', 'display_name', 'read_at', 'recalled_at'])
      .where('message_id', '=', messageId)
      .orderBy('display_name')
      .orderBy('person_id')
      .execute();
    return rows.map((r) => ({ personId: r.person_id, displayName: r.display_name, readAt: r.read_at, recalled: r.recalled_at !== null }));
  }

  /**
   * The sender takes their message back, within `withinMs` of sending it: every unread copy
   * disappears from its recipient's folders (a copy already read stays). Says how many went, or why
   * nothing did.
   */
  async recall(messageId: string, senderId: string, withinMs: number): Promise<{ removed: number } | 'not-found' | 'too-late' | 'already-recalled'> {
    if (!isMessageId(messageId)) return 'not-found';
    return this.database.db.transaction().execute(async (trx) => {
      const message = await trx
        .selectFrom('messages')
        .select(['sent_at', 'recalled_at'])
        .where('id', '=', messageId)
        .where('sender_id', '=', senderId)
        .forUpdate()
        .executeTakeFirst();
      if (!message) return 'not-found' as const;
      if (message.recalled_at) return 'already-recalled' as const;
      if (Date.now() - message.sent_at.getTime() > withinMs) return 'too-late' as const;
      await trx
        .updateTable('messages')
        .set({ recalled_at: sql<Date>`now()` })
        .where('id', '=', messageId)
        .execute();
      // Under the message's row lock; a copy being opened now either is read (and stays) or goes.
      const recalled = await trx
        .updateTable('message_recipients')
        .set({ recalled_at: sql<Date>`now()` })
        .where('message_id', '=', messageId)
        .where('read_at', 'is', null)
        .returning('person_id')
        .execute();
      // Their notifications named the subject: they go with the copies.
      await forgetMessageNotifications(
        trx,
        messageId,
        recalled.map((r) => r.person_id),
      );
      return { removed: recalled.length };
    });
  }

  /** Puts the person's copy (or their own sent message) in the trash, or back. False when they have none. */
  async trash(messageId: string, personId: string, trashed: boolean): Promise<boolean> {
    if (!isMessageId(messageId)) return false;
    const at = trashed ? sql<Date>`now()` : null;
    const copy = await this.database.db
      .updateTable('message_recipients')
      .set({ trashed_at: at })
      .where('message_id', '=', messageId)
      .where('person_id', '=', personId)
      .where('recalled_at', 'is', null)
      .executeTakeFirst();
    const own = await this.database.db
      .updateTable('messages')
      .set({ sender_trashed_at: at })
      .where('id', '=', messageId)
      .where('sender_id', '=', personId)
      .executeTakeFirst();
    return Number(copy.numUpdatedRows) + Number(own.numUpdatedRows) > 0;
  }

  /** The signatures of a mot: every family's for its author, the guardian's own otherwise. */
  async signatures(messageId: string, personId: string, asAuthor: boolean): Promise<SignatureRow[]> {
    if (!isMessageId(messageId)) return [];
    let query = this.database.db
      .selectFrom('message_signatures')
      .select(['child_id', 'child_name', 'guardian_id', 'guardian_name', 'signed_at'])
      .where('message_id', '=', messageId);
    if (!asAuthor) query = query.where('guardian_id', '=', personId);
    const rows = await query.orderBy('child_name').orderBy('child_id').orderBy('guardian_name').orderBy('guardian_id').execute();
    return rows.map((r) => ({ childId: r.child_id, childName: r.child_name, guardianId: r.guardian_id, guardianName: r.guardian_name, signedAt: r.signed_at }));
  }

  /**
   * The author reminds the families who have not signed their mot: one new message to the guardians
   * still asked (blind copies, in the mot's thread, its lists' names), under the author's daily
   * quota. Returns how many were reminded; undefined when it is not the author's mot (or was recalled).
   */
  async remindUnsigned(
    messageId: string,
    authorId: string,
    quotas: MessageQuotas,
    /** Of the signatures still awaited, the guardians who may still sign (checked against the directory now). */
    stillAsked: (awaited: { childId: string; guardianId: string }[]) => Promise<string[]>,
  ): Promise<number | undefined> {
    if (!isMessageId(messageId)) return undefined;
    const mot = await this.database.db
      .selectFrom('messages')
      .select(['id', 'sender_name', 'subject', 'lists'])
      .where('id', '=', messageId)
      .where('sender_id', '=', authorId)
      .where('requires_signature', '=', true)
      .where('recalled_at', 'is', null)
      .executeTakeFirst();
    if (!mot) return undefined;
    const awaited = await this.database.db
      .selectFrom('message_signatures')
      .select(['child_id', 'guardian_id', 'guardian_name'])
      .where('message_id', '=', messageId)
      .where('signed_at', 'is', null)
      .execute();
    const asked = new Set(await stillAsked(awaited.map((a) => ({ childId: a.child_id, guardianId: a.guardian_id }))));
    const names = new Map(awaited.filter((a) => asked.has(a.guardian_id)).map((a) => [a.guardian_id, a.guardian_name]));
    const unsigned = [...names].map(([guardian_id, guardian_name]) => ({ guardian_id, guardian_name }));
    if (!unsigned.length) return 0;
    await this.send(
      {
        senderId: authorId,
        senderName: mot.sender_name,
        subject: `Rappel : ${mot.subject}`.slice(0, 200),
        bodyHtml: '<p>Ce mot attend encore votre signature : ouvrez-le et cliquez sur « Vu ».</p>',
        lists: mot.lists,
        recipients: unsigned.map((g) => ({ personId: g.guardian_id, displayName: g.guardian_name, direct: false })),
        inReplyTo: messageId,
      },
      quotas,
    );
    return unsigned.length;
  }

  /**
   * A guardian signs a mot for one child ("vu"): only a signature the mot asked of them, on a copy
   * they still have. True when it is signed (now or before).
   */
  async sign(messageId: string, guardianId: string, childId: string): Promise<boolean> {
    if (!isMessageId(messageId)) return false;
    const result = await this.database.db
      .updateTable('message_signatures as s')
      .set({ signed_at: sql<Date>`coalesce(s.signed_at, now())` })
      .where('s.message_id', '=', messageId)
      .where('s.guardian_id', '=', guardianId)
      .where('s.child_id', '=', childId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('message_recipients as r')
            .select('r.person_id')
            .whereRef('r.message_id', '=', 's.message_id')
            .whereRef('r.person_id', '=', 's.guardian_id')
            .where('r.recalled_at', 'is', null),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * A recipient reports a message they received (a copy they hold, not recalled) to `schoolId`'s
   * direction. Once per message and reporter: a second report keeps the first. False when they hold no copy.
   */
  async report(messageId: string, reporter: { id: string; name: string }, schoolId: string, reason: string): Promise<boolean> {
    if (!isMessageId(messageId)) return false;
    // The reporter's copy counts as read: a recall (which takes unread copies only) cannot take the
    // evidence from the reporter while the direction still reads it.
    const copy = await this.database.db
      .updateTable('message_recipients')
      .set({ read_at: sql<Date>`coalesce(read_at, now())` })
      .where('message_id', '=', messageId)
      .where('person_id', '=', reporter.id)
      .where('recalled_at', 'is', null)
      .returning('person_id')
      .executeTakeFirst();
    if (!copy) return false;
    await this.database.db
      .insertInto('message_reports')
      .values({ id: randomUUID(), message_id: messageId, reporter_id: reporter.id, reporter_name: reporter.name, school_id: schoolId, reason })
      .onConflict((oc) => oc.columns(['message_id', 'reporter_id']).doNothing())
      .execute();
    return true;
  }

  /** Reports to these schools' direction, newest first: the reported message and who reported it, nothing else. */
  async reportsFor(schoolIds: readonly string[], first: number): Promise<MessageReport[]> {
    if (!schoolIds.length) return [];
    const rows = await this.database.db
      .selectFrom('message_reports as p')
      .innerJoin('messages as m', 'm.id', 'p.message_id')
      .select([
        'p.id',
        'p.message_id',
        'p.reporter_id',
        'p.reporter_name',
        'p.reason',
        'p.reported_at',
        'm.sender_id',
        'm.sender_name',
        'm.subject',
        'm.body_html',
        'm.sent_at',
      ])
      .where('p.school_id', 'in', schoolIds)
      .orderBy('p.reported_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(first)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      reporterId: r.reporter_id,
      reporterName: r.reporter_name,
      reason: r.reason,
      reportedAt: r.reported_at,
      senderId: r.sender_id,
      senderName: r.sender_name,
      subject: r.subject,
      bodyHtml: r.body_html,
      sentAt: r.sent_at,
    }));
  }

  /** The sender and thread of a message the person may read (as its sender or through a copy): what a reply needs. */
  async readableBy(messageId: string, personId: string): Promise<{ senderId: string; senderName: string; threadId: string } | undefined> {
    if (!isMessageId(messageId)) return undefined;
    const row = await this.database.db
      .selectFrom('messages as m')
      .select(['m.sender_id', 'm.sender_name', 'm.thread_id'])
      .where('m.id', '=', messageId)
      .where((eb) => sentOrReceivedBy(eb, personId))
      .executeTakeFirst();
    return row && { senderId: row.sender_id, senderName: row.sender_name, threadId: row.thread_id };
  }
  /**
   * Saves a draft of `authorId`: a new one (at most `maxDrafts` per person, counted under the
   * author's lock), or theirs with this id. Undefined when `id` names no draft of theirs.
   */
  async saveDraft(authorId: string, content: DraftContent, options: { id?: string; maxDrafts: number }): Promise<Draft | undefined> {
    const values = {
      subject: content.subject,
      body_html: content.bodyHtml,
      recipient_ids: JSON.stringify(content.recipientIds),
      in_reply_to: content.inReplyTo,
      requires_signature: content.requiresSignature,
      updated_at: sql<Date>`clock_timestamp()`,
    };
    if (options.id !== undefined) {
      if (!isMessageId(options.id)) return undefined;
      const row = await this.database.db
        .updateTable('message_drafts')
        .set(values)
        .where('id', '=', options.id)
        .where('author_id', '=', authorId)
        .returningAll()
        .executeTakeFirst();
      return row && draftOf(row);
    }
    return this.database.db.transaction().execute(async (trx) => {
      if ((await ownedUnderLock(trx, 'message_drafts', 'author_id', authorId)) >= options.maxDrafts)
        throw new QuotaExceededError('draftsPerPerson', options.maxDrafts);
      const row = await trx
        .insertInto('message_drafts')
        .values({ id: randomUUID(), author_id: authorId, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
      return draftOf(row);
    });
  }

  /** The author's draft with this id; undefined for anyone else's. */
  async draft(draftId: string, authorId: string): Promise<Draft | undefined> {
    if (!isMessageId(draftId)) return undefined;
    const row = await this.database.db.selectFrom('message_drafts').selectAll().where('id', '=', draftId).where('author_id', '=', authorId).executeTakeFirst();
    return row && draftOf(row);
  }

  /** One page of the author's drafts, the last saved first. */
  async drafts(authorId: string, options: { first: number; after?: string }): Promise<Page<Draft>> {
    const after = options.after ? decodeCursor(options.after) : undefined;
    let query = this.database.db.selectFrom('message_drafts').selectAll().where('author_id', '=', authorId);
    if (after) query = query.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(after.sentAt, after.id)));
    const rows = await query
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.first + 1)
      .execute();
    const page = pageOf(
      rows.map((r) => ({ ...draftOf(r), sentAt: r.updated_at })),
      options.first,
    );
    return { items: page.items.map(({ sentAt: _, ...draft }) => draft), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Deletes the author's draft. False when they have none with this id. */
  async deleteDraft(draftId: string, authorId: string): Promise<boolean> {
    if (!isMessageId(draftId)) return false;
    const result = await this.database.db.deleteFrom('message_drafts').where('id', '=', draftId).where('author_id', '=', authorId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The person's own folders by name, each with how many copies it holds and how many are unread (out of the trash). */
  async ownFolders(personId: string): Promise<OwnFolder[]> {
    const rows = await this.database.db
      .selectFrom('message_folders as f')
      .leftJoin('message_recipients as r', (join) =>
        join.onRef('r.person_id', '=', 'f.person_id').onRef('r.folder_id', '=', 'f.id').on('r.recalled_at', 'is', null).on('r.trashed_at', 'is', null),
      )
      .select((eb) => [
        'f.id',
        'f.name',
        eb.fn.count<string>('r.message_id').as('total'),
        eb.fn.count<string>('r.message_id').filterWhere('r.read_at', 'is', null).as('unread'),
      ])
      .where('f.person_id', '=', personId)
      .groupBy(['f.id', 'f.name'])
      .orderBy(sql`lower(f.name)`)
      .orderBy('f.id')
      .limit(MAX_OWN_FOLDERS)
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, total: Number(r.total), unreadCount: Number(r.unread) }));
  }

  /** A new folder of the person (`name` already checked): 'name-taken' when one of theirs has it (in any case). */
  async createFolder(personId: string, name: string): Promise<OwnFolder | 'name-taken'> {
    return this.database.db.transaction().execute(async (trx) => {
      if ((await ownedUnderLock(trx, 'message_folders', 'person_id', personId)) >= MAX_OWN_FOLDERS)
        throw new QuotaExceededError('foldersPerPerson', MAX_OWN_FOLDERS);
      const taken = await trx
        .selectFrom('message_folders')
        .select('id')
        .where('person_id', '=', personId)
        .where(sql`lower(name)`, '=', name.toLowerCase())
        .executeTakeFirst();
      if (taken) return 'name-taken' as const;
      const id = randomUUID();
      await trx.insertInto('message_folders').values({ id, person_id: personId, name }).execute();
      return { id, name, total: 0, unreadCount: 0 };
    });
  }

  /** Renames the person's folder: undefined when it is not theirs, 'name-taken' when another of theirs has the name. */
  async renameFolder(personId: string, folderId: string, name: string): Promise<OwnFolder | 'name-taken' | undefined> {
    if (!isMessageId(folderId)) return undefined;
    try {
      const row = await this.database.db
        .updateTable('message_folders')
        .set({ name })
        .where('id', '=', folderId)
        .where('person_id', '=', personId)
        .returning('id')
        .executeTakeFirst();
      if (!row) return undefined;
    } catch (error) {
      if (isUniqueViolation(error)) return 'name-taken';
      throw error;
    }
    return (await this.ownFolders(personId)).find((f) => f.id === folderId);
  }

  /**
   * Deletes the person's folder; its copies go back to the inbox (the foreign key sets their folder
   * to null), nothing else changes. Undefined when it is not theirs; otherwise how many copies went back.
   */
  async deleteFolder(personId: string, folderId: string): Promise<number | undefined> {
    if (!isMessageId(folderId)) return undefined;
    return this.database.db.transaction().execute(async (trx) => {
      const { held } = await trx
        .selectFrom('message_recipients')
        .select((eb) => eb.fn.countAll<string>().as('held'))
        .where('person_id', '=', personId)
        .where('folder_id', '=', folderId)
        .executeTakeFirstOrThrow();
      const deleted = await trx.deleteFrom('message_folders').where('id', '=', folderId).where('person_id', '=', personId).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0 ? Number(held) : undefined;
    });
  }

  /**
   * Moves the person's copy of a message they received into one of their folders, or back to the
   * inbox (`folderId` null). 'no-message' when they hold no such copy (a message of someone else,
   * or their own sent one), 'no-folder' when the folder is not theirs: then nothing changes.
   */
  async moveMessage(personId: string, messageId: string, folderId: string | null): Promise<'moved' | 'no-message' | 'no-folder'> {
    if (!isMessageId(messageId)) return 'no-message';
    if (folderId !== null) {
      if (!isMessageId(folderId)) return 'no-folder';
      const mine = await this.database.db
        .selectFrom('message_folders')
        .select('id')
        .where('id', '=', folderId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      if (!mine) return 'no-folder';
    }
    try {
      const moved = await this.database.db
        .updateTable('message_recipients')
        .set({ folder_id: folderId })
        .where('message_id', '=', messageId)
        .where('person_id', '=', personId)
        .where('recalled_at', 'is', null)
        .executeTakeFirst();
      return Number(moved.numUpdatedRows) > 0 ? 'moved' : 'no-message';
    } catch (error) {
      // The folder was deleted between the check and the move: the foreign key refused it.
      if ((error as { code?: string } | undefined)?.code === '23503') return 'no-folder';
      throw error;
    }
  }
}

/**
 * How many rows of `table` a person owns, counted under a lock on (table, person) held to the end of
 * the transaction: two creations at once (two tabs, two instances) cannot both pass a bound.
 */
async function ownedUnderLock(
  trx: Transaction<Database>,
  table: 'message_drafts' | 'message_folders',
  owner: 'author_id' | 'person_id',
  personId: string,
): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${table}), hashtext(${personId}))`.execute(trx);
  const { rows } = await sql<{ owned: string }>`SELECT count(*) AS owned FROM ${sql.table(table)} WHERE ${sql.ref(owner)} = ${personId}`.execute(trx);
  return Number(rows[0]?.owned ?? 0);
}

/** The sender's daily quotas (messages, attachment bytes), for a send of `message`: QuotaExceededError past them. */
async function checkSendQuotas(db: Kysely<Database>, message: NewMessage, quotas: MessageQuotas): Promise<void> {
  const { sent } = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('sent'))
    .where('sender_id', '=', message.senderId)
    .where('sent_at', '>', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirstOrThrow();
  if (Number(sent) >= quotas.messagesPerDay) throw new QuotaExceededError('messagesPerDay', quotas.messagesPerDay);
  const attaching = (message.attachments ?? []).reduce((n, a) => n + a.content.length, 0);
  if (attaching > 0) {
    const { bytes } = await db
      .selectFrom('message_attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.message_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('a.bytes'), sql<string>`0`).as('bytes'))
      .where('m.sender_id', '=', message.senderId)
      .where('m.sent_at', '>', sql<Date>`now() - interval '1 day'`)
      .executeTakeFirstOrThrow();
    if (Number(bytes) + attaching > quotas.attachmentBytesPerDay) throw new QuotaExceededError('messageAttachmentBytesPerDay', quotas.attachmentBytesPerDay);
  }
}
