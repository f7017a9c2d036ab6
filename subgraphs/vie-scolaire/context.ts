import type { Directory } from '../../connectors/directory/directory.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { Perimeter } from '../perimeter/perimeter.ts';
import type { VieScolaireQuotas } from './quotas.ts';
import type { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Outbox } from '../../store/outbox/outbox.ts';
import type { FeedStore } from './calendar/feed-store.ts';
import type { VieScolaireCache, VieScolaireDataSource } from './data-source.ts';

export interface VieScolaireContext {
  viewer: Viewer;
  requestId: string;
  /** The académie directory: who the viewer is and whom they may read, as of now. */
  directory: Directory;
  /** The directory's perimeter (the one shared definition), for this request's viewer. */
  perimeter: Perimeter;
  /** Per request: pupil id → the schools to ask, once the viewer's right to read the pupil is checked. */
  readablePupils: Map<string, Promise<string[]>>;
  quotas: VieScolaireQuotas;
  data: VieScolaireDataSource;
  cache: VieScolaireCache;
  /** Schools with a configured vie scolaire system. */
  schools: ReadonlySet<string>;
  client: VieScolaireClient;
  outbox: Outbox;
  feeds: FeedStore;
  /** Base URL of the calendar feeds (where `/calendar/{token}.ics` is reachable from outside). */
  calendarBaseUrl: string;
  /** Tokens of feeds created in this request, so the creation's answer can show the URL once. */
  newFeedTokens: Map<string, string>;
  /** Tells the routers that answers about this pupil may be stale (see the subgraph's `answersChanged` option). */
  answersChanged?: (pupilId: string) => Promise<void>;
  /** Today in Europe/Paris, `yyyy-MM-dd` (the default date ranges start from it). */
  today: string;
}
