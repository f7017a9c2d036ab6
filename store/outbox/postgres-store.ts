import { sql, type Transaction } from 'kysely';
import type { HubDatabase } from '../database.ts';
import { insertNotificationEvent } from '../notifications/postgres-store.ts';
import { QuotaExceededError, type SubmissionQuotas } from '../quota.ts';
import type { Database, VieScolaireOutboxRow } from '../schema.ts';
import { isSettled, type OutboxItem, type OutboxState, type SubmissionKind } from './item.ts';

/** The most submissions one list returns (a pupil's of one kind, newest first): the quotas keep far below over a retention. */
export const MAX_LISTED = 500;
/** Settled items deleted per statement of a purge: one purge never holds many rows locked at once. */
const PRUNE_SLICE = 1_000;
/** The most of an upstream error kept with an item (its message, never a body). */
const MAX_ERROR_LENGTH = 500;

/** An outbox item id (a uuid): anything else is no item, and never reaches a uuid column. */
const ITEM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A submission to keep: the item's fields before the outbox has done anything with it. */
export type NewSubmission = Pick<OutboxItem, 'id' | 'kind' | 'uai' | 'pupilId' | 'targetId' | 'submittedBy' | 'reason' | 'comment' | 'file' | 'verified'>;

/** What the school answered, or what the check decided: the item's next state. */
export interface Outcome {
  state: OutboxState;
  upstreamId?: string;
  /** Whether the school confirmed the target is the pupil's (false when the check refused it). */
  verified: boolean;
  /** Set when the target was found not to be the pupil's. */
  lastError?: string;
  /** When to follow it up (a justification received, not yet decided). */
  followUpMs: number;
}

const ms = (value: number) => sql<Date>`now() + ${value} * interval '1 millisecond'`;
const sinceMs = (value: number) => sql<Date>`now() - ${value} * interval '1 millisecond'`;
const DAY_MS = 86_400_000;

const itemOf = (row: VieScolaireOutboxRow): OutboxItem => ({
  id: row.id,
  kind: row.kind,
  uai: row.uai,
  pupilId: row.pupil_id,
  targetId: row.target_id,
  submittedBy: row.submitted_by,
  ...(row.reason !== null ? { reason: row.reason } : {}),
  ...(row.comment !== null ? { comment: row.comment } : {}),
  ...(row.file_name !== null ? { file: { name: row.file_name, contentType: row.file_content_type ?? '', bytes: row.file_bytes ?? 0 } } : {}),
  verified: row.verified,
  state: row.state,
  ...(row.upstream_id !== null ? { upstreamId: row.upstream_id } : {}),
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at.getTime(),
  ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/**
 * The vie scolaire outbox's rows (tables `vie_scolaire_outbox` and `vie_scolaire_outbox_files`),
 * shared by every subgraph instance. Times are the database's (`now()`), so instances whose clocks
 * differ agree on what is due and what is past its retention. Every write of a claimed item is
 * fenced by the claim: an instance that lost its lease changes nothing.
 */
export class PostgresOutboxStore {
  constructor(private readonly database: HubDatabase) {}

  /** What `by` submitted in the last 24 hours, on every instance. */
  async usage(by: string, trx: Transaction<Database> | HubDatabase['db'] = this.database.db): Promise<{ count: number; bytes: number }> {
    const row = await trx
      .selectFrom('vie_scolaire_outbox')
      .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.coalesce(eb.fn.sum<string>('file_bytes'), sql<string>`0`).as('bytes')])
      .where('submitted_by', '=', by)
      .where('created_at', '>', sinceMs(DAY_MS))
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), bytes: Number(row.bytes) };
  }

  /**
   * Keeps a submission and its file's content in one transaction, within its author's quotas. The
   * author's submissions go one at a time on every instance (an advisory lock per person, held to
   * the commit): READ COMMITTED alone would let concurrent ones each miss the others and all pass.
   */
  async insert(submission: NewSubmission, content: Buffer | undefined, quotas?: SubmissionQuotas): Promise<OutboxItem> {
    const row = await this.database.db.transaction().execute(async (trx) => {
      if (quotas) {
        // Two int4 keys, a key space of its own (the feeds' quota uses hashtext('calendar_feeds')).
        await sql`SELECT pg_advisory_xact_lock(hashtext('vie_scolaire_outbox'), hashtext(${submission.submittedBy}))`.execute(trx);
        const used = await this.usage(submission.submittedBy, trx);
        checkQuotas(used, content?.length ?? 0, quotas);
      }
      const inserted = await trx
        .insertInto('vie_scolaire_outbox')
        .values({
          id: submission.id,
          kind: submission.kind,
          uai: submission.uai,
          pupil_id: submission.pupilId,
          target_id: submission.targetId,
          submitted_by: submission.submittedBy,
          reason: submission.reason ?? null,
          comment: submission.comment ?? null,
          file_name: submission.file?.name ?? null,
          file_content_type: submission.file?.contentType ?? null,
          file_bytes: submission.file?.bytes ?? null,
          verified: submission.verified ?? false,
          state: 'PENDING',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (content) await trx.insertInto('vie_scolaire_outbox_files').values({ item_id: submission.id, content }).execute();
      return inserted;
    });
    return itemOf(row);
  }

  /**
   * Takes in an item kept by an earlier version (its id, state and times kept), with its file's
   * content while the school does not have it. Idempotent: an item already here is skipped.
   */
  async adopt(item: OutboxItem, content: Buffer | undefined): Promise<boolean> {
    if (!ITEM_ID.test(item.id)) return false;
    return this.database.db.transaction().execute(async (trx) => {
      const settled = isSettled(item);
      const added = await trx
        .insertInto('vie_scolaire_outbox')
        .values({
          id: item.id,
          kind: item.kind,
          uai: item.uai,
          pupil_id: item.pupilId,
          target_id: item.targetId,
          submitted_by: item.submittedBy,
          reason: item.reason ?? null,
          comment: item.comment ?? null,
          file_name: item.file?.name ?? null,
          file_content_type: item.file?.contentType ?? null,
          file_bytes: item.file?.bytes ?? null,
          verified: item.verified ?? false,
          state: item.state,
          upstream_id: item.upstreamId ?? null,
          attempts: item.attempts,
          last_error: item.lastError?.slice(0, MAX_ERROR_LENGTH) ?? null,
          created_at: item.createdAt,
          updated_at: item.updatedAt,
          settled_at: settled ? item.updatedAt : null,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!added) return false;
      if (content && !settled && item.state === 'PENDING') {
        await trx.insertInto('vie_scolaire_outbox_files').values({ item_id: item.id, content }).execute();
      }
      return true;
    });
  }

  async get(id: string): Promise<OutboxItem | undefined> {
    if (!ITEM_ID.test(id)) return undefined;
    const row = await this.database.db.selectFrom('vie_scolaire_outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row && itemOf(row);
  }

  /** A pupil's submissions (of a kind, in some schools), newest first, at most MAX_LISTED. */
  async list(filter: { pupilId?: string; kind?: SubmissionKind; uais?: readonly string[] }): Promise<OutboxItem[]> {
    if (filter.uais && !filter.uais.length) return [];
    let query = this.database.db.selectFrom('vie_scolaire_outbox').selectAll();
    if (filter.pupilId !== undefined) query = query.where('pupil_id', '=', filter.pupilId);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.uais) query = query.where('uai', 'in', [...filter.uais]);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(MAX_LISTED).execute();
    return rows.map(itemOf);
  }

  /** What waits, for the metrics: unsettled items by state, and when the oldest still to forward was submitted. */
  async backlog(): Promise<{ pending: number; sent: number; oldestPendingAt: Date | undefined }> {
    const rows = await this.database.db
      .selectFrom('vie_scolaire_outbox')
      .select((eb) => ['state', eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
      .where('settled_at', 'is', null)
      .groupBy('state')
      .execute();
    const of = (state: OutboxState) => rows.find((r) => r.state === state);
    const pending = of('PENDING');
    return { pending: Number(pending?.count ?? 0), sent: Number(of('SENT')?.count ?? 0), oldestPendingAt: pending?.oldest ?? undefined };
  }

  /**
   * Claims up to `limit` items that are due and unclaimed (or whose claim lapsed) for `instance`,
   * until `leaseMs` from now. Rows another instance is claiming at this moment are skipped, not
   * waited for: each due item goes to one instance.
   */
  async claim(instance: string, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const db = this.database.db;
    const rows = await db
      .updateTable('vie_scolaire_outbox')
      .set({ claimed_by: instance, claimed_until: ms(leaseMs) })
      .where(
        'id',
        'in',
        db
          .selectFrom('vie_scolaire_outbox')
          .select('id')
          .where('settled_at', 'is', null)
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', sql<Date>`now()`)]))
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    return rows.map(itemOf).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  /** A claimed item's file, read when it is forwarded (one item's at a time). */
  async attachment(id: string): Promise<Buffer | undefined> {
    const row = await this.database.db.selectFrom('vie_scolaire_outbox_files').select('content').where('item_id', '=', id).executeTakeFirst();
    return row?.content;
  }

  /**
   * Records what became of a claimed item and releases it; once the school has its file (or it is
   * refused) the file is deleted. Returns false when the claim was lost (nothing changed).
   */
  async settle(instance: string, item: OutboxItem, outcome: Outcome): Promise<boolean> {
    const settled = isSettled({ kind: item.kind, state: outcome.state });
    const upstreamId = outcome.upstreamId ?? item.upstreamId ?? null;
    // A follow-up that finds nothing new (the school has not decided yet, asked every tick) only
    // reschedules: what a person sees is unchanged, so `updated_at` is too (and no answer cached
    // from it is forgotten: the database's triggers, migration 0015, look at what changed).
    const changed = outcome.state !== item.state || upstreamId !== (item.upstreamId ?? null) || outcome.verified !== item.verified;
    return this.database.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('vie_scolaire_outbox')
        .set({
          state: outcome.state,
          upstream_id: upstreamId,
          verified: outcome.verified,
          attempts: 0,
          next_attempt_at: ms(outcome.followUpMs),
          last_error: outcome.lastError ?? null,
          ...(changed ? { updated_at: sql<Date>`now()` } : {}),
          settled_at: settled ? sql<Date>`now()` : null,
          claimed_by: null,
          claimed_until: null,
        })
        .where('id', '=', item.id)
        .where('claimed_by', '=', instance)
        .returning('id')
        .executeTakeFirst();
      if (!updated) return false;
      await trx.deleteFrom('vie_scolaire_outbox_files').where('item_id', '=', item.id).execute();
      // The family hears of the school's decision on a justification (workers/notifications), with the decision.
      if (item.kind === 'justification' && item.state !== outcome.state && (outcome.state === 'ACCEPTED' || outcome.state === 'REJECTED')) {
        await insertNotificationEvent(
          trx,
          {
            kind: 'justification',
            uai: item.uai,
            pupilId: item.pupilId,
            key: `justification|${item.id}|${outcome.state}`,
            details: { accepted: outcome.state === 'ACCEPTED' },
          },
          new Date(),
        );
      }
      return true;
    });
  }

  /** A claimed item could not be forwarded (or followed up): tried again after `backoffMs`, and released. */
  async retryLater(instance: string, item: OutboxItem, error: string, backoffMs: number): Promise<void> {
    await this.database.db
      .updateTable('vie_scolaire_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        next_attempt_at: ms(backoffMs),
        last_error: error.slice(0, MAX_ERROR_LENGTH),
        updated_at: sql<Date>`now()`,
        claimed_by: null,
        claimed_until: null,
      }))
      .where('id', '=', item.id)
      .where('claimed_by', '=', instance)
      .execute();
  }

  /** Deletes settled items (and their files) whose retention is over; returns how many. */
  async prune(retentionMs: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const db = this.database.db;
      const result = await db
        .deleteFrom('vie_scolaire_outbox')
        .where(
          'id',
          'in',
          db.selectFrom('vie_scolaire_outbox').select('id').where('settled_at', '<=', sinceMs(retentionMs)).limit(PRUNE_SLICE).forUpdate().skipLocked(),
        )
        .executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < PRUNE_SLICE) return deleted;
    }
  }
}

/** Throws QuotaExceededError when one more submission of `bytes` would pass a quota. */
export function checkQuotas(used: { count: number; bytes: number }, bytes: number, quotas: SubmissionQuotas): void {
  if (used.count + 1 > quotas.submissionsPerDay) throw new QuotaExceededError('submissionsPerDay', quotas.submissionsPerDay);
  if (used.bytes + bytes > quotas.attachmentBytesPerDay) throw new QuotaExceededError('attachmentBytesPerDay', quotas.attachmentBytesPerDay);
}
