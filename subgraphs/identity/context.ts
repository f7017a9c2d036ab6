import type { AuditStore } from '../../store/journal/event.ts';
import type { SessionStore } from '../../store/sessions/session.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { Perimeter } from '../perimeter/perimeter.ts';

export interface IdentityContext {
  viewer: Viewer;
  requestId: string;
  sessions: SessionStore;
  audit: AuditStore;
  /** Who the viewer is a guardian of, from the directory now (not the session's snapshot). */
  perimeter: Perimeter;
}
