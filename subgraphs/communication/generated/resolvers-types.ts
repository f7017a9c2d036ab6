import type { GraphQLResolveInfo } from 'graphql';
import type { MailboxRef as MailboxRefModel, ViewerRef as ViewerRefModel, ViewerUpdateRef as ViewerUpdateRefModel, CommunicationContext } from '../context.ts';
import type { Page as PageModel, MessageSummary as MessageSummaryModel, OpenedMessage as OpenedMessageModel, MessageReport as MessageReportModel, Draft as DraftModel, AttachmentInfo as AttachmentInfoModel } from '../../../store/messaging/message.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A file sent with a message. */
export type Attachment = {
  __typename?: 'Attachment';
  bytes: Scalars['Int']['output'];
  contentType: Scalars['String']['output'];
  /** A link on the hub's origin that downloads it, for the viewer only and for a few minutes. */
  downloadPath: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** A person the hub could not reach as they asked. */
export type ContactProblem = {
  __typename?: 'ContactProblem';
  channel: Scalars['String']['output'];
  firstSeenAt: Scalars['String']['output'];
  lastSeenAt: Scalars['String']['output'];
  occurrences: Scalars['Int']['output'];
  person: Correspondent;
  problem: Scalars['String']['output'];
  uai: Scalars['String']['output'];
};

/** A person as the message names them, when it was sent. */
export type Correspondent = {
  __typename?: 'Correspondent';
  displayName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
};

/** A message being written: its author's only. */
export type Draft = {
  __typename?: 'Draft';
  /** Sanitized HTML. */
  bodyHtml: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  inReplyTo?: Maybe<Scalars['ID']['output']>;
  requiresSignature: Scalars['Boolean']['output'];
  subject: Scalars['String']['output'];
  /** Who it would go to: each with its name while the viewer may write to them (null otherwise: sending would be refused). */
  to: Array<DraftRecipient>;
  updatedAt: Scalars['String']['output'];
};

/** A message being written, as saved so far: nothing is checked against the rules until it is sent. */
export type DraftInput = {
  /** HTML, as in `sendMessage` (may be empty until sent). */
  body?: Scalars['String']['input'];
  inReplyTo?: InputMaybe<Scalars['ID']['input']>;
  requiresSignature?: InputMaybe<Scalars['Boolean']['input']>;
  /** At most 200 characters (may be empty until sent). */
  subject?: Scalars['String']['input'];
  /** Person ids and list ids (from `recipients`); at most 100. */
  to?: Array<Scalars['ID']['input']>;
};

export type DraftRecipient = {
  __typename?: 'DraftRecipient';
  id: Scalars['ID']['output'];
  kind: RecipientKind;
  /** Null when the viewer may no longer write to them. */
  name?: Maybe<Scalars['String']['output']>;
};

/** E-mail: at once, in the daily digest (18:00), in the weekly digest (Monday morning), or never. */
export type EmailFrequency =
  | 'DAILY'
  | 'IMMEDIATE'
  | 'NEVER'
  | 'WEEKLY';

export type FileInput = {
  /** The file's bytes, base64-encoded. */
  base64: Scalars['String']['input'];
  contentType: Scalars['String']['input'];
  name: Scalars['String']['input'];
};

export type Folder =
  /** The viewer's drafts, the last saved first (`sentAt`: when saved; open one with `draft(id)`). */
  | 'DRAFTS'
  | 'INBOX'
  | 'SENT'
  | 'TRASH';

export type Liaison = {
  __typename?: 'Liaison';
  asked: Scalars['Int']['output'];
  /** Signatures per child: one per legal guardian (separated parents each sign). */
  children: Array<LiaisonChild>;
  /** How many of the signatures asked are given. */
  signed: Scalars['Int']['output'];
};

export type LiaisonChild = {
  __typename?: 'LiaisonChild';
  child: Correspondent;
  signatures: Array<LiaisonSignature>;
};

export type LiaisonSignature = {
  __typename?: 'LiaisonSignature';
  guardian: Correspondent;
  /** Null until they sign. */
  signedAt?: Maybe<Scalars['String']['output']>;
};

export type Mailbox = {
  __typename?: 'Mailbox';
  /** One of the viewer's drafts (null for any other), to write on. */
  draft?: Maybe<Draft>;
  /** A folder, newest first: `first` (1 to 100), the next page `after` the last page's `nextCursor`. */
  folder: MessagePage;
  /** The viewer's own folders by name (at most 100), with their unread counts. */
  folders: Array<MessageFolder>;
  /** One of the viewer's own folders, like `folder` (NOT_FOUND when it is not theirs). */
  ownFolder: MessagePage;
  /**
   * The viewer's messages (sent or received, the trash included) matching `text` (French full-text:
   * words of the sender's name, the subject or the body; "a phrase"; -excluded), optionally sent from
   * `since` (included) to `until` (excluded), ISO dates. Newest first, at most `first` (1 to 50).
   */
  search: Array<MessageSummary>;
  /** Received messages not yet opened, out of the trash. */
  unreadCount: Scalars['Int']['output'];
};


export type MailboxDraftArgs = {
  id: Scalars['ID']['input'];
};


export type MailboxFolderArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  name: Folder;
};


export type MailboxOwnFolderArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
};


export type MailboxSearchArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['String']['input']>;
  text: Scalars['String']['input'];
  until?: InputMaybe<Scalars['String']['input']>;
};

export type Message = {
  __typename?: 'Message';
  attachments: Array<Attachment>;
  /** Sanitized HTML. */
  bodyHtml: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  inReplyTo?: Maybe<Scalars['ID']['output']>;
  /** A mot of the cahier de liaison: its signatures (the author sees every family's; a guardian their own). */
  liaison?: Maybe<Liaison>;
  lists: Array<MessageListName>;
  /** Whether the viewer sent it. */
  ownMessage: Scalars['Boolean']['output'];
  readAt?: Maybe<Scalars['String']['output']>;
  recalled: Scalars['Boolean']['output'];
  /** For its sender only: who read it and who has not. */
  receipts?: Maybe<ReadReceipts>;
  sender: Correspondent;
  sentAt: Scalars['String']['output'];
  subject: Scalars['String']['output'];
  threadId: Scalars['ID']['output'];
  /** The people the sender named (the sender sees everyone it reached); a list's members stay hidden from its recipients. */
  to: Array<Correspondent>;
  trashed: Scalars['Boolean']['output'];
};

/** One of the viewer's own folders. */
export type MessageFolder = {
  __typename?: 'MessageFolder';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Messages in it, out of the trash. */
  total: Scalars['Int']['output'];
  unreadCount: Scalars['Int']['output'];
};

/** A list the sender chose: every recipient sees its name, never its members. */
export type MessageListName = {
  __typename?: 'MessageListName';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type MessagePage = {
  __typename?: 'MessagePage';
  items: Array<MessageSummary>;
  /** Absent at the end. */
  nextCursor?: Maybe<Scalars['String']['output']>;
};

export type MessageReport = {
  __typename?: 'MessageReport';
  /** Who wrote the reported message, and what: reading it is journaled, naming them. */
  author: ReportedAuthor;
  id: Scalars['ID']['output'];
  messageId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  reportedAt: Scalars['String']['output'];
  reporter: Correspondent;
};

export type MessageSummary = {
  __typename?: 'MessageSummary';
  id: Scalars['ID']['output'];
  /** When the viewer first opened it (their own: when sent); null while unread. */
  readAt?: Maybe<Scalars['String']['output']>;
  recalled: Scalars['Boolean']['output'];
  requiresSignature: Scalars['Boolean']['output'];
  sender: Correspondent;
  sentAt: Scalars['String']['output'];
  subject: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels an event (its author, or the school's direction); those already told are told of the cancellation. */
  cancelSchoolEvent?: Maybe<SchoolEvent>;
  /** A new folder of the viewer's: `name` 1 to 60 characters, unique among theirs whatever the case; at most 100 folders. */
  createMessageFolder: MessageFolder;
  /**
   * Puts an event in the shared agenda of one of the viewer's schools: a teacher for the classes and
   * groups they teach, the direction and the vie scolaire office for any class, group or the whole
   * school. The audience is told (by their preferences), and reminded the day before.
   */
  createSchoolEvent: SchoolEvent;
  /** Deletes one of the viewer's drafts. False when they have none with this id. */
  deleteDraft: Scalars['Boolean']['output'];
  /** Deletes one of the viewer's folders: its messages go back to the inbox. Returns how many did (NOT_FOUND when it is not theirs). */
  deleteMessageFolder: Scalars['Int']['output'];
  /** Marks the viewer's notifications read: those named, or all of them when `ids` is absent. Returns how many changed. */
  markNotificationsRead: Scalars['Int']['output'];
  /**
   * Moves a message the viewer received into one of their folders, or back to the inbox (`folderId`
   * absent). Another person's message or folder is refused (NOT_FOUND) and nothing changes.
   */
  moveMessage: Scalars['Boolean']['output'];
  /**
   * Takes a message back within the hub's recall delay: every copy not yet read disappears from its
   * recipient's folders. Returns how many copies went.
   */
  recallMessage: Scalars['Int']['output'];
  /** For a mot's author: reminds the guardians who have not signed it (one message, in its thread, blind copies). Returns how many. */
  remindLiaison: Scalars['Int']['output'];
  /** Renames one of the viewer's folders (NOT_FOUND when it is not theirs). */
  renameMessageFolder: MessageFolder;
  /**
   * Reports a message the viewer received to the school's direction (abuse): the direction sees that
   * message and the reason, nothing else of the mailbox. `reason`: 1 to 500 characters. False when the
   * viewer did not receive it.
   */
  reportMessage: Scalars['Boolean']['output'];
  /**
   * Saves a message being written: a new draft, or the viewer's draft `id`. Its bounds are a sent
   * message's (subject, body, at most 100 ids); who it goes to is checked when it is sent. Drafts hold
   * no attachments. At most COMMUNICATION_MAX_DRAFTS drafts per person (QUOTA_EXCEEDED).
   */
  saveDraft: Draft;
  /**
   * Sends one of the viewer's drafts, with every check of `sendMessage`; the draft is gone once sent.
   * Sent twice, it is sent once (NOT_FOUND the second time).
   */
  sendDraft: Message;
  /**
   * Sends a message to people and lists. Every recipient is checked against who the viewer may
   * write to; one that is not allowed refuses the whole message (FORBIDDEN, naming the ids) and
   * nothing is sent. Lists are expanded now: who receives is recorded.
   */
  sendMessage: Message;
  /** Changes how the viewer hears about some categories (the others keep theirs). SMS is for guardians. */
  setNotificationPreferences: NotificationSettings;
  /** Sets the viewer's quiet hours (HH:mm, Europe/Paris; equal times: none). */
  setQuietHours: NotificationSettings;
  /** Signs a mot of the cahier de liaison for one child (« vu »). False when the mot asks nothing of the viewer for this child. */
  signLiaison: Scalars['Boolean']['output'];
  /** Puts one of the viewer's messages in the trash (`trashed: true`) or back in its folder. */
  trashMessage: Scalars['Boolean']['output'];
};


export type MutationCancelSchoolEventArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateMessageFolderArgs = {
  name: Scalars['String']['input'];
};


export type MutationCreateSchoolEventArgs = {
  input: SchoolEventInput;
};


export type MutationDeleteDraftArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteMessageFolderArgs = {
  id: Scalars['ID']['input'];
};


export type MutationMarkNotificationsReadArgs = {
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationMoveMessageArgs = {
  folderId?: InputMaybe<Scalars['ID']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRecallMessageArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRemindLiaisonArgs = {
  messageId: Scalars['ID']['input'];
};


export type MutationRenameMessageFolderArgs = {
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


export type MutationReportMessageArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationSaveDraftArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  input: DraftInput;
};


export type MutationSendDraftArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSendMessageArgs = {
  input: SendMessageInput;
};


export type MutationSetNotificationPreferencesArgs = {
  preferences: Array<NotificationPreferenceInput>;
};


export type MutationSetQuietHoursArgs = {
  from: Scalars['String']['input'];
  to: Scalars['String']['input'];
};


export type MutationSignLiaisonArgs = {
  childId: Scalars['ID']['input'];
  messageId: Scalars['ID']['input'];
};


export type MutationTrashMessageArgs = {
  id: Scalars['ID']['input'];
  trashed?: Scalars['Boolean']['input'];
};

/** Something that happened, as the viewer was told (in French). */
export type Notification = {
  __typename?: 'Notification';
  body: Scalars['String']['output'];
  category: NotificationCategory;
  /** For a guardian: the child it is about. */
  child?: Maybe<Correspondent>;
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** A path of the portal where it is shown. */
  link?: Maybe<Scalars['String']['output']>;
  /** Null while unread. */
  readAt?: Maybe<Scalars['String']['output']>;
  title: Scalars['String']['output'];
};

export type NotificationCategory =
  | 'ABSENCE'
  | 'GRADE'
  | 'HOMEWORK'
  | 'JUSTIFICATION'
  | 'MESSAGE'
  | 'PUNISHMENT'
  | 'SCHOOL_EVENT'
  | 'TIMETABLE';

export type NotificationPage = {
  __typename?: 'NotificationPage';
  /** Pass as `after` for the next page; absent at the end. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  items: Array<Notification>;
};

export type NotificationPreference = {
  __typename?: 'NotificationPreference';
  category: NotificationCategory;
  email: EmailFrequency;
  inApp: Scalars['Boolean']['output'];
  sms: SmsFrequency;
};

export type NotificationPreferenceInput = {
  category: NotificationCategory;
  email: EmailFrequency;
  inApp: Scalars['Boolean']['input'];
  sms: SmsFrequency;
};

export type NotificationSettings = {
  __typename?: 'NotificationSettings';
  /** One per category: the viewer's choice, or the default of their profile. */
  preferences: Array<NotificationPreference>;
  /** No SMS or e-mail between these times (HH:mm, Europe/Paris): what falls in them waits. */
  quietFrom: Scalars['String']['output'];
  quietTo: Scalars['String']['output'];
  /** Whether the viewer may choose SMS (guardians). */
  smsAvailable: Scalars['Boolean']['output'];
};

/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * For a school's direction and vie scolaire office: the people the hub could not reach as they asked
   * (no mobile number, an invalid one, no e-mail address), most recent first (at most `first`, 1 to 200).
   */
  contactProblems: Array<ContactProblem>;
  /** The viewer's mailbox. */
  mailbox?: Maybe<Mailbox>;
  /** One message the viewer sent or received (opening a received one records its reading). Null for any other. */
  message?: Maybe<Message>;
  /**
   * People and lists the viewer may write to whose names match `search` (at least two letters, at
   * most 100 characters): nobody else is ever offered.
   */
  recipients: Array<Recipient>;
  /** For a school's direction (DIR): the messages reported to it, newest first (at most `first`, 1 to 50). Reading one is journaled, naming its author. */
  reportedMessages: Array<MessageReport>;
  /**
   * The shared agenda from `from` to `to` (yyyy-MM-dd, at most 62 days): the events of the viewer's
   * schools, classes and groups (a guardian's: their children's), cancelled ones marked.
   */
  schoolEvents: Array<SchoolEvent>;
  /** Who is logged in (the identity subgraph says who), with their notifications and their preferences. */
  viewer?: Maybe<Viewer>;
};


/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type QueryContactProblemsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type QueryMessageArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type QueryRecipientsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  search: Scalars['String']['input'];
};


/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type QueryReportedMessagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * The hub's messaging: messages between the people of the schools, class and group lists, read
 * receipts, recall, and the cahier de liaison (a mot the families sign). Who may write to whom comes
 * from the académie's directory (subgraphs/communication/audience.ts). Only the sender and the
 * recipients of a message ever read it.
 */
export type QuerySchoolEventsArgs = {
  from: Scalars['String']['input'];
  to: Scalars['String']['input'];
};

export type ReadReceipts = {
  __typename?: 'ReadReceipts';
  notYetRead: Array<Correspondent>;
  read: Scalars['Int']['output'];
  readBy: Array<Receipt>;
  /** Copies delivered (recalled ones not counted). */
  total: Scalars['Int']['output'];
};

export type Receipt = {
  __typename?: 'Receipt';
  person: Correspondent;
  readAt: Scalars['String']['output'];
};

/** Someone or a list the viewer may write to. */
export type Recipient = {
  __typename?: 'Recipient';
  /** A person's id, or a list's (pass either in `to`). */
  id: Scalars['ID']['output'];
  kind: RecipientKind;
  name: Scalars['String']['output'];
  /** For a person: their profile. */
  profile?: Maybe<Scalars['String']['output']>;
};

export type RecipientKind =
  | 'LIST'
  | 'PERSON';

/** The author of a reported message and what they wrote (the journal names them when the direction reads it). */
export type ReportedAuthor = {
  __typename?: 'ReportedAuthor';
  bodyHtml: Scalars['String']['output'];
  displayName: Scalars['String']['output'];
  /** The author's person id. */
  id: Scalars['ID']['output'];
  sentAt: Scalars['String']['output'];
  subject: Scalars['String']['output'];
};

/** A school event of the shared agenda. */
export type SchoolEvent = {
  __typename?: 'SchoolEvent';
  /** Who it is for: the whole school, a class or a group. */
  audience: SchoolEventAudience;
  canceled: Scalars['Boolean']['output'];
  category: SchoolEventCategory;
  createdBy: Correspondent;
  description: Scalars['String']['output'];
  /** Whether the viewer may change or cancel it (its author, or the school's direction). */
  editable: Scalars['Boolean']['output'];
  endsAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  location?: Maybe<Scalars['String']['output']>;
  /** ISO 8601 with the Paris offset. */
  startsAt: Scalars['String']['output'];
  title: Scalars['String']['output'];
};

export type SchoolEventAudience = {
  __typename?: 'SchoolEventAudience';
  /** The class or group code. */
  code?: Maybe<Scalars['String']['output']>;
  kind: SchoolEventAudienceKind;
  schoolName: Scalars['String']['output'];
  uai: Scalars['String']['output'];
};

export type SchoolEventAudienceKind =
  | 'CLASS'
  | 'GROUP'
  | 'SCHOOL';

export type SchoolEventCategory =
  | 'AUTRE'
  | 'CONSEIL_DE_CLASSE'
  | 'EXAMEN_BLANC'
  | 'REUNION_PARENTS'
  | 'SORTIE';

export type SchoolEventInput = {
  audience: SchoolEventAudienceKind;
  category: SchoolEventCategory;
  /** The class or group code (for CLASS and GROUP). */
  code?: InputMaybe<Scalars['String']['input']>;
  /** Plain text, at most 2,000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  endsAt: Scalars['String']['input'];
  /** At most 200 characters. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** ISO 8601 date-times; the event lasts at most 14 days. */
  startsAt: Scalars['String']['input'];
  /** 1 to 200 characters. */
  title: Scalars['String']['input'];
  /** The school (UAI) whose event it is: one of the viewer's. */
  uai: Scalars['String']['input'];
};

export type SendMessageInput = {
  /** At most 3 files (PDF, PNG, JPEG, DOCX, ODT; each at most 1 MB, checked by content; a daily quota of bytes per person). */
  attachments?: InputMaybe<Array<FileInput>>;
  /** HTML: text formatting, lists, tables and links; anything else is refused (at most 100,000 characters). */
  body: Scalars['String']['input'];
  /** The message this answers (one the viewer sent or received): its sender may always be answered. */
  inReplyTo?: InputMaybe<Scalars['ID']['input']>;
  /** A mot of the cahier de liaison: only to class guardian lists, by their teachers and the direction; each legal guardian signs it per child. */
  requiresSignature?: InputMaybe<Scalars['Boolean']['input']>;
  /** At most 200 characters. */
  subject: Scalars['String']['input'];
  /** Person ids and list ids (from `recipients`); at most 100. */
  to: Array<Scalars['ID']['input']>;
};

/** SMS is for what cannot wait: at once, or never (guardians only). */
export type SmsFrequency =
  | 'IMMEDIATE'
  | 'NEVER';

/**
 * Live updates, over Server-Sent Events through the router (`Accept: text/event-stream`), like any
 * operation: authenticated, authorized field by field, journaled.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * What changes for the viewer from now on: a message or a notification arrives, is read (in another
   * tab or on another device), is recalled or removed. Changes close together come as one update
   * (at most about one a second). Each update says what changed and carries the unread counts as
   * they are then; a page reads again what it shows. The stream ends with the session, and after at
   * most an hour (the client subscribes again: what it may see is decided anew).
   */
  viewerUpdates: ViewerUpdate;
};

export type Viewer = {
  __typename?: 'Viewer';
  /** How the viewer wants to hear about each kind of event, and their quiet hours. */
  notificationPreferences: NotificationSettings;
  /** The viewer's notifications, newest first (at most `first`, 1 to 50; then `after` the page's `endCursor`). */
  notifications: NotificationPage;
  /** How many of the viewer's notifications are unread. */
  unreadNotifications: Scalars['Int']['output'];
};


export type ViewerNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ViewerChange =
  | 'MESSAGES'
  | 'NOTIFICATIONS'
  | 'RESYNC';

export type ViewerUpdate = {
  __typename?: 'ViewerUpdate';
  /** What changed since the previous update (RESYNC: the hub may have missed changes; read everything again). */
  changes: Array<ViewerChange>;
  /** How many received messages are unread, now (out of the trash). */
  unreadMessages: Scalars['Int']['output'];
  /** How many of the viewer's notifications are unread, now. */
  unreadNotifications: Scalars['Int']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Attachment: ResolverTypeWrapper<AttachmentInfoModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ContactProblem: ResolverTypeWrapper<ContactProblem>;
  Correspondent: ResolverTypeWrapper<Correspondent>;
  Draft: ResolverTypeWrapper<DraftModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  DraftInput: DraftInput;
  DraftRecipient: ResolverTypeWrapper<DraftRecipient>;
  EmailFrequency: EmailFrequency;
  FileInput: FileInput;
  Folder: Folder;
  Liaison: ResolverTypeWrapper<Liaison>;
  LiaisonChild: ResolverTypeWrapper<LiaisonChild>;
  LiaisonSignature: ResolverTypeWrapper<LiaisonSignature>;
  Mailbox: ResolverTypeWrapper<MailboxRefModel>;
  Message: ResolverTypeWrapper<OpenedMessageModel>;
  MessageFolder: ResolverTypeWrapper<MessageFolder>;
  MessageListName: ResolverTypeWrapper<MessageListName>;
  MessagePage: ResolverTypeWrapper<PageModel<MessageSummaryModel>>;
  MessageReport: ResolverTypeWrapper<MessageReportModel>;
  MessageSummary: ResolverTypeWrapper<MessageSummaryModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Notification: ResolverTypeWrapper<Notification>;
  NotificationCategory: NotificationCategory;
  NotificationPage: ResolverTypeWrapper<NotificationPage>;
  NotificationPreference: ResolverTypeWrapper<NotificationPreference>;
  NotificationPreferenceInput: NotificationPreferenceInput;
  NotificationSettings: ResolverTypeWrapper<NotificationSettings>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReadReceipts: ResolverTypeWrapper<ReadReceipts>;
  Receipt: ResolverTypeWrapper<Receipt>;
  Recipient: ResolverTypeWrapper<Recipient>;
  RecipientKind: RecipientKind;
  ReportedAuthor: ResolverTypeWrapper<MessageReportModel>;
  SchoolEvent: ResolverTypeWrapper<SchoolEvent>;
  SchoolEventAudience: ResolverTypeWrapper<SchoolEventAudience>;
  SchoolEventAudienceKind: SchoolEventAudienceKind;
  SchoolEventCategory: SchoolEventCategory;
  SchoolEventInput: SchoolEventInput;
  SendMessageInput: SendMessageInput;
  SmsFrequency: SmsFrequency;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Viewer: ResolverTypeWrapper<ViewerRefModel>;
  ViewerChange: ViewerChange;
  ViewerUpdate: ResolverTypeWrapper<ViewerUpdateRefModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Attachment: AttachmentInfoModel;
  Int: Scalars['Int']['output'];
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  ContactProblem: ContactProblem;
  Correspondent: Correspondent;
  Draft: DraftModel;
  Boolean: Scalars['Boolean']['output'];
  DraftInput: DraftInput;
  DraftRecipient: DraftRecipient;
  FileInput: FileInput;
  Liaison: Liaison;
  LiaisonChild: LiaisonChild;
  LiaisonSignature: LiaisonSignature;
  Mailbox: MailboxRefModel;
  Message: OpenedMessageModel;
  MessageFolder: MessageFolder;
  MessageListName: MessageListName;
  MessagePage: PageModel<MessageSummaryModel>;
  MessageReport: MessageReportModel;
  MessageSummary: MessageSummaryModel;
  Mutation: Record<PropertyKey, never>;
  Notification: Notification;
  NotificationPage: NotificationPage;
  NotificationPreference: NotificationPreference;
  NotificationPreferenceInput: NotificationPreferenceInput;
  NotificationSettings: NotificationSettings;
  Query: Record<PropertyKey, never>;
  ReadReceipts: ReadReceipts;
  Receipt: Receipt;
  Recipient: Recipient;
  ReportedAuthor: MessageReportModel;
  SchoolEvent: SchoolEvent;
  SchoolEventAudience: SchoolEventAudience;
  SchoolEventInput: SchoolEventInput;
  SendMessageInput: SendMessageInput;
  Subscription: Record<PropertyKey, never>;
  Viewer: ViewerRefModel;
  ViewerUpdate: ViewerUpdateRefModel;
}>;

export type AuditSubjectDirectiveArgs = { };

export type AuditSubjectDirectiveResolver<Result, Parent, ContextType = CommunicationContext, Args = AuditSubjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AttachmentResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Attachment'] = ResolversParentTypes['Attachment']> = ResolversObject<{
  bytes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  downloadPath?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ContactProblemResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['ContactProblem'] = ResolversParentTypes['ContactProblem']> = ResolversObject<{
  channel?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  firstSeenAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastSeenAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  occurrences?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  problem?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uai?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CorrespondentResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Correspondent'] = ResolversParentTypes['Correspondent']> = ResolversObject<{
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type DraftResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Draft'] = ResolversParentTypes['Draft']> = ResolversObject<{
  bodyHtml?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inReplyTo?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  requiresSignature?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<Array<ResolversTypes['DraftRecipient']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type DraftRecipientResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['DraftRecipient'] = ResolversParentTypes['DraftRecipient']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['RecipientKind'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type LiaisonResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Liaison'] = ResolversParentTypes['Liaison']> = ResolversObject<{
  asked?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  children?: Resolver<Array<ResolversTypes['LiaisonChild']>, ParentType, ContextType>;
  signed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type LiaisonChildResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['LiaisonChild'] = ResolversParentTypes['LiaisonChild']> = ResolversObject<{
  child?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  signatures?: Resolver<Array<ResolversTypes['LiaisonSignature']>, ParentType, ContextType>;
}>;

export type LiaisonSignatureResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['LiaisonSignature'] = ResolversParentTypes['LiaisonSignature']> = ResolversObject<{
  guardian?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  signedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MailboxResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Mailbox'] = ResolversParentTypes['Mailbox']> = ResolversObject<{
  draft?: Resolver<Maybe<ResolversTypes['Draft']>, ParentType, ContextType, RequireFields<MailboxDraftArgs, 'id'>>;
  folder?: Resolver<ResolversTypes['MessagePage'], ParentType, ContextType, RequireFields<MailboxFolderArgs, 'first' | 'name'>>;
  folders?: Resolver<Array<ResolversTypes['MessageFolder']>, ParentType, ContextType>;
  ownFolder?: Resolver<ResolversTypes['MessagePage'], ParentType, ContextType, RequireFields<MailboxOwnFolderArgs, 'first' | 'id'>>;
  search?: Resolver<Array<ResolversTypes['MessageSummary']>, ParentType, ContextType, RequireFields<MailboxSearchArgs, 'first' | 'text'>>;
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type MessageResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Message'] = ResolversParentTypes['Message']> = ResolversObject<{
  attachments?: Resolver<Array<ResolversTypes['Attachment']>, ParentType, ContextType>;
  bodyHtml?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inReplyTo?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  liaison?: Resolver<Maybe<ResolversTypes['Liaison']>, ParentType, ContextType>;
  lists?: Resolver<Array<ResolversTypes['MessageListName']>, ParentType, ContextType>;
  ownMessage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recalled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  receipts?: Resolver<Maybe<ResolversTypes['ReadReceipts']>, ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  sentAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  threadId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  to?: Resolver<Array<ResolversTypes['Correspondent']>, ParentType, ContextType>;
  trashed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type MessageFolderResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['MessageFolder'] = ResolversParentTypes['MessageFolder']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type MessageListNameResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['MessageListName'] = ResolversParentTypes['MessageListName']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MessagePageResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['MessagePage'] = ResolversParentTypes['MessagePage']> = ResolversObject<{
  items?: Resolver<Array<ResolversTypes['MessageSummary']>, ParentType, ContextType>;
  nextCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MessageReportResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['MessageReport'] = ResolversParentTypes['MessageReport']> = ResolversObject<{
  author?: Resolver<ResolversTypes['ReportedAuthor'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  messageId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reportedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reporter?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
}>;

export type MessageSummaryResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['MessageSummary'] = ResolversParentTypes['MessageSummary']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recalled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  requiresSignature?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  sentAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelSchoolEvent?: Resolver<Maybe<ResolversTypes['SchoolEvent']>, ParentType, ContextType, RequireFields<MutationCancelSchoolEventArgs, 'id'>>;
  createMessageFolder?: Resolver<ResolversTypes['MessageFolder'], ParentType, ContextType, RequireFields<MutationCreateMessageFolderArgs, 'name'>>;
  createSchoolEvent?: Resolver<ResolversTypes['SchoolEvent'], ParentType, ContextType, RequireFields<MutationCreateSchoolEventArgs, 'input'>>;
  deleteDraft?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteDraftArgs, 'id'>>;
  deleteMessageFolder?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationDeleteMessageFolderArgs, 'id'>>;
  markNotificationsRead?: Resolver<ResolversTypes['Int'], ParentType, ContextType, Partial<MutationMarkNotificationsReadArgs>>;
  moveMessage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationMoveMessageArgs, 'id'>>;
  recallMessage?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationRecallMessageArgs, 'id'>>;
  remindLiaison?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationRemindLiaisonArgs, 'messageId'>>;
  renameMessageFolder?: Resolver<ResolversTypes['MessageFolder'], ParentType, ContextType, RequireFields<MutationRenameMessageFolderArgs, 'id' | 'name'>>;
  reportMessage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationReportMessageArgs, 'id' | 'reason'>>;
  saveDraft?: Resolver<ResolversTypes['Draft'], ParentType, ContextType, RequireFields<MutationSaveDraftArgs, 'input'>>;
  sendDraft?: Resolver<ResolversTypes['Message'], ParentType, ContextType, RequireFields<MutationSendDraftArgs, 'id'>>;
  sendMessage?: Resolver<ResolversTypes['Message'], ParentType, ContextType, RequireFields<MutationSendMessageArgs, 'input'>>;
  setNotificationPreferences?: Resolver<ResolversTypes['NotificationSettings'], ParentType, ContextType, RequireFields<MutationSetNotificationPreferencesArgs, 'preferences'>>;
  setQuietHours?: Resolver<ResolversTypes['NotificationSettings'], ParentType, ContextType, RequireFields<MutationSetQuietHoursArgs, 'from' | 'to'>>;
  signLiaison?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationSignLiaisonArgs, 'childId' | 'messageId'>>;
  trashMessage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationTrashMessageArgs, 'id' | 'trashed'>>;
}>;

export type NotificationResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification']> = ResolversObject<{
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['NotificationCategory'], ParentType, ContextType>;
  child?: Resolver<Maybe<ResolversTypes['Correspondent']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  link?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type NotificationPageResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['NotificationPage'] = ResolversParentTypes['NotificationPage']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['Notification']>, ParentType, ContextType>;
}>;

export type NotificationPreferenceResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['NotificationPreference'] = ResolversParentTypes['NotificationPreference']> = ResolversObject<{
  category?: Resolver<ResolversTypes['NotificationCategory'], ParentType, ContextType>;
  email?: Resolver<ResolversTypes['EmailFrequency'], ParentType, ContextType>;
  inApp?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  sms?: Resolver<ResolversTypes['SmsFrequency'], ParentType, ContextType>;
}>;

export type NotificationSettingsResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['NotificationSettings'] = ResolversParentTypes['NotificationSettings']> = ResolversObject<{
  preferences?: Resolver<Array<ResolversTypes['NotificationPreference']>, ParentType, ContextType>;
  quietFrom?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quietTo?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  smsAvailable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  contactProblems?: Resolver<Array<ResolversTypes['ContactProblem']>, ParentType, ContextType, RequireFields<QueryContactProblemsArgs, 'first'>>;
  mailbox?: Resolver<Maybe<ResolversTypes['Mailbox']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['Message']>, ParentType, ContextType, RequireFields<QueryMessageArgs, 'id'>>;
  recipients?: Resolver<Array<ResolversTypes['Recipient']>, ParentType, ContextType, RequireFields<QueryRecipientsArgs, 'first' | 'search'>>;
  reportedMessages?: Resolver<Array<ResolversTypes['MessageReport']>, ParentType, ContextType, RequireFields<QueryReportedMessagesArgs, 'first'>>;
  schoolEvents?: Resolver<Array<ResolversTypes['SchoolEvent']>, ParentType, ContextType, RequireFields<QuerySchoolEventsArgs, 'from' | 'to'>>;
  viewer?: Resolver<Maybe<ResolversTypes['Viewer']>, ParentType, ContextType>;
}>;

export type ReadReceiptsResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['ReadReceipts'] = ResolversParentTypes['ReadReceipts']> = ResolversObject<{
  notYetRead?: Resolver<Array<ResolversTypes['Correspondent']>, ParentType, ContextType>;
  read?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  readBy?: Resolver<Array<ResolversTypes['Receipt']>, ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ReceiptResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Receipt'] = ResolversParentTypes['Receipt']> = ResolversObject<{
  person?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  readAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type RecipientResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Recipient'] = ResolversParentTypes['Recipient']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['RecipientKind'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profile?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ReportedAuthorResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['ReportedAuthor'] = ResolversParentTypes['ReportedAuthor']> = ResolversObject<{
  bodyHtml?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sentAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SchoolEventResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['SchoolEvent'] = ResolversParentTypes['SchoolEvent']> = ResolversObject<{
  audience?: Resolver<ResolversTypes['SchoolEventAudience'], ParentType, ContextType>;
  canceled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['SchoolEventCategory'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['Correspondent'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  editable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  endsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  location?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SchoolEventAudienceResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['SchoolEventAudience'] = ResolversParentTypes['SchoolEventAudience']> = ResolversObject<{
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['SchoolEventAudienceKind'], ParentType, ContextType>;
  schoolName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uai?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  viewerUpdates?: SubscriptionResolver<ResolversTypes['ViewerUpdate'], "viewerUpdates", ParentType, ContextType>;
}>;

export type ViewerResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = ResolversObject<{
  notificationPreferences?: Resolver<ResolversTypes['NotificationSettings'], ParentType, ContextType>;
  notifications?: Resolver<ResolversTypes['NotificationPage'], ParentType, ContextType, RequireFields<ViewerNotificationsArgs, 'first'>>;
  unreadNotifications?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ViewerUpdateResolvers<ContextType = CommunicationContext, ParentType extends ResolversParentTypes['ViewerUpdate'] = ResolversParentTypes['ViewerUpdate']> = ResolversObject<{
  changes?: Resolver<Array<ResolversTypes['ViewerChange']>, ParentType, ContextType>;
  unreadMessages?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unreadNotifications?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = CommunicationContext> = ResolversObject<{
  Attachment?: AttachmentResolvers<ContextType>;
  ContactProblem?: ContactProblemResolvers<ContextType>;
  Correspondent?: CorrespondentResolvers<ContextType>;
  Draft?: DraftResolvers<ContextType>;
  DraftRecipient?: DraftRecipientResolvers<ContextType>;
  Liaison?: LiaisonResolvers<ContextType>;
  LiaisonChild?: LiaisonChildResolvers<ContextType>;
  LiaisonSignature?: LiaisonSignatureResolvers<ContextType>;
  Mailbox?: MailboxResolvers<ContextType>;
  Message?: MessageResolvers<ContextType>;
  MessageFolder?: MessageFolderResolvers<ContextType>;
  MessageListName?: MessageListNameResolvers<ContextType>;
  MessagePage?: MessagePageResolvers<ContextType>;
  MessageReport?: MessageReportResolvers<ContextType>;
  MessageSummary?: MessageSummaryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationPage?: NotificationPageResolvers<ContextType>;
  NotificationPreference?: NotificationPreferenceResolvers<ContextType>;
  NotificationSettings?: NotificationSettingsResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReadReceipts?: ReadReceiptsResolvers<ContextType>;
  Receipt?: ReceiptResolvers<ContextType>;
  Recipient?: RecipientResolvers<ContextType>;
  ReportedAuthor?: ReportedAuthorResolvers<ContextType>;
  SchoolEvent?: SchoolEventResolvers<ContextType>;
  SchoolEventAudience?: SchoolEventAudienceResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  ViewerUpdate?: ViewerUpdateResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = CommunicationContext> = ResolversObject<{
  auditSubject?: AuditSubjectDirectiveResolver<any, any, ContextType>;
}>;
