import { createHash, randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import { HubError } from '../../lib/errors.ts';
import type { HubDatabase } from '../database.ts';
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from '../keyset-cursor.ts';
import type { Database, NotificationDeliveriesTable } from '../schema.ts';

/** A uuid the store gave out: anything else names nothing, and never reaches a uuid column. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ERROR_LENGTH = 300;
/** Rows per INSERT: a statement carries at most 65,535 parameters, and these tables take about ten a row. */
const ROWS_PER_INSERT = 500;
/**
 * An event's unique key as stored: itself, or its digest past `MAX_KEY_LENGTH`. Keys hold the
 * schools' systems' ids, which have no bound, and a btree entry holds at most ~2,700 bytes: one
 * long id would fail the whole poll, again at every poll.
 */
const MAX_KEY_LENGTH = 300;
const storedKey = (key: string) => (key.length > MAX_KEY_LENGTH ? `sha256|${createHash('sha256').update(key).digest('base64url')}` : key);
const slices = <T>(rows: readonly T[]) =>
  Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) => rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT));

/** A `notifications(after:)` cursor that is not one the hub gave. */
export class InvalidNotificationCursorError extends HubError {
  static override readonly code = 'ERR_NOTIFICATION_CURSOR';
}

export type Trx = Transaction<Database>;
/** How pg-boss runs its SQL inside one of our transactions (its `db` option): the job and our rows commit together. */
export const jobQueueConnection = (trx: Trx) => ({
  executeSql: async (text: string, values: unknown[]) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows }),
});

export interface StoredEvent {
  id: string;
  kind: string;
  uai: string;
  pupilId: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
}

/** An event to record: what happened, in which school, to which pupil; `key` makes it once. */
export interface NewEvent {
  kind: string;
  uai: string;
  pupilId: string | null;
  key: string;
  details: Record<string, unknown>;
}

/**
 * Records an event once per `key`, in the caller's transaction when given one (the outbox records a
 * justification's decision with the decision itself). False when it was already recorded.
 */
export async function insertNotificationEvent(db: HubDatabase['db'] | Trx, event: NewEvent, at: Date): Promise<boolean> {
  const result = await db
    .insertInto('notification_events')
    .values({
      id: randomUUID(),
      kind: event.kind,
      uai: event.uai,
      pupil_id: event.pupilId,
      dedup_key: storedKey(event.key),
      details: JSON.stringify(event.details),
      occurred_at: at,
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * A recalled message's notifications, gone for the recipients whose copy went (the notification
 * names the subject): their notifications, and their deliveries not sent yet. In the recall's transaction.
 */
export async function forgetMessageNotifications(trx: Trx, messageId: string, personIds: readonly string[]): Promise<void> {
  if (!personIds.length) return;
  const events = trx.selectFrom('notification_events').select('id').where('dedup_key', '=', `message|${messageId}`);
  await trx.deleteFrom('notifications').where('event_id', 'in', events).where('person_id', 'in', personIds).execute();
  await trx
    .deleteFrom('notification_deliveries')
    .where('event_id', 'in', events)
    .where('person_id', 'in', personIds)
    // `sending` too: a delivery the relay refused once stays `sending` until the queue's next attempt.
    .where('state', 'in', ['waiting', 'queued', 'sending'])
    .execute();
}

export interface NewNotification {
  personId: string;
  category: string;
  childId: string | null;
  title: string;
  body: string;
  link: string | null;
}

export interface NewDelivery {
  personId: string;
  channel: 'email' | 'sms';
  frequency: 'immediate' | 'daily' | 'weekly';
  dueAt: Date;
}

export interface NotificationItem {
  id: string;
  category: string;
  childId: string | null;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  personId: string;
  channel: 'email' | 'sms';
  uai: string;
  attempts: number;
  providerId: string | null;
  state: NotificationDeliveriesTable['state'];
}

export interface DigestLine {
  deliveryId: string;
  kind: string;
  pupilId: string | null;
  uai: string;
  details: Record<string, unknown>;
  occurredAt: Date;
}

/** What the fan-out does with an event whose planning or recording fails (a poison event must not hold up the others). */
export interface FanOutFailurePolicy {
  /** Attempts of one event before it is set aside (state failed: `fan_out_failed_at`). */
  attempts: number;
  /** Wait before the second attempt, doubling after each. */
  retryDelayMs: number;
  /** What is kept of a failure: bounded and redacted by the caller (it may quote anything). */
  reasonOf: (error: unknown) => string;
  /** Told of each event set aside, after the pass committed (a metric, a log line). */
  onSetAside?: (event: StoredEvent, reason: string) => void;
}

export interface PreferenceRow {
  category: string;
  inApp: boolean;
  email: string;
  sms: string;
}

const cursorOf = (n: { created_at: Date; id: string }) => encodeKeysetCursor(n.created_at, n.id);
function parseCursor(cursor: string): KeysetPosition {
  const position = decodeKeysetCursor(cursor, (id) => UUID.test(id));
  if (!position) throw new InvalidNotificationCursorError('this cursor is not one the hub gave');
  return position;
}

/**
 * The notifications' rows (store/migrations/0009-notifications.ts), shared by every instance of the
 * worker and of the communication subgraph. What must happen once happens under a row lock, a
 * unique key or a lease, never under a process's memory.
 */
export class PostgresNotificationStore {
  constructor(readonly database: HubDatabase) {}

  // ---- the change detector -------------------------------------------------------------------

  /**
   * Takes (or renews) the lease of a school's polling for `ms`: false when another instance holds
   * it. The lease outlives the poll on purpose: it is also what keeps other instances from polling
   * the school again before the interval (the holder's own schedule spaces its polls).
   */
  async tryLease(uai: string, holder: string, ms: number): Promise<boolean> {
    const row = await sql<{ uai: string }>`
      INSERT INTO notification_leases (uai, holder, expires_at) VALUES (${uai}, ${holder}, now() + ${ms} * interval '1 millisecond')
      ON CONFLICT (uai) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE notification_leases.expires_at < now() OR notification_leases.holder = excluded.holder
      RETURNING uai`.execute(this.database.db);
    return row.rows.length === 1;
  }

  /** Ends a holder's leases early (a poll that failed, an instance stopping): another instance may poll at once. */
  async releaseLeases(holder: string, uai?: string): Promise<void> {
    let query = this.database.db.deleteFrom('notification_leases').where('holder', '=', holder);
    if (uai !== undefined) query = query.where('uai', '=', uai);
    await query.execute();
  }

  async coverage(uai: string, kind: string): Promise<{ from: string; to: string } | undefined> {
    const row = await this.database.db
      .selectFrom('notification_baselines')
      .select(['covered_from', 'covered_to'])
      .where('uai', '=', uai)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row && { from: row.covered_from, to: row.covered_to };
  }

  /**
   * A person's read fetched fresh data of a kind from a school's system: the detector is to poll it
   * early. Only a school and kind already polled (a baseline exists: the first poll is the
   * schedule's), and written once until the detector begins its next read: reads add no rows and,
   * while a hint waits, no writes.
   */
  async noteFreshRead(uai: string, kind: string): Promise<void> {
    await this.database.db
      .updateTable('notification_baselines')
      .set({ fresh_read_at: sql<Date>`now()` })
      .where('uai', '=', uai)
      .where('kind', '=', kind)
      .where('fresh_read_at', 'is', null)
      .execute();
  }

  /** The schools and kinds a fresh read asks to poll early, whose last poll is at least `minGapMs` old (the database's clock). */
  async dueFreshReads(minGapMs: number): Promise<{ uai: string; kind: string }[]> {
    return this.database.db
      .selectFrom('notification_baselines')
      .select(['uai', 'kind'])
      .where('fresh_read_at', 'is not', null)
      .where('read_at', '<=', sql<Date>`now() - ${minGapMs} * interval '1 millisecond'`)
      .orderBy('fresh_read_at')
      .execute();
  }

  /** A poll of a kind begins: what was read before now is covered by it (a read meanwhile asks again). */
  async clearFreshRead(uai: string, kind: string): Promise<void> {
    await this.database.db
      .updateTable('notification_baselines')
      .set({ fresh_read_at: null })
      .where('uai', '=', uai)
      .where('kind', '=', kind)
      .where('fresh_read_at', 'is not', null)
      .execute();
  }

  async snapshots(uai: string, kind: string, pupilIds: readonly string[]): Promise<Map<string, Record<string, [string, string]>>> {
    if (!pupilIds.length) return new Map();
    const rows = await this.database.db
      .selectFrom('notification_snapshots')
      .select(['pupil_id', 'items'])
      .where('uai', '=', uai)
      .where('kind', '=', kind)
      .where('pupil_id', 'in', pupilIds)
      .execute();
    return new Map(rows.map((r) => [r.pupil_id, r.items]));
  }

  /**
   * What one poll of a school's kind of data found, in one transaction: the days it covered, the
   * pupils' new snapshots, the events (a change already recorded, by another instance or an
   * earlier poll, is not recorded twice). Returns the kinds of the events that were new.
   */
  async recordPoll(
    uai: string,
    kind: string,
    covered: { from: string; to: string },
    snapshots: ReadonlyMap<string, Record<string, [string, string]>>,
    events: readonly { kind: string; pupilId: string; key: string; details: Record<string, unknown> }[],
    at: Date,
  ): Promise<string[]> {
    return this.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notification_baselines')
        .values({ uai, kind, covered_from: covered.from, covered_to: covered.to, polled_at: at, read_at: sql<Date>`now()` })
        .onConflict((oc) =>
          oc.columns(['uai', 'kind']).doUpdateSet({ covered_from: covered.from, covered_to: covered.to, polled_at: at, read_at: sql<Date>`now()` }),
        )
        .execute();
      const rows = [...snapshots].map(([pupil_id, items]) => ({ uai, kind, pupil_id, items: JSON.stringify(items) }));
      for (const slice of slices(rows)) {
        await trx
          .insertInto('notification_snapshots')
          .values(slice)
          .onConflict((oc) => oc.columns(['uai', 'kind', 'pupil_id']).doUpdateSet({ items: (eb) => eb.ref('excluded.items') }))
          .execute();
      }
      const inserted: string[] = [];
      for (const slice of slices(events)) {
        const rows = await trx
          .insertInto('notification_events')
          .values(
            slice.map((e) => ({
              id: randomUUID(),
              kind: e.kind,
              uai,
              pupil_id: e.pupilId,
              dedup_key: storedKey(e.key),
              details: JSON.stringify(e.details),
              occurred_at: at,
            })),
          )
          .onConflict((oc) => oc.column('dedup_key').doNothing())
          .returning('kind')
          .execute();
        inserted.push(...rows.map((r) => r.kind));
      }
      return inserted;
    });
  }

  /** One event from another source (a message, a school event): recorded once per `key`. */
  recordEvent(event: NewEvent, at = new Date()): Promise<boolean> {
    return insertNotificationEvent(this.database.db, event, at);
  }

  // ---- deciding who hears what -------------------------------------------------------------

  /**
   * Takes up to `limit` events due to be fanned out (skipping those another instance holds), lets
   * `plan` decide each one's notifications and deliveries, records them and marks the events
   * done, all in one transaction: a crash halfway records nothing, and the next pass redoes it.
   * `afterInsert` runs in the same transaction with the new deliveries due now (to enqueue their jobs).
   *
   * Each event is planned and recorded under a savepoint: one that fails (its planning throws, a
   * row the database refuses) is undone alone and tried again later with backoff, then, after
   * `policy.attempts`, set aside with its reason; the events behind it go on.
   */
  async fanOut(
    limit: number,
    at: Date,
    plan: (event: StoredEvent) => Promise<{ notifications: NewNotification[]; deliveries: NewDelivery[] }>,
    afterInsert: (trx: Trx, due: { id: string; channel: string }[]) => Promise<void>,
    policy: FanOutFailurePolicy,
  ): Promise<number> {
    const setAside: { event: StoredEvent; reason: string }[] = [];
    const taken = await this.database.db.transaction().execute(async (trx) => {
      const events = await trx
        .selectFrom('notification_events')
        .selectAll()
        .where('fanned_out_at', 'is', null)
        .where('fan_out_failed_at', 'is', null)
        .where((eb) => eb.or([eb('fan_out_retry_at', 'is', null), eb('fan_out_retry_at', '<=', at)]))
        .orderBy('occurred_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const due: { id: string; channel: string }[] = [];
      for (const row of events) {
        const event: StoredEvent = {
          id: row.id,
          kind: row.kind,
          uai: row.uai,
          pupilId: row.pupil_id,
          details: row.details,
          occurredAt: row.occurred_at,
        };
        await sql`SAVEPOINT fan_out_event`.execute(trx);
        try {
          due.push(...(await this.#recordFanOut(trx, event, at, await plan(event))));
          await sql`RELEASE SAVEPOINT fan_out_event`.execute(trx);
        } catch (error) {
          await sql`ROLLBACK TO SAVEPOINT fan_out_event`.execute(trx);
          const reason = policy.reasonOf(error).slice(0, MAX_ERROR_LENGTH);
          const attempts = row.fan_out_attempts + 1;
          const final = attempts >= policy.attempts;
          await trx
            .updateTable('notification_events')
            .set({
              fan_out_attempts: attempts,
              fan_out_error: reason,
              ...(final
                ? { fan_out_failed_at: at, fan_out_retry_at: null }
                : { fan_out_retry_at: new Date(at.getTime() + policy.retryDelayMs * 2 ** (attempts - 1)) }),
            })
            .where('id', '=', event.id)
            .execute();
          if (final) setAside.push({ event, reason });
        }
      }
      if (due.length) await afterInsert(trx, due);
      return events.length;
    });
    for (const { event, reason } of setAside) policy.onSetAside?.(event, reason);
    return taken;
  }

  /** One event's notifications and deliveries, and the event marked done; returns the deliveries due now. */
  async #recordFanOut(
    trx: Trx,
    event: StoredEvent,
    at: Date,
    { notifications, deliveries }: { notifications: NewNotification[]; deliveries: NewDelivery[] },
  ): Promise<{ id: string; channel: string }[]> {
    const due: { id: string; channel: string }[] = [];
    // In slices: a whole school's audience is thousands of rows, past PostgreSQL's 65,535 parameters per statement.
    for (const slice of slices(notifications)) {
      await trx
        .insertInto('notifications')
        .values(
          slice.map((n) => ({
            id: randomUUID(),
            event_id: event.id,
            person_id: n.personId,
            category: n.category,
            child_id: n.childId,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['event_id', 'person_id']).doNothing())
        .execute();
    }
    for (const slice of slices(deliveries)) {
      const rows = await trx
        .insertInto('notification_deliveries')
        .values(
          slice.map((d) => ({
            id: randomUUID(),
            event_id: event.id,
            person_id: d.personId,
            channel: d.channel,
            frequency: d.frequency,
            state: d.frequency === 'immediate' && d.dueAt <= at ? ('queued' as const) : ('waiting' as const),
            uai: event.uai,
            due_at: d.dueAt,
            created_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['event_id', 'person_id', 'channel']).doNothing())
        .returning(['id', 'channel', 'state'])
        .execute();
      due.push(...rows.filter((r) => r.state === 'queued'));
    }
    await trx.updateTable('notification_events').set({ fanned_out_at: at, fan_out_retry_at: null }).where('id', '=', event.id).execute();
    return due;
  }

  async preferencesOf(personIds: readonly string[]): Promise<Map<string, PreferenceRow[]>> {
    const out = new Map<string, PreferenceRow[]>();
    if (!personIds.length) return out;
    const rows = await this.database.db.selectFrom('notification_preferences').selectAll().where('person_id', 'in', personIds).execute();
    for (const r of rows) out.set(r.person_id, [...(out.get(r.person_id) ?? []), { category: r.category, inApp: r.in_app, email: r.email, sms: r.sms }]);
    return out;
  }

  async quietHoursOf(personIds: readonly string[]): Promise<Map<string, { from: number; to: number }>> {
    if (!personIds.length) return new Map();
    const rows = await this.database.db.selectFrom('notification_settings').selectAll().where('person_id', 'in', personIds).execute();
    return new Map(rows.map((r) => [r.person_id, { from: r.quiet_from, to: r.quiet_to }]));
  }

  async setPreference(personId: string, preference: PreferenceRow): Promise<void> {
    const values = { in_app: preference.inApp, email: preference.email, sms: preference.sms, updated_at: new Date() };
    await this.database.db
      .insertInto('notification_preferences')
      .values({ person_id: personId, category: preference.category, ...values })
      .onConflict((oc) => oc.columns(['person_id', 'category']).doUpdateSet(values))
      .execute();
  }

  async setQuietHours(personId: string, quiet: { from: number; to: number }): Promise<void> {
    const values = { quiet_from: quiet.from, quiet_to: quiet.to, updated_at: new Date() };
    await this.database.db
      .insertInto('notification_settings')
      .values({ person_id: personId, ...values })
      .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
      .execute();
  }

  /** Who received a message and may still read it (a recalled copy is gone): a message event's recipients. */
  async messageRecipients(messageId: string): Promise<string[]> {
    if (!UUID.test(messageId)) return [];
    const rows = await this.database.db
      .selectFrom('message_recipients')
      .select('person_id')
      .where('message_id', '=', messageId)
      .where('recalled_at', 'is', null)
      .execute();
    return rows.map((r) => r.person_id);
  }

  // ---- delivering ------------------------------------------------------------------------------

  /**
   * Deliveries whose time has come (quiet hours over) become `queued`, and `enqueue` puts their
   * jobs in the queue in the same transaction. Several instances share the work (SKIP LOCKED).
   */
  async releaseDue(at: Date, limit: number, enqueue: (trx: Trx, due: { id: string; channel: string }[]) => Promise<void>): Promise<number> {
    return this.database.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('notification_deliveries')
        .select(['id', 'channel'])
        .where('state', '=', 'waiting')
        .where('frequency', '=', 'immediate')
        .where('due_at', '<=', at)
        .orderBy('due_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!due.length) return 0;
      await trx
        .updateTable('notification_deliveries')
        .set({ state: 'queued' })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .execute();
      await enqueue(trx, due);
      return due.length;
    });
  }

  /**
   * The delivery a job is about, claimed for sending: undefined when it is settled already (sent,
   * failed, replaced: a job run twice sends nothing twice). `sending` again is a retry after a crash
   * or an error: the channel's idempotency reference (the delivery's id) keeps it from doubling.
   */
  async claimDelivery(id: string): Promise<Delivery | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.database.db
      .updateTable('notification_deliveries')
      .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'sending'])
      .returning(['id', 'event_id', 'person_id', 'channel', 'uai', 'attempts', 'provider_id', 'state'])
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        eventId: row.event_id,
        personId: row.person_id,
        channel: row.channel,
        uai: row.uai,
        attempts: row.attempts,
        providerId: row.provider_id,
        state: row.state,
      }
    );
  }

  async eventOf(eventId: string): Promise<StoredEvent | undefined> {
    const e = await this.database.db.selectFrom('notification_events').selectAll().where('id', '=', eventId).executeTakeFirst();
    return e && { id: e.id, kind: e.kind, uai: e.uai, pupilId: e.pupil_id, details: e.details, occurredAt: e.occurred_at };
  }

  async settleDelivery(id: string, outcome: { state: 'sent'; providerId: string; at: Date } | { state: 'failed' | 'replaced'; error: string }): Promise<void> {
    await this.database.db
      .updateTable('notification_deliveries')
      .set(
        outcome.state === 'sent'
          ? { state: 'sent', provider_id: outcome.providerId, sent_at: outcome.at, error: null }
          : { state: outcome.state, error: outcome.error.slice(0, MAX_ERROR_LENGTH) },
      )
      .where('id', '=', id)
      .execute();
  }

  /** A failed attempt that will be retried: why, kept for the operator. */
  async noteAttemptError(id: string, error: string): Promise<void> {
    await this.database.db
      .updateTable('notification_deliveries')
      .set({ error: error.slice(0, MAX_ERROR_LENGTH) })
      .where('id', '=', id)
      .execute();
  }

  /** An SMS that could not go (no mobile, invalid number, budget spent): an e-mail instead, at once, in the same transaction. */
  async replaceSmsByEmail(id: string, reason: string, at: Date, enqueue: (trx: Trx, due: { id: string; channel: string }[]) => Promise<void>): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      const sms = await trx
        .updateTable('notification_deliveries')
        .set({ state: 'replaced', error: reason.slice(0, MAX_ERROR_LENGTH) })
        .where('id', '=', id)
        .returning(['event_id', 'person_id', 'uai'])
        .executeTakeFirst();
      if (!sms) return;
      const email = await trx
        .insertInto('notification_deliveries')
        .values({
          id: randomUUID(),
          event_id: sms.event_id,
          person_id: sms.person_id,
          channel: 'email',
          frequency: 'immediate',
          state: 'queued',
          uai: sms.uai,
          due_at: at,
          created_at: at,
        })
        // The person chose e-mail for this event too: that one stays the only e-mail.
        .onConflict((oc) => oc.columns(['event_id', 'person_id', 'channel']).doNothing())
        .returning(['id', 'channel'])
        .execute();
      if (email.length) await enqueue(trx, email);
    });
  }

  /** The delivery receipt of an SMS. */
  async markDelivered(id: string, at: Date, failed?: string): Promise<void> {
    await this.database.db
      .updateTable('notification_deliveries')
      .set(failed ? { state: 'failed', error: failed.slice(0, MAX_ERROR_LENGTH) } : { delivered_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Counts one SMS against a school's budget of the day; false (and nothing counted) when it is spent. */
  async spendSms(uai: string, day: string, budget: number): Promise<boolean> {
    const row = await sql<{ spent: number }>`
      INSERT INTO notification_sms_spend (uai, day, spent) VALUES (${uai}, ${day}, 1)
      ON CONFLICT (uai, day) DO UPDATE SET spent = notification_sms_spend.spent + 1 WHERE notification_sms_spend.spent < ${budget}
      RETURNING spent`.execute(this.database.db);
    return row.rows.length === 1 && budget > 0;
  }

  async reportContactProblem(uai: string, personId: string, channel: string, problem: string): Promise<void> {
    await this.database.db
      .insertInto('notification_contact_problems')
      .values({ uai, person_id: personId, channel, problem })
      .onConflict((oc) =>
        oc
          .columns(['uai', 'person_id', 'channel'])
          .doUpdateSet((eb) => ({ problem, last_seen_at: new Date(), occurrences: eb('notification_contact_problems.occurrences', '+', 1) })),
      )
      .execute();
  }

  async contactProblems(uais: readonly string[], limit = 200) {
    if (!uais.length) return [];
    return this.database.db
      .selectFrom('notification_contact_problems')
      .selectAll()
      .where('uai', 'in', uais)
      .orderBy('last_seen_at', 'desc')
      .limit(limit)
      .execute();
  }

  // ---- digests -------------------------------------------------------------------------------

  /**
   * Opens the digest of `period` for every person with deliveries of that frequency waiting since
   * before `before` (one per person and period, whatever the number of instances), and hands the
   * new ones to `enqueue` in the same transaction. Returns how many were opened.
   */
  async openDigests(
    frequency: 'daily' | 'weekly',
    period: string,
    before: Date,
    limit: number,
    enqueue: (trx: Trx, digests: { id: string }[]) => Promise<void>,
  ): Promise<number> {
    return this.database.db.transaction().execute(async (trx) => {
      const people = await trx
        .selectFrom('notification_deliveries')
        .select('person_id')
        .distinct()
        .where('state', '=', 'waiting')
        .where('frequency', '=', frequency)
        .where('created_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('notification_digests')
                .select('id')
                .whereRef('notification_digests.person_id', '=', 'notification_deliveries.person_id')
                .where('notification_digests.frequency', '=', frequency)
                .where('notification_digests.period', '=', period),
            ),
          ),
        )
        .limit(limit)
        .execute();
      if (!people.length) return 0;
      const opened = await trx
        .insertInto('notification_digests')
        .values(people.map((p) => ({ id: randomUUID(), person_id: p.person_id, frequency, period, state: 'sending' as const })))
        .onConflict((oc) => oc.columns(['person_id', 'frequency', 'period']).doNothing())
        .returning('id')
        .execute();
      // Each waiting line joins its digest now: what arrives later waits for the next one.
      for (const digest of opened) {
        await sql`
          UPDATE notification_deliveries d SET digest_id = ${digest.id}, state = 'queued'
          FROM notification_digests g
          WHERE g.id = ${digest.id} AND d.person_id = g.person_id AND d.frequency = ${frequency} AND d.state = 'waiting' AND d.created_at < ${before}`.execute(
          trx,
        );
      }
      if (opened.length) await enqueue(trx, opened);
      return opened.length;
    });
  }

  /** A digest's person and lines, when it is still to send. */
  async digest(id: string): Promise<{ personId: string; frequency: 'daily' | 'weekly'; period: string; lines: DigestLine[] } | undefined> {
    if (!UUID.test(id)) return undefined;
    const digest = await this.database.db.selectFrom('notification_digests').selectAll().where('id', '=', id).where('state', '=', 'sending').executeTakeFirst();
    if (!digest) return undefined;
    const lines = await this.database.db
      .selectFrom('notification_deliveries as d')
      .innerJoin('notification_events as e', 'e.id', 'd.event_id')
      .select(['d.id as deliveryId', 'e.kind', 'e.pupil_id as pupilId', 'e.uai', 'e.details', 'e.occurred_at as occurredAt'])
      .where('d.digest_id', '=', id)
      .orderBy('e.occurred_at')
      .execute();
    return { personId: digest.person_id, frequency: digest.frequency, period: digest.period, lines };
  }

  /**
   * Claims a digest for one attempt to send it, before the mail leaves: true when this attempt may
   * send, false while another attempt's claim is younger than `staleMs` (it may be sending, or have
   * sent with the database failing right after). A stale claim is an attempt that died: the digest
   * goes again, under the same Message-ID.
   */
  async claimDigestSend(id: string, at: Date, staleMs: number): Promise<boolean> {
    const row = await this.database.db
      .updateTable('notification_digests')
      .set({ sending_since: at })
      .where('id', '=', id)
      .where('state', '=', 'sending')
      .where((eb) => eb.or([eb('sending_since', 'is', null), eb('sending_since', '<=', new Date(at.getTime() - staleMs))]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ends an attempt's claim that sent nothing (the relay refused it for now): the next attempt need not wait. */
  async releaseDigestSend(id: string): Promise<void> {
    await this.database.db.updateTable('notification_digests').set({ sending_since: null }).where('id', '=', id).where('state', '=', 'sending').execute();
  }

  async settleDigest(id: string, outcome: { sent: true; at: Date; items: number } | { sent: false; error: string }): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notification_digests')
        .set(outcome.sent ? { state: 'sent', sent_at: outcome.at, items: outcome.items } : { state: 'failed', error: outcome.error.slice(0, MAX_ERROR_LENGTH) })
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('notification_deliveries')
        .set(outcome.sent ? { state: 'sent', sent_at: outcome.at } : { state: 'failed', error: outcome.error.slice(0, MAX_ERROR_LENGTH) })
        .where('digest_id', '=', id)
        .execute();
    });
  }

  // ---- what a person sees ------------------------------------------------------------------

  async notificationsOf(personId: string, first: number, after?: string): Promise<{ items: NotificationItem[]; endCursor?: string; hasNextPage: boolean }> {
    let query = this.database.db.selectFrom('notifications').selectAll().where('person_id', '=', personId);
    if (after) {
      const c = parseCursor(after);
      query = query.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(first + 1)
      .execute();
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.id,
        category: r.category,
        childId: r.child_id,
        title: r.title,
        body: r.body,
        link: r.link,
        createdAt: r.created_at,
        readAt: r.read_at,
      })),
      ...(last ? { endCursor: cursorOf(last) } : {}),
      hasNextPage: rows.length > first,
    };
  }

  async unreadCount(personId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('person_id', '=', personId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the person's own notifications read (the given ones, or all): another person's ids change nothing. Returns how many. */
  async markRead(personId: string, ids: readonly string[] | 'all'): Promise<number> {
    let query = this.database.db.updateTable('notifications').set({ read_at: new Date() }).where('person_id', '=', personId).where('read_at', 'is', null);
    if (ids !== 'all') {
      const valid = ids.filter((id) => UUID.test(id));
      if (!valid.length) return 0;
      query = query.where('id', 'in', valid);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** The deliveries of one event (tests and operators: who was told, how, and where it stands). */
  async deliveriesOf(eventId: string) {
    return this.database.db.selectFrom('notification_deliveries').selectAll().where('event_id', '=', eventId).execute();
  }
}
