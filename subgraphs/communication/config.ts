import type { S3ObjectStoreConfig } from '../../connectors/object-store/s3-object-store.ts';
import { boolean, envSchema, integer, readEnv, secret, text, url, type ConfigProblem, type Env } from '../../lib/config/env.ts';

/** The S3-compatible attachment store's variables that must be set together (all or none). */
const ATTACHMENTS_S3_REQUIRED = [
  'COMMUNICATION_ATTACHMENTS_S3_ENDPOINT',
  'COMMUNICATION_ATTACHMENTS_S3_BUCKET',
  'COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID',
  'COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY',
] as const;

/** The messaging's settings (docs/configuration.md), checked whole at start. */
export const MESSAGING_ENV = envSchema(
  {
    /** How long after sending a sender may recall a message (entcore's « rappel »). */
    COMMUNICATION_RECALL_MINUTES: integer({ min: 0, max: 7 * 24 * 60, default: 60 }),
    /** Messages one person sends in 24 hours, on every instance together. */
    COMMUNICATION_MESSAGES_PER_DAY: integer({ min: 1, max: 100_000, default: 200 }),
    /** People one message reaches at most, lists expanded (a school's staff fits). */
    COMMUNICATION_MAX_RECIPIENTS: integer({ min: 1, max: 20_000, default: 2_000 }),
    /** Bytes of attachments one person sends in 24 hours, on every instance together. */
    COMMUNICATION_ATTACHMENT_BYTES_PER_DAY: integer({ min: 0, max: 10 * 1024 * 1024 * 1024, default: 20 * 1024 * 1024 }),
    /** Drafts one person keeps at most (« Brouillons »). */
    COMMUNICATION_MAX_DRAFTS: integer({ min: 1, max: 10_000, default: 200 }),
    /** Whether a pupil may write to the pupils of their classes (off: the collège default). */
    COMMUNICATION_PUPIL_TO_PUPIL: boolean({ default: false }),
    /** School events one person puts in the shared agenda in 24 hours, on every instance together. */
    COMMUNICATION_SCHOOL_EVENTS_PER_DAY: integer({ min: 1, max: 10_000, default: 50 }),
    /** Live update streams (`viewerUpdates`) one person holds at once on one instance: tabs, devices. */
    COMMUNICATION_LIVE_STREAMS_PER_PERSON: integer({ min: 1, max: 50, default: 5 }),
    /** Live update streams one instance holds, everyone together (each is an open connection). */
    COMMUNICATION_LIVE_STREAMS_MAX: integer({ min: 1, max: 1_000_000, default: 10_000 }),
    /** A live update stream ends after this long on the subgraph's side (the router's own lifetime ends it first). */
    COMMUNICATION_LIVE_STREAM_MAX_MINUTES: integer({ min: 1, max: 25 * 60, default: 65 }),
    /** Attachments in an S3-compatible object store instead of the database: its base URL. */
    COMMUNICATION_ATTACHMENTS_S3_ENDPOINT: url({}),
    COMMUNICATION_ATTACHMENTS_S3_BUCKET: text({}),
    /** The signing region; `us-east-1` fits AWS's default and most other providers (set theirs when they name one). */
    COMMUNICATION_ATTACHMENTS_S3_REGION: text({ default: 'us-east-1' }),
    COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID: text({}),
    COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY: secret({ minBytes: 8 }),
    /** Path-style URLs (`endpoint/bucket/key`); unset: true unless the endpoint is AWS's (`*.amazonaws.com`). */
    COMMUNICATION_ATTACHMENTS_S3_FORCE_PATH_STYLE: boolean({}),
  },
  // All or nothing: a partial object store configuration is refused, naming what is missing.
  (values): ConfigProblem[] => {
    const given = ATTACHMENTS_S3_REQUIRED.filter((name) => values[name] !== undefined);
    if (given.length === 0 || given.length === ATTACHMENTS_S3_REQUIRED.length) return [];
    return ATTACHMENTS_S3_REQUIRED.filter((name) => values[name] === undefined).map((variable) => ({
      variable,
      expected: `set too: ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set, and the attachment object store needs ${ATTACHMENTS_S3_REQUIRED.join(', ')}`,
    }));
  },
);

export interface MessagingConfig {
  recallMs: number;
  messagesPerDay: number;
  attachmentBytesPerDay: number;
  maxRecipients: number;
  maxDrafts: number;
  pupilToPupil: boolean;
  schoolEventsPerDay: number;
  live: { maxStreamsPerPerson: number; maxStreams: number; maxStreamMs: number };
  /** Where attachments go when not in the database: an S3-compatible store (COMMUNICATION_ATTACHMENTS_S3_*). */
  attachmentObjects?: S3ObjectStoreConfig;
}

export function messagingConfigFromEnv(env: Env): MessagingConfig {
  const v = readEnv(MESSAGING_ENV, env);
  return {
    recallMs: v.COMMUNICATION_RECALL_MINUTES * 60_000,
    messagesPerDay: v.COMMUNICATION_MESSAGES_PER_DAY,
    attachmentBytesPerDay: v.COMMUNICATION_ATTACHMENT_BYTES_PER_DAY,
    maxRecipients: v.COMMUNICATION_MAX_RECIPIENTS,
    maxDrafts: v.COMMUNICATION_MAX_DRAFTS,
    pupilToPupil: v.COMMUNICATION_PUPIL_TO_PUPIL,
    schoolEventsPerDay: v.COMMUNICATION_SCHOOL_EVENTS_PER_DAY,
    live: {
      maxStreamsPerPerson: v.COMMUNICATION_LIVE_STREAMS_PER_PERSON,
      maxStreams: v.COMMUNICATION_LIVE_STREAMS_MAX,
      maxStreamMs: v.COMMUNICATION_LIVE_STREAM_MAX_MINUTES * 60_000,
    },
    ...(v.COMMUNICATION_ATTACHMENTS_S3_ENDPOINT &&
    v.COMMUNICATION_ATTACHMENTS_S3_BUCKET &&
    v.COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID &&
    v.COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY
      ? {
          attachmentObjects: {
            endpoint: v.COMMUNICATION_ATTACHMENTS_S3_ENDPOINT,
            bucket: v.COMMUNICATION_ATTACHMENTS_S3_BUCKET,
            region: v.COMMUNICATION_ATTACHMENTS_S3_REGION,
            accessKeyId: v.COMMUNICATION_ATTACHMENTS_S3_ACCESS_KEY_ID,
            secretAccessKey: v.COMMUNICATION_ATTACHMENTS_S3_SECRET_ACCESS_KEY,
            forcePathStyle:
              v.COMMUNICATION_ATTACHMENTS_S3_FORCE_PATH_STYLE ?? !new URL(v.COMMUNICATION_ATTACHMENTS_S3_ENDPOINT).hostname.endsWith('.amazonaws.com'),
          },
        }
      : {}),
  };
}

export const DEFAULT_MESSAGING: MessagingConfig = messagingConfigFromEnv({});
