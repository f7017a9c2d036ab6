import type { AuditStore } from '../../store/journal/event.ts';
import type { SessionStore } from '../../store/sessions/session.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { Perimeter } from '../perimeter/perimeter.ts';
import type { DataExportConfig } from '../../store/privacy/config.ts';
import type { DataExportStore } from '../../store/privacy/data-exports.ts';

/** The right of access: the requests' store, the settings, and a way to wake this process's worker. */
export interface DataExportService {
  store: DataExportStore;
  config: DataExportConfig;
  /** Called after a request: the local worker produces it at once rather than at its next poll. */
  wake(): void;
}

export interface IdentityContext {
  viewer: Viewer;
  requestId: string;
  sessions: SessionStore;
  audit: AuditStore;
  /** Who the viewer is a guardian of, from the directory now (not the session's snapshot). */
  perimeter: Perimeter;
  /** Absent when this process has no database (the requests would have nowhere to live). */
  dataExports?: DataExportService;
}
