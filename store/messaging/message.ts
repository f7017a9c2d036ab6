/**
 * The hub's messaging, as the store keeps it: who may write to whom is decided before (the
 * communication subgraph's audience); the store records what was sent, to whom, and who read and
 * signed it. Every read names the person it is for: a copy is only ever found through its owner.
 */

/** A list the sender chose, as every recipient sees it: its name, never its members. */
export interface MessageList {
  id: string;
  name: string;
}

export interface NewRecipient {
  personId: string;
  displayName: string;
  /** Named by the sender (other recipients see the name); false when reached through a list. */
  direct: boolean;
}

/** A signature a mot of the cahier de liaison asks: one per child and legal guardian. */
export interface NewSignature {
  childId: string;
  childName: string;
  guardianId: string;
  guardianName: string;
}

/** A file sent with a message (its content already checked). */
export interface NewAttachment {
  name: string;
  contentType: string;
  content: Buffer;
}

/** An attachment as a message lists it: its content is served on its own. */
export interface AttachmentInfo {
  id: string;
  name: string;
  contentType: string;
  bytes: number;
}

export interface NewMessage {
  senderId: string;
  senderName: string;
  subject: string;
  /** Already sanitized. */
  bodyHtml: string;
  lists: MessageList[];
  recipients: NewRecipient[];
  /** The message answered (already checked readable by the sender): the new one joins its thread. */
  inReplyTo?: string;
  /** A mot of the cahier de liaison: each of these signs. */
  signatures?: NewSignature[];
  attachments?: NewAttachment[];
}

/** What one person may send in 24 hours, on every instance together. */
export interface MessageQuotas {
  messagesPerDay: number;
  attachmentBytesPerDay: number;
}

export type Folder = 'inbox' | 'sent' | 'trash';

/** What a draft holds: anything its author wrote so far (checked for bounds; the rules apply when sent). */
export interface DraftContent {
  subject: string;
  /** Already sanitized. */
  bodyHtml: string;
  /** Person and list ids, as chosen. */
  recipientIds: string[];
  inReplyTo: string | null;
  requiresSignature: boolean;
}

/** A message being written: its author's only. */
export interface Draft extends DraftContent {
  id: string;
  authorId: string;
  updatedAt: Date;
}

/** One of a person's own folders, with what is in it (out of the trash). */
export interface OwnFolder {
  id: string;
  name: string;
  total: number;
  unreadCount: number;
}

/** A message in a folder list. */
export interface MessageSummary {
  id: string;
  threadId: string;
  subject: string;
  senderId: string;
  senderName: string;
  sentAt: Date;
  /** For the viewer's copy: when they first opened it (null: unread). Always set for the sender's own. */
  readAt: Date | null;
  requiresSignature: boolean;
  recalled: boolean;
}

/** A message opened by one person: the sender or a recipient. */
export interface OpenedMessage extends MessageSummary {
  bodyHtml: string;
  inReplyTo: string | null;
  lists: MessageList[];
  /** What the viewer sees of the recipients: everyone for the sender; the named ones for a recipient. */
  recipients: { personId: string; displayName: string }[];
  /** Whether the viewer is its sender. */
  ownMessage: boolean;
  trashed: boolean;
  attachments: AttachmentInfo[];
}

export interface ReadReceipt {
  personId: string;
  displayName: string;
  readAt: Date | null;
  recalled: boolean;
}

export interface SignatureRow {
  childId: string;
  childName: string;
  guardianId: string;
  guardianName: string;
  signedAt: Date | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent at the end. */
  nextCursor?: string;
}

/** A message reported to a school's direction, as the direction sees it. */
export interface MessageReport {
  id: string;
  messageId: string;
  reporterId: string;
  reporterName: string;
  reason: string;
  reportedAt: Date;
  senderId: string;
  senderName: string;
  subject: string;
  bodyHtml: string;
  sentAt: Date;
}
