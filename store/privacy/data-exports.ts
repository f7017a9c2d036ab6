import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { QuotaExceededError } from '../quota.ts';
import type { HubDatabase } from '../database.ts';
import type { DataExportRow } from '../schema.ts';

/** A request for an export, as its requester sees it (never the document or the token's hash). */
export interface DataExport {
  id: string;
  personId: string;
  requestedBy: string;
  status: DataExportRow['status'];
  requestedAt: Date;
  readyAt?: Date;
  /** When a ready document is deleted if not downloaded. */
  expiresAt?: Date;
}

/** A request the worker claimed: what it needs to produce and journal the export. */
export interface ClaimedExport {
  id: string;
  personId: string;
  requestedBy: string;
  requestId: string;
}

/** A downloaded export: the document (now deleted from the store) and whom to name in the journal. */
export interface TakenExport extends ClaimedExport {
  document: string;
}

/** The only form in which a download link's token is kept (hex SHA-256): a leaked table opens nothing. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** What a token looks like (32 random bytes, base64url): anything else is no export, without a lookup. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A claimed export not finished after this is claimed again (its worker died); after MAX_ATTEMPTS it fails. */
const CLAIM_TIMEOUT_MS = 10 * 60_000;
const MAX_ATTEMPTS = 3;
/** The most requests one requester's list shows. */
const MAX_LISTED = 20;

const exportOf = (row: Pick<DataExportRow, 'id' | 'person_id' | 'requested_by' | 'status' | 'requested_at' | 'ready_at' | 'expires_at'>): DataExport => ({
  id: row.id,
  personId: row.person_id,
  requestedBy: row.requested_by,
  status: row.status,
  requestedAt: row.requested_at,
  ...(row.ready_at ? { readyAt: row.ready_at } : {}),
  ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
});

const LISTED = ['id', 'person_id', 'requested_by', 'status', 'requested_at', 'ready_at', 'expires_at'] as const;

/**
 * The requests for data exports (table `data_exports`), shared by every instance: asked for through
 * the graph, produced by a worker that claims them with `FOR UPDATE SKIP LOCKED`, downloaded once.
 */
export class DataExportStore {
  constructor(private readonly database: HubDatabase) {}

  /**
   * Records a request, within the quotas: one export of a person in progress at a time (whoever
   * asked: `dataExportsInProgress`), and `perDay` requests per requester over 24 hours
   * (`dataExportsPerDay`), counted atomically across instances (`QuotaExceededError`).
   */
  async request(request: { personId: string; requestedBy: string; requestId: string }, perDay: number): Promise<DataExport> {
    try {
      const row = await this.database.db.transaction().execute(async (trx) => {
        // One requester's requests go one at a time (the count then the insert), on every instance.
        await sql`SELECT pg_advisory_xact_lock(hashtext('data_exports'), hashtext(${request.requestedBy}))`.execute(trx);
        const { recent } = await trx
          .selectFrom('data_exports')
          .select((eb) => eb.fn.countAll<string>().as('recent'))
          .where('requested_by', '=', request.requestedBy)
          .where('requested_at', '>', sql<Date>`now() - interval '1 day'`)
          .executeTakeFirstOrThrow();
        if (Number(recent) >= perDay) throw new QuotaExceededError('dataExportsPerDay', perDay);
        return trx
          .insertInto('data_exports')
          .values({
            id: randomUUID(),
            person_id: request.personId,
            requested_by: request.requestedBy,
            request_id: request.requestId.slice(0, 128),
            status: 'pending',
          })
          .returning(LISTED)
          .executeTakeFirstOrThrow();
      });
      return exportOf(row);
    } catch (error) {
      // The partial unique index: this person's export is already on its way.
      if ((error as { constraint?: string }).constraint === 'data_exports_one_in_progress') throw new QuotaExceededError('dataExportsInProgress', 1);
      throw error;
    }
  }

  /** A requester's requests, newest first. */
  async requestedBy(requestedBy: string): Promise<DataExport[]> {
    const rows = await this.database.db
      .selectFrom('data_exports')
      .select(LISTED)
      .where('requested_by', '=', requestedBy)
      .orderBy('requested_at', 'desc')
      .limit(MAX_LISTED)
      .execute();
    return rows.map(exportOf);
  }

  /** Requests about a person (their own and their guardians'), for the export itself; never the document. */
  async about(personId: string): Promise<DataExport[]> {
    const rows = await this.database.db
      .selectFrom('data_exports')
      .select(LISTED)
      .where('person_id', '=', personId)
      .orderBy('requested_at')
      .limit(1000)
      .execute();
    return rows.map(exportOf);
  }

  /** Claims the oldest pending request (or one whose worker died), skipping those other workers hold. */
  async claimNext(): Promise<ClaimedExport | undefined> {
    const row = await this.database.db
      .updateTable('data_exports')
      .set((eb) => ({ status: 'running', claimed_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('data_exports')
          .select('id')
          .where((w) =>
            w.or([
              w('status', '=', 'pending'),
              w.and([w('status', '=', 'running'), w('claimed_at', '<', sql<Date>`now() - ${sql.lit(`${CLAIM_TIMEOUT_MS} milliseconds`)}::interval`)]),
            ]),
          )
          .orderBy('requested_at')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'person_id', 'requested_by', 'request_id', 'attempts'])
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.attempts > MAX_ATTEMPTS) {
      await this.fail(row.id);
      return this.claimNext();
    }
    return { id: row.id, personId: row.person_id, requestedBy: row.requested_by, requestId: row.request_id };
  }

  /** Stores the produced document; it waits `keepMs` for its download. */
  async complete(id: string, document: string, keepMs: number): Promise<void> {
    await this.database.db
      .updateTable('data_exports')
      .set({ status: 'ready', document, ready_at: sql<Date>`now()`, expires_at: sql<Date>`now() + ${sql.lit(`${keepMs} milliseconds`)}::interval` })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async fail(id: string): Promise<void> {
    await this.database.db
      .updateTable('data_exports')
      .set({ status: 'failed', finished_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * A one-time download token for a ready export of this requester, valid `linkMs` (never past the
   * document's expiry). Only its hash is stored; asking again replaces the previous token.
   */
  async issueLink(id: string, requestedBy: string, linkMs: number): Promise<{ token: string; expiresAt: Date } | undefined> {
    if (!EXPORT_ID.test(id)) return undefined;
    const token = randomBytes(32).toString('base64url');
    const row = await this.database.db
      .updateTable('data_exports')
      .set({
        token_hash: hashToken(token),
        link_expires_at: sql<Date>`least(now() + ${sql.lit(`${linkMs} milliseconds`)}::interval, expires_at)`,
      })
      .where('id', '=', id)
      .where('requested_by', '=', requestedBy)
      .where('status', '=', 'ready')
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('link_expires_at')
      .executeTakeFirst();
    return row?.link_expires_at ? { token, expiresAt: row.link_expires_at } : undefined;
  }

  /**
   * The download: the document of a live token, once. The row is marked downloaded and its document
   * and token deleted in the same statement that reads them: two downloads at once get it once.
   */
  async take(token: string): Promise<TakenExport | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const result = await sql<{ id: string; person_id: string; requested_by: string; request_id: string; document: string }>`
      WITH taken AS (
        SELECT id, document FROM data_exports
        WHERE token_hash = ${hashToken(token)} AND status = 'ready' AND link_expires_at > now() AND document IS NOT NULL
        FOR UPDATE
      )
      UPDATE data_exports d
      SET status = 'downloaded', document = NULL, token_hash = NULL, link_expires_at = NULL, finished_at = now()
      FROM taken WHERE d.id = taken.id
      RETURNING d.id, d.person_id, d.requested_by, d.request_id, taken.document`.execute(this.database.db);
    const row = result.rows[0];
    return row && { id: row.id, personId: row.person_id, requestedBy: row.requested_by, requestId: row.request_id, document: row.document };
  }
}
