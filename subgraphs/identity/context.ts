import type { AuditStore } from '../../connectors/audit/event.ts';
import type { SessionStore } from '../../connectors/sessions/session.ts';
import type { Viewer } from '../../lib/viewer-context.ts';

export interface IdentityContext {
  viewer: Viewer;
  requestId: string;
  sessions: SessionStore;
  audit: AuditStore;
}
