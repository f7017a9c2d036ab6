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
}

/** Where audit events are kept. Rotated JSON-lines files by default; anything durable can plug in. */
export interface AuditStore {
  append(events: AuditEvent[]): Promise<void>;
  /** Events about a person, newest first, at most `limit` (and the store may stop early to bound the cost of one read). */
  about(personId: string, limit: number): Promise<AuditEvent[]>;
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
  };
  const bytes = Buffer.byteLength(JSON.stringify(bounded)) + 1;
  return bytes > bounds.maxEventBytes ? undefined : { event: bounded, cut, bytes };
}
