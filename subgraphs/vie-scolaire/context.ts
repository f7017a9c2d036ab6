import type { Viewer } from '../../lib/viewer-context.ts';
import type { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Outbox } from '../../connectors/vie-scolaire/outbox.ts';
import type { FeedStore } from './calendar/feed-store.ts';
import type { VieScolaireCache, VieScolaireDataSource } from './data-source.ts';

export interface VieScolaireContext {
  viewer: Viewer;
  requestId: string;
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
  /** Today in Europe/Paris, `yyyy-MM-dd` (the default date ranges start from it). */
  today: string;
}
