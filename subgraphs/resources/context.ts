import type { Directory } from '../../connectors/directory/directory.ts';
import type { GarClient } from '../../connectors/gar/gar-client.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { Perimeter } from '../perimeter/perimeter.ts';
import type { AnswerFreshness } from '../kit/answer-freshness.ts';

export interface ResourcesContext {
  viewer: Viewer;
  requestId: string;
  gar: GarClient;
  directory: Directory;
  /** The viewer's rights from the directory, now: a staff function counts in its own school only. */
  perimeter: Perimeter;
  /** The viewer's GAR identifier (pseudonymous), or undefined for viewers the GAR does not know. */
  garPersonId?: string;
  /** The GAR identifier (pseudonymous) of a person of the directory: a pupil whose resources a guardian reads. */
  garIdOf: (personId: string) => string;
  /** What the request read from the GAR client's cache: how long its answer may be reused. */
  freshness: AnswerFreshness;
}
