import { S3ObjectStore } from '../../connectors/object-store/s3-object-store.ts';
import type { Logger } from '../../lib/logger.ts';
import { PostgresMessageStore, type MessageStoreOptions } from '../../store/messaging/postgres-store.ts';
import type { HubDatabase } from '../../store/database.ts';
import type { MessagingConfig } from './config.ts';

/** How often the objects of deleted attachments (and uploads never committed) are deleted from the object store. */
export const ATTACHMENT_OBJECT_SWEEP_MS = 10 * 60_000;

/**
 * The messaging's store, its attachments where the configuration puts them (the database by
 * default; an S3-compatible store with COMMUNICATION_ATTACHMENTS_S3_*), and, with an object store,
 * the sweep that deletes the objects of attachments deleted since (migration 0014): at start, then
 * every ATTACHMENT_OBJECT_SWEEP_MS; a failed sweep is logged and retried at the next.
 */
export function openMessageStore(database: HubDatabase, config: MessagingConfig, log: Logger): { messages: PostgresMessageStore; close(): Promise<void> } {
  if (!config.attachmentObjects) return { messages: new PostgresMessageStore(database), close: async () => {} };
  const objects = new S3ObjectStore(config.attachmentObjects);
  const options: MessageStoreOptions = { objects };
  const messages = new PostgresMessageStore(database, options);
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = () => {
    sweeping = messages.deleteOrphanedAttachmentObjects().then(
      (deleted) => {
        if (deleted) log.info({ deleted }, 'attachment objects deleted');
      },
      (error: unknown) => log.warn({ err: error }, 'attachment objects sweep failed; retried at the next'),
    );
  };
  sweep();
  const timer = setInterval(sweep, ATTACHMENT_OBJECT_SWEEP_MS);
  timer.unref();
  log.info({ bucket: config.attachmentObjects.bucket }, 'message attachments in the S3-compatible object store');
  return {
    messages,
    async close() {
      clearInterval(timer);
      await sweeping;
      objects.close();
    },
  };
}
