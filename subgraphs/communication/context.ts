import type { Directory } from '../../connectors/directory/directory.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import type { LiveUpdates } from '../../store/live-updates.ts';
import type { PostgresMessageStore } from '../../store/messaging/postgres-store.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import type { Perimeter } from '../perimeter/perimeter.ts';
import type { Audience } from './audience.ts';
import type { MessagingConfig } from './config.ts';

export interface CommunicationContext {
  viewer: Viewer;
  requestId: string;
  messages: PostgresMessageStore;
  /** Each person's notifications and preferences; a sent message becomes an event here. */
  notifications: PostgresNotificationStore;
  /** The shared agenda's school events. */
  agenda: PostgresAgendaStore;
  directory: Directory;
  perimeter: Perimeter;
  /** Who the viewer may write to, decided from the directory now. */
  audience: Audience;
  config: MessagingConfig;
  /** Who follows their inbox and notifications on this process (`Subscription.viewerUpdates`). */
  live: LiveUpdates;
  /** Seals the attachment links `Message.attachments` gives (attachment-route.ts). */
  attachmentLinkKey: Uint8Array;
}

/** The viewer's mailbox: everything in it is read for this person only. */
export interface MailboxRef {
  personId: string;
}

/** The viewer as this subgraph resolves `viewer { … }`: the person, nothing more. */
export interface ViewerRef {
  personId: string;
}

/** One update of `viewerUpdates`: whose, and what changed (the rest is read when selected). */
export interface ViewerUpdateRef {
  personId: string;
  changes: readonly ('MESSAGES' | 'NOTIFICATIONS' | 'RESYNC')[];
}
