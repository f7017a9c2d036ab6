import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import type { HubDatabase } from '../database.ts';
import { PostgresOutboxStore } from '../outbox/postgres-store.ts';
import type { RetentionConfig } from './config.ts';

/**
 * One kind of data with a retention: `purge` deletes (or, for `calendarFeedsRevoked`, ends) what is
 * past it at `now`, and says how many rows. Each is idempotent: a second run finds nothing.
 */
export interface RetentionRule {
  /** The kind, as logged and as the metric's `kind` label (camelCase, stable). */
  readonly kind: string;
  purge(database: HubDatabase, now: Date): Promise<number>;
}

/** Rows one statement deletes at most: a statement stays short, well under the statement timeout. */
const BATCH = 5_000;
/** Batches one run does per kind at most: a backlog (a first run on years of data) is spread over runs. */
const MAX_BATCHES = 400;

/** Runs `step` (one bounded statement, returning how many rows it touched) until it touches fewer than a batch. */
async function inBatches(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const done = await step();
    total += done;
    if (done < BATCH) break;
  }
  return total;
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms);

/**
 * The access journal's months wholly past the retention: both partitions of each are dropped (a
 * DROP, not a DELETE: instant, and no dead rows). Counted as partitions (tables), not events.
 */
export const journalPartitionRetention = (retentionMs: number): RetentionRule => ({
  kind: 'journalPartitionsDropped',
  async purge(database, now) {
    const result = await sql<{ dropped: number }>`SELECT hub_journal_drop_partitions_before(${before(now, retentionMs)}) AS dropped`.execute(database.db);
    return result.rows[0]?.dropped ?? 0;
  },
});

/** The access journal's events past the retention in the month the cutoff falls in (after the partitions are dropped). */
export const journalEventRetention = (retentionMs: number): RetentionRule => ({
  kind: 'journalEvents',
  purge: (database, now) =>
    inBatches(async () => {
      const cutoff = before(now, retentionMs);
      // Events and their index rows go together: the targets of each deleted event, by primary key.
      const result = await sql<{ deleted: string }>`
        WITH e AS (
          DELETE FROM journal_events WHERE (at, id) IN (
            SELECT at, id FROM journal_events WHERE at < ${cutoff} ORDER BY at LIMIT ${BATCH}
          ) RETURNING at, id, targets
        ), t AS (
          DELETE FROM journal_targets jt USING (SELECT DISTINCT p, e.at, e.id FROM e CROSS JOIN LATERAL unnest(e.targets) AS p) x
          WHERE jt.person_id = x.p AND jt.at = x.at AND jt.event_id = x.id
        )
        SELECT count(*)::text AS deleted FROM e`.execute(database.db);
      return Number(result.rows[0]?.deleted ?? 0);
    }),
});

export const loginHistoryRetention = (retentionMs: number): RetentionRule => ({
  kind: 'loginEvents',
  purge: (database, now) =>
    inBatches(async () => {
      const cutoff = before(now, retentionMs);
      const result = await database.db
        .deleteFrom('login_events')
        .where('id', 'in', (eb) => eb.selectFrom('login_events').select('id').where('at', '<', cutoff).orderBy('at').limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    }),
});

/** A feed no calendar app fetched for `unusedMs` (never fetched: since its creation) is revoked. */
export const unusedFeedRetention = (unusedMs: number): RetentionRule => ({
  kind: 'calendarFeedsRevoked',
  async purge(database, now) {
    const cutoff = before(now, unusedMs);
    const result = await database.db
      .updateTable('calendar_feeds')
      .set({ revoked_at: now })
      .where('revoked_at', 'is', null)
      .where((eb) => eb(eb.fn.coalesce('last_used_at', 'created_at'), '<', cutoff))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
});

export const revokedFeedRetention = (retentionMs: number): RetentionRule => ({
  kind: 'calendarFeedsDeleted',
  purge: (database, now) =>
    inBatches(async () => {
      const cutoff = before(now, retentionMs);
      const result = await database.db
        .deleteFrom('calendar_feeds')
        .where('id', 'in', (eb) => eb.selectFrom('calendar_feeds').select('id').where('revoked_at', '<', cutoff).limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    }),
});

/**
 * Data exports: a document nobody downloaded is deleted at its expiry (the request is `expired`);
 * the record of a finished request is deleted after the retention.
 */
export const dataExportRetention = (retentionMs: number): RetentionRule => ({
  kind: 'dataExports',
  async purge(database, now) {
    const expired = await database.db
      .updateTable('data_exports')
      .set({ status: 'expired', document: null, token_hash: null, link_expires_at: null, finished_at: now })
      .where('status', '=', 'ready')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    const deleted = await database.db
      .deleteFrom('data_exports')
      .where('status', 'in', ['downloaded', 'expired', 'failed'])
      .where('requested_at', '<', before(now, retentionMs))
      .executeTakeFirst();
    return Number(expired.numUpdatedRows) + Number(deleted.numDeletedRows);
  },
});

/**
 * Settled vie scolaire submissions and their files (`VIE_SCOLAIRE_OUTBOX_RETENTION_DAYS`): the
 * outbox's own prune (store/outbox/), which the vie scolaire subgraph also runs on its ticks; here
 * it runs even while no vie scolaire instance does. It counts from now, not from the run's `now`.
 */
export const outboxRetention = (retentionMs: number): RetentionRule => ({
  kind: 'outboxSubmissions',
  purge: (database) => new PostgresOutboxStore(database).prune(retentionMs),
});

/** Messages past their retention, with every copy and signature (ON DELETE CASCADE). */
export const messageRetention = (retentionMs: number): RetentionRule => ({
  kind: 'messages',
  purge: (database, now) =>
    inBatches(async () => {
      const result = await database.db
        .deleteFrom('messages')
        .where('id', 'in', (eb) => eb.selectFrom('messages').select('id').where('sent_at', '<', before(now, retentionMs)).limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    }),
});

/** Drafts not saved again for as long as messages are kept: written and forgotten (HUB_RETENTION_MESSAGES_DAYS). */
export const messageDraftRetention = (retentionMs: number): RetentionRule => ({
  kind: 'messageDrafts',
  purge: (database, now) =>
    inBatches(async () => {
      const result = await database.db
        .deleteFrom('message_drafts')
        .where('id', 'in', (eb) => eb.selectFrom('message_drafts').select('id').where('updated_at', '<', before(now, retentionMs)).limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    }),
});

/**
 * The trash: a recipient's copy trashed past the retention is deleted; a message its sender trashed
 * past the retention is deleted once no recipient keeps a copy (the sender's trash no longer lists it meanwhile).
 */
export const messageTrashRetention = (retentionMs: number): RetentionRule => ({
  kind: 'messagesTrashed',
  async purge(database, now) {
    const cutoff = before(now, retentionMs);
    const copies = await inBatches(async () => {
      const result = await database.db
        .deleteFrom('message_recipients')
        .where((eb) =>
          eb(
            eb.refTuple('message_id', 'person_id'),
            'in',
            eb
              .selectFrom('message_recipients')
              .select(['message_id', 'person_id'])
              .where('trashed_at', '<', cutoff)
              .limit(BATCH)
              .$asTuple('message_id', 'person_id'),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    const messages = await inBatches(async () => {
      const result = await database.db
        .deleteFrom('messages')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .where('m.sender_trashed_at', '<', cutoff)
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb.selectFrom('message_recipients as r').select('r.person_id').whereRef('r.message_id', '=', 'm.id').where('r.recalled_at', 'is', null),
                ),
              ),
            )
            .limit(BATCH),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    return copies + messages;
  },
});

/**
 * Notifications past their retention: the events, with each person's notification and every
 * delivery (ON DELETE CASCADE); then digests and contact problems as old, and school events ended as long ago.
 */
export const notificationRetention = (retentionMs: number): RetentionRule => ({
  kind: 'notifications',
  async purge(database, now) {
    const cutoff = before(now, retentionMs);
    const events = await inBatches(async () => {
      const result = await database.db
        .deleteFrom('notification_events')
        .where('id', 'in', (eb) => eb.selectFrom('notification_events').select('id').where('occurred_at', '<', cutoff).limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    const digests = await database.db.deleteFrom('notification_digests').where('created_at', '<', cutoff).executeTakeFirst();
    const problems = await database.db.deleteFrom('notification_contact_problems').where('last_seen_at', '<', cutoff).executeTakeFirst();
    const spend = await database.db.deleteFrom('notification_sms_spend').where('day', '<', cutoff.toISOString().slice(0, 10)).executeTakeFirst();
    const schoolEvents = await database.db.deleteFrom('school_events').where('ends_at', '<', cutoff).executeTakeFirst();
    return events + [digests, problems, spend, schoolEvents].reduce((n, r) => n + Number(r.numDeletedRows), 0);
  },
});

/**
 * Every kind of data the store keeps with a retention. Sessions have none here: a session's row is
 * deleted when it ends (logout, back-channel logout, or its timeouts, by the hourly upkeep).
 */
export function retentionRules(config: RetentionConfig): RetentionRule[] {
  return [
    journalPartitionRetention(config.journalMs),
    journalEventRetention(config.journalMs),
    loginHistoryRetention(config.loginHistoryMs),
    outboxRetention(config.outboxMs),
    unusedFeedRetention(config.feedUnusedMs),
    revokedFeedRetention(config.revokedFeedMs),
    dataExportRetention(config.dataExportMs),
    messageRetention(config.messagesMs),
    messageTrashRetention(config.messageTrashMs),
    messageDraftRetention(config.messagesMs),
    notificationRetention(config.notificationsMs),
  ];
}

/** Runs every rule once at `now`; a failing rule is logged and the others still run. Returns counts per kind. */
export async function purgeExpiredData(database: HubDatabase, rules: readonly RetentionRule[], now: Date, log: Logger): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const rule of rules) {
    try {
      counts[rule.kind] = await rule.purge(database, now);
    } catch (error) {
      log.error({ err: error, kind: rule.kind, database: database.name }, 'retention purge failed for one kind of data');
    }
  }
  return counts;
}

const PURGED_METRIC = 'hub_retention_purged_total';

/** The purge's row in `hub_job_runs`. */
const JOB = 'retention-purge';
/** A run that failed (or whose instance died) is tried again after this. */
const RETRY_MS = 3_600_000;

export interface RetentionJobOptions {
  rules: readonly RetentionRule[];
  everyMs: number;
  log: Logger;
}

/**
 * The daily purge, shared by every instance: each may call `runIfDue` (the store's hourly upkeep
 * does); one claims the run by moving the job's `next_run_at` forward in one UPDATE (the row lock
 * makes concurrent claims wait and then find it no longer due), runs it, and records what it did.
 * Counts go to the log and, once `registerMetrics` is called, to `hub_retention_purged_total{kind}`.
 */
export class RetentionJob {
  readonly #purged = new Counter({
    name: PURGED_METRIC,
    help: 'Rows deleted (or calendar feeds revoked) by the retention purge, by kind of data; journal partitions dropped count one each.',
    labelNames: ['kind'],
    registers: [],
  });

  constructor(
    private readonly database: HubDatabase,
    private readonly options: RetentionJobOptions,
  ) {}

  /** Exposes the purge's counts in a process's metrics registry (the router's). */
  registerMetrics(registry: Registry): void {
    if (!registry.getSingleMetric(PURGED_METRIC)) registry.registerMetric(this.#purged);
  }

  /** Runs the purge if it is due and no other instance claimed it; its counts per kind, or undefined when it did not run. */
  async runIfDue(now = new Date()): Promise<Record<string, number> | undefined> {
    const { db } = this.database;
    await db
      .insertInto('hub_job_runs')
      .values({ name: JOB, next_run_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const claimed = await db
      .updateTable('hub_job_runs')
      .set({ next_run_at: new Date(now.getTime() + RETRY_MS), last_started_at: now })
      .where('name', '=', JOB)
      .where('next_run_at', '<=', now)
      .returning('name')
      .executeTakeFirst();
    if (!claimed) return undefined;
    const counts = await purgeExpiredData(this.database, this.options.rules, now, this.options.log);
    for (const [kind, count] of Object.entries(counts)) this.#purged.inc({ kind }, count);
    const complete = Object.keys(counts).length === this.options.rules.length;
    await db
      .updateTable('hub_job_runs')
      // A run with a failed kind is tried again in an hour rather than tomorrow.
      .set({
        last_finished_at: new Date(),
        last_result: JSON.stringify(counts),
        ...(complete ? { next_run_at: new Date(now.getTime() + this.options.everyMs) } : {}),
      })
      .where('name', '=', JOB)
      .execute();
    this.options.log.info({ database: this.database.name, purged: counts }, 'retention purge');
    return counts;
  }
}
