import type { GarClient } from '../../connectors/gar/gar-client.ts';
import type { Viewer } from '../../lib/viewer-context.ts';

export interface ResourcesContext {
  viewer: Viewer;
  requestId: string;
  gar: GarClient;
  /** The viewer's GAR identifier (pseudonymous), or undefined for viewers the GAR does not know. */
  garPersonId?: string;
}
