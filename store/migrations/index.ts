import type { Migration, MigrationProvider } from 'kysely';
import * as sessions from './0001-sessions.ts';
import * as journal from './0002-journal.ts';
import * as calendarFeeds from './0003-calendar-feeds.ts';
import * as vieScolaireOutbox from './0004-vie-scolaire-outbox.ts';
import * as directory from './0005-directory.ts';
import * as privacy from './0006-privacy.ts';
import * as directoryFiles from './0007-directory-files.ts';
import * as messages from './0008-messages.ts';
import * as notifications from './0009-notifications.ts';
import * as liveUpdates from './0010-live-updates.ts';
import * as notificationFailures from './0011-notification-failures.ts';
import * as messageDraftsFolders from './0012-message-drafts-folders.ts';
import * as notificationFreshReads from './0013-notification-fresh-reads.ts';
import * as attachmentObjects from './0014-attachment-objects.ts';
import * as answerChanges from './0015-answer-changes.ts';
import * as answerChangeKinds from './0016-answer-change-kinds.ts';
import * as outboxChangesByPupil from './0017-outbox-changes-by-pupil.ts';

/**
 * Every migration, listed by name in order. Listed rather than read from the folder, so that a
 * bundled or compiled build (where the folder's files are not what runs) has the same migrations.
 * A new migration: a new file, one line here, never a change to a migration already released.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-sessions': sessions,
  '0002-journal': journal,
  '0003-calendar-feeds': calendarFeeds,
  '0004-vie-scolaire-outbox': vieScolaireOutbox,
  '0005-directory': directory,
  '0006-privacy': privacy,
  '0007-directory-files': directoryFiles,
  '0008-messages': messages,
  '0009-notifications': notifications,
  '0010-live-updates': liveUpdates,
  '0011-notification-failures': notificationFailures,
  '0012-message-drafts-folders': messageDraftsFolders,
  '0013-notification-fresh-reads': notificationFreshReads,
  '0014-attachment-objects': attachmentObjects,
  '0015-answer-changes': answerChanges,
  '0016-answer-change-kinds': answerChangeKinds,
  '0017-outbox-changes-by-pupil': outboxChangesByPupil,
};

export const listedMigrations: MigrationProvider = { getMigrations: async () => MIGRATIONS };
