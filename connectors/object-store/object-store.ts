import type { Readable } from 'node:stream';
import { HubErrorWithReason } from '../../lib/errors.ts';

/**
 * Where attachment bytes live when not in the hub's database: put, get as a stream, delete. The
 * communication subgraph uses one (store/messaging); connectors/object-store/s3-object-store.ts is
 * the S3-compatible one.
 */
export interface ObjectStore {
  put(key: string, content: Buffer, contentType: string): Promise<void>;
  /** The object's bytes as a stream (never read whole here), or undefined when there is none. */
  get(key: string): Promise<Readable | undefined>;
  /** Deletes these objects; one already gone is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** Why an object store call failed: its credentials were refused, it could not be reached, or it failed otherwise. */
export type ObjectStoreFailure = 'refused' | 'unreachable' | 'failed';

/** An object store call failed; `reason` says how (docs/errors.md). */
export class ObjectStoreError extends HubErrorWithReason<ObjectStoreFailure> {
  static override readonly code = 'ERR_OBJECT_STORE';
}
