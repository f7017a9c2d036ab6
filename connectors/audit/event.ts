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
  outcome: 'allowed' | 'denied';
  /** For a denial: why (a missing scope or policy, or the person is outside the viewer's perimeter). */
  reason?: 'unauthorized-field' | 'outside-perimeter' | 'operation-refused';
}

/** Where audit events are kept. Rotated JSON-lines files by default; anything durable can plug in. */
export interface AuditStore {
  append(events: AuditEvent[]): Promise<void>;
  /** Events about a person, newest first. */
  about(personId: string, limit: number): Promise<AuditEvent[]>;
}
