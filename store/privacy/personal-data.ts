import type { HubDatabase } from '../database.ts';
import { PostgresAuditStore } from '../journal/postgres-store.ts';
import { DataExportStore } from './data-exports.ts';

/**
 * One kind of data the hub holds about a person, for their export (the RGPD right of access). A
 * new kind of data (a later issue's table) adds a source: the export then includes it. `collect`
 * returns only what is about that person, and never a secret (a session's secret hash, a provider's
 * ID token, a feed's token hash).
 */
export interface PersonalDataSource {
  /** The key of this kind in the document (camelCase, stable). */
  readonly kind: string;
  /**
   * What this kind holds about `personId`, for `requestedBy` (the person, or a responsable légal for
   * their child). For a guardian, what another adult did about the child (the other parent's feeds,
   * submissions, export requests, their link to the child) stays out: the right of access is the
   * child's, exercised by this guardian, not a view of the other parent.
   */
  collect(personId: string, requestedBy: string): Promise<unknown>;
}

/** The people whose own actions about the person an export shows: the person and whoever asked. */
const actorsOf = (personId: string, requestedBy: string) => [...new Set([personId, requestedBy])];

/** The most rows of one kind an export carries (newest first); past it the document says it was cut. */
export const MAX_ROWS_PER_KIND = 10_000;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Sessions open now (a session's row is deleted when it ends). */
export const sessionsSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'sessions',
  async collect(personId) {
    const rows = await database.db
      .selectFrom('sessions')
      .select(['id', 'profile', 'functions', 'schools', 'children', 'idp', 'idp_subject', 'created_at', 'last_seen_at', 'transport', 'user_agent'])
      .where('person_id', '=', personId)
      .orderBy('created_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      profile: r.profile,
      functions: r.functions,
      schools: r.schools,
      children: r.children,
      identityProvider: r.idp,
      subjectAtProvider: r.idp_subject,
      createdAt: iso(r.created_at),
      lastSeenAt: iso(r.last_seen_at),
      kind: r.transport === 'cookie' ? 'WEB' : 'APP',
      userAgent: r.user_agent,
    }));
  },
});

export const loginHistorySource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'loginHistory',
  async collect(personId) {
    const rows = await database.db
      .selectFrom('login_events')
      .select(['at', 'idp', 'outcome', 'reason', 'user_agent'])
      .where('person_id', '=', personId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    return rows.map((r) => ({ at: iso(r.at), identityProvider: r.idp, outcome: r.outcome, reason: r.reason, userAgent: r.user_agent }));
  },
});

/**
 * Who accessed the person's data (the journal's events about them), newest first, read page by page
 * through the same index as `viewer { accessLog }`. The events' other targets are left out: an
 * event is in this export because it is about this person, and it says nothing of anyone else.
 */
export const accessJournalSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'accessJournal',
  async collect(personId) {
    const journal = new PostgresAuditStore(database);
    const events = [];
    let after: string | undefined;
    while (events.length < MAX_ROWS_PER_KIND) {
      const page = await journal.about(personId, Math.min(1000, MAX_ROWS_PER_KIND - events.length), after);
      events.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1)!.cursor;
    }
    return events.map((e) => ({
      at: e.at,
      accessor: e.viewer,
      operationName: e.operationName ?? null,
      fields: e.fields,
      outcome: e.outcome,
      reason: e.reason ?? null,
      count: e.count ?? 1,
    }));
  },
});

/** Calendar feeds the person made, and those showing their timetable; never a token or its hash. */
export const calendarFeedsSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'calendarFeeds',
  async collect(personId, requestedBy) {
    const rows = await database.db
      .selectFrom('calendar_feeds')
      .select(['id', 'owner_id', 'pupil_id', 'created_at', 'last_used_at', 'revoked_at'])
      .where((eb) => eb.or([eb('owner_id', '=', personId), eb('pupil_id', '=', personId)]))
      .where('owner_id', 'in', actorsOf(personId, requestedBy))
      .orderBy('created_at')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdBy: r.owner_id,
      showsTimetableOf: r.pupil_id,
      createdAt: iso(r.created_at),
      lastUsedAt: iso(r.last_used_at),
      revokedAt: iso(r.revoked_at),
    }));
  },
});

/** The person's earlier export requests (by them or their guardian): when, by whom, what became of them. */
export const dataExportsSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'dataExports',
  async collect(personId, requestedBy) {
    const actors = actorsOf(personId, requestedBy);
    return (await new DataExportStore(database).about(personId))
      .filter((e) => actors.includes(e.requestedBy))
      .map((e) => ({
        id: e.id,
        requestedBy: e.requestedBy,
        status: e.status,
        requestedAt: e.requestedAt.toISOString(),
        readyAt: e.readyAt?.toISOString() ?? null,
      }));
  },
});

/**
 * Vie scolaire submissions (justifications, homework) about the person (as the pupil) or made by them
 * (as a guardian), while the outbox keeps them: what was sent, its state at the school. An attached
 * file is described (name, type, size), not copied: the school's system holds it once received.
 */
export const submissionsSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'submissions',
  async collect(personId, requestedBy) {
    const rows = await database.db
      .selectFrom('vie_scolaire_outbox')
      .select(['id', 'kind', 'uai', 'pupil_id', 'target_id', 'submitted_by', 'reason', 'comment', 'file_name', 'file_content_type', 'file_bytes', 'state'])
      .select(['created_at', 'updated_at', 'settled_at'])
      .where((eb) => eb.or([eb('pupil_id', '=', personId), eb('submitted_by', '=', personId)]))
      .where('submitted_by', 'in', actorsOf(personId, requestedBy))
      .orderBy('created_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      school: r.uai,
      pupil: r.pupil_id,
      about: r.target_id,
      submittedBy: r.submitted_by,
      reason: r.reason,
      comment: r.comment,
      file: r.file_name === null ? null : { name: r.file_name, contentType: r.file_content_type, bytes: r.file_bytes },
      state: r.state,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
      settledAt: iso(r.settled_at),
    }));
  },
});

/**
 * Messages (the communication subgraph): those the person sent and received, and the signatures of
 * mots they gave or that were asked for them. A pupil's correspondence is exported on the pupil's own
 * request only: through a guardian, the child's export carries the mots the guardian was asked to
 * sign about them (`signatures`), never the child's messages (`messages` is then `null`, and says why).
 */
export const messagesSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'messages',
  async collect(personId, requestedBy) {
    const signatures = await database.db
      .selectFrom('message_signatures as s')
      .innerJoin('messages as m', 'm.id', 's.message_id')
      .select(['s.message_id', 'm.subject', 's.child_id', 's.child_name', 's.guardian_id', 's.signed_at'])
      .where((eb) => eb.or([eb('s.guardian_id', '=', personId), eb('s.child_id', '=', personId)]))
      // Only mots the guardian still has: a recalled copy is gone from their export as from their folders.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('message_recipients as r')
            .select('r.person_id')
            .whereRef('r.message_id', '=', 's.message_id')
            .whereRef('r.person_id', '=', 's.guardian_id')
            .where('r.recalled_at', 'is', null),
        ),
      )
      .where('s.guardian_id', 'in', actorsOf(personId, requestedBy))
      .orderBy('m.sent_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    const signed = signatures
      .filter((r) => personId === requestedBy || r.guardian_id === requestedBy)
      .map((r) => ({
        message: r.message_id,
        subject: r.subject,
        child: r.child_id,
        childName: r.child_name,
        guardian: r.guardian_id,
        signedAt: iso(r.signed_at),
      }));
    if (personId !== requestedBy) return { messages: null, why: 'a pupil’s correspondence is exported on their own request only', signatures: signed };
    const sent = await database.db
      .selectFrom('messages')
      .select(['id', 'subject', 'body_html', 'sent_at', 'recalled_at', 'lists'])
      .where('sender_id', '=', personId)
      .orderBy('sent_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    const received = await database.db
      .selectFrom('message_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .leftJoin('message_folders as f', 'f.id', 'r.folder_id')
      .select(['m.id', 'm.subject', 'm.body_html', 'm.sender_id', 'm.sender_name', 'r.sent_at', 'r.read_at', 'r.trashed_at', 'f.name as folder'])
      .where('r.person_id', '=', personId)
      .where('r.recalled_at', 'is', null)
      .orderBy('r.sent_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    // The person's drafts (never anyone else's) and their own folders' names (migration 0012).
    const drafts = await database.db
      .selectFrom('message_drafts')
      .select(['id', 'subject', 'body_html', 'recipient_ids', 'updated_at'])
      .where('author_id', '=', personId)
      .orderBy('updated_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    const folders = await database.db.selectFrom('message_folders').select('name').where('person_id', '=', personId).orderBy('name').execute();
    return {
      sent: sent.map((m) => ({
        id: m.id,
        subject: m.subject,
        bodyHtml: m.body_html,
        sentAt: iso(m.sent_at),
        recalledAt: iso(m.recalled_at),
        lists: m.lists.map((l) => l.name),
      })),
      received: received.map((m) => ({
        id: m.id,
        subject: m.subject,
        bodyHtml: m.body_html,
        from: { id: m.sender_id, name: m.sender_name },
        sentAt: iso(new Date(m.sent_at)),
        readAt: iso(m.read_at),
        trashedAt: iso(m.trashed_at),
        folder: m.folder,
      })),
      drafts: drafts.map((d) => ({ id: d.id, subject: d.subject, bodyHtml: d.body_html, to: d.recipient_ids, savedAt: iso(d.updated_at) })),
      folders: folders.map((f) => f.name),
      signatures: signed,
    };
  },
});

/**
 * Notifications: what the person was told (a guardian's notifications about a child are the
 * guardian's: a child's export has their own), how it was delivered, their preferences, and the
 * contact problems the school sees about them.
 */
export const notificationsSource = (database: HubDatabase): PersonalDataSource => ({
  kind: 'notifications',
  async collect(personId, requestedBy) {
    if (personId !== requestedBy) return { notifications: null, why: 'a pupil’s notifications are exported on their own request only' };
    const notifications = await database.db
      .selectFrom('notifications')
      .select(['id', 'category', 'child_id', 'title', 'body', 'created_at', 'read_at'])
      .where('person_id', '=', personId)
      .orderBy('created_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    const deliveries = await database.db
      .selectFrom('notification_deliveries')
      .select(['event_id', 'channel', 'frequency', 'state', 'created_at', 'sent_at', 'delivered_at', 'error'])
      .where('person_id', '=', personId)
      .orderBy('created_at', 'desc')
      .limit(MAX_ROWS_PER_KIND)
      .execute();
    const preferences = await database.db
      .selectFrom('notification_preferences')
      .select(['category', 'in_app', 'email', 'sms', 'updated_at'])
      .where('person_id', '=', personId)
      .execute();
    const quietHours = await database.db
      .selectFrom('notification_settings')
      .select(['quiet_from', 'quiet_to', 'updated_at'])
      .where('person_id', '=', personId)
      .executeTakeFirst();
    const contactProblems = await database.db
      .selectFrom('notification_contact_problems')
      .select(['uai', 'channel', 'problem', 'first_seen_at', 'last_seen_at', 'occurrences'])
      .where('person_id', '=', personId)
      .execute();
    return {
      notifications: notifications.map((n) => ({ ...n, created_at: iso(n.created_at), read_at: iso(n.read_at) })),
      deliveries: deliveries.map((d) => ({ ...d, created_at: iso(d.created_at), sent_at: iso(d.sent_at), delivered_at: iso(d.delivered_at) })),
      preferences: preferences.map((p) => ({ ...p, updated_at: iso(p.updated_at) })),
      quietHours: quietHours ? { from: quietHours.quiet_from, to: quietHours.quiet_to, updatedAt: iso(quietHours.updated_at) } : null,
      contactProblems: contactProblems.map((c) => ({ ...c, first_seen_at: iso(c.first_seen_at), last_seen_at: iso(c.last_seen_at) })),
    };
  },
});

/** Every kind of data the store's own tables hold about a person; the process adds the rest (the directory's record). */
export function storePersonalDataSources(database: HubDatabase): PersonalDataSource[] {
  return [
    sessionsSource(database),
    loginHistorySource(database),
    accessJournalSource(database),
    submissionsSource(database),
    calendarFeedsSource(database),
    dataExportsSource(database),
    messagesSource(database),
    notificationsSource(database),
  ];
}

/** The export document: one JSON object, one key per kind of data. */
export async function exportDocument(personId: string, requestedBy: string, sources: readonly PersonalDataSource[], now = new Date()): Promise<string> {
  const data: Record<string, unknown> = {};
  for (const source of sources) data[source.kind] = await source.collect(personId, requestedBy);
  return JSON.stringify(
    {
      format: 'ent-hub-personal-data-export/1',
      person: personId,
      producedAt: now.toISOString(),
      about: 'Everything this ENT hub keeps about this person, by kind of data (see the register of processing, docs/privacy.md).',
      maxRowsPerKind: MAX_ROWS_PER_KIND,
      data,
    },
    null,
    2,
  );
}
