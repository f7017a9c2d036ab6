import { HubError } from '../../lib/errors.ts';

/** One entry of the RGPD access journal: who read (or tried to read) whose sensitive data. */
export interface AuditEvent {
  /** ISO time. */
  at: string;
  requestId: string;
  viewer: { kind: 'anonymous' | 'person' | 'service'; personId?: string; profile?: string; clientId?: string };
  operationName?: string;
  /** Person ids whose data the event is about (empty when the refusal came before any was known). */
  targets: string[];
  /** `Type.field` of the sensitive fields concerned. */
  fields: string[];
  /**
   * `allowed`: read or done. `denied`: refused (a directive, or the perimeter). `failed`: a change
   * asked for that did not happen (the mutation answered false or null, or with an error).
   */
  outcome: 'allowed' | 'denied' | 'failed';
  /** For a denial: why (a missing scope or policy, or the person is outside the viewer's perimeter); for a failure: how. */
  reason?: 'unauthorized-field' | 'outside-perimeter' | 'operation-refused' | 'no-effect' | 'error';
  /** How many identical events this one stands for (the router merges repeated refusals); absent for one. */
  count?: number;
}

/** An event read back from the journal, with the place after it in that person's journal. */
export interface JournalEntry extends AuditEvent {
  /** Opaque: pass it as `after` to read the events older than this one. */
  cursor: string;
}

/** Where audit events are kept: PostgreSQL (store/journal/postgres-store.ts), or rotated JSON-lines files for a router alone. */
export interface AuditStore {
  append(events: AuditEvent[]): Promise<void>;
  /**
   * Events about a person, newest first, at most `limit`, older than the event whose `cursor` is
   * `after` when given (a cursor this store did not make is an `InvalidJournalCursorError`).
   */
  about(personId: string, limit: number, after?: string): Promise<JournalEntry[]>;
}

/** A cursor that is not one this journal gave out (forged, truncated, or from another store). */
export class InvalidJournalCursorError extends HubError {
  static override readonly code = 'ERR_JOURNAL_CURSOR';
}

/**
 * Bounds of one journal entry. Every value comes, one way or another, from a request (an id
 * argument, an operation name, a header): without bounds, anyone logged in could write megabytes
 * into the journal with one request. A value past its bound is cut (and the cut is visible); a list
 * past its bound keeps its first items and says how many more there were.
 */
export interface AuditEventBounds {
  /** Longest string value (ids, names, field paths), in characters. */
  maxValueChars: number;
  maxTargets: number;
  maxFields: number;
  /** Largest serialized event (UTF-8 bytes); a bigger one, even bounded, is refused. */
  maxEventBytes: number;
}

export const DEFAULT_AUDIT_EVENT_BOUNDS: AuditEventBounds = { maxValueChars: 256, maxTargets: 20, maxFields: 64, maxEventBytes: 32 * 1024 };

export interface BoundedEvent {
  event: AuditEvent;
  /** How many values or lists were cut. */
  cut: number;
  /** The serialized size of the bounded event, in bytes. */
  bytes: number;
}

/** The event within `bounds`, or undefined when even bounded it is too big to keep. */
export function boundEvent(event: AuditEvent, bounds: AuditEventBounds = DEFAULT_AUDIT_EVENT_BOUNDS): BoundedEvent | undefined {
  let cut = 0;
  const text = (value: string): string => {
    if (value.length <= bounds.maxValueChars) return value;
    cut++;
    return `${value.slice(0, bounds.maxValueChars)}…[${value.length - bounds.maxValueChars} more characters]`;
  };
  const optional = (value: string | undefined) => (value === undefined ? undefined : text(String(value)));
  const list = (values: string[], max: number): string[] => {
    const kept = values.slice(0, max).map((v) => text(String(v)));
    if (values.length > max) {
      cut++;
      kept.push(`…[${values.length - max} more]`);
    }
    return kept;
  };
  const bounded: AuditEvent = {
    at: text(event.at),
    requestId: text(event.requestId),
    viewer: {
      kind: event.viewer.kind,
      ...(event.viewer.personId !== undefined ? { personId: optional(event.viewer.personId) } : {}),
      ...(event.viewer.profile !== undefined ? { profile: optional(event.viewer.profile) } : {}),
      ...(event.viewer.clientId !== undefined ? { clientId: optional(event.viewer.clientId) } : {}),
    },
    ...(event.operationName !== undefined ? { operationName: optional(event.operationName) } : {}),
    targets: list(event.targets, bounds.maxTargets),
    fields: list(event.fields, bounds.maxFields),
    outcome: event.outcome,
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
    ...(event.count !== undefined && Number.isSafeInteger(event.count) && event.count > 1 ? { count: event.count } : {}),
  };
  const bytes = Buffer.byteLength(JSON.stringify(bounded)) + 1;
  return bytes > bounds.maxEventBytes ? undefined : { event: bounded, cut, bytes };
}
