import type { Viewer } from '../../lib/viewer-context.ts';
import type { VieScolaireDataSource } from './data-source.ts';

export interface VieScolaireContext {
  viewer: Viewer;
  requestId: string;
  data: VieScolaireDataSource;
  /** Schools with a configured vie scolaire system. */
  schools: ReadonlySet<string>;
  /** Today in Europe/Paris, `yyyy-MM-dd` (the default date ranges start from it). */
  today: string;
}
