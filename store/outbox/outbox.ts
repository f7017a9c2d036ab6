import { randomUUID } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import type { SubmissionState, UpstreamFile, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { HubDatabase } from '../database.ts';
import type { SubmissionQuotas } from '../quota.ts';
import type { OutboxItem, OutboxState, SubmissionKind, SubmissionTarget } from './item.ts';
import { checkQuotas, PostgresOutboxStore } from './postgres-store.ts';

export type { OutboxItem, OutboxState, StoredFile, SubmissionKind, SubmissionTarget } from './item.ts';

/** What the outbox needs of a school's system: the vie scolaire connector's client (connectors/vie-scolaire/client.ts). */
export type OutboxUpstream = Pick<VieScolaireClient, 'justifyAbsence' | 'submitHomework' | 'justificationState'>;

export interface OutboxOptions {
  /** Whether a target is the pupil's own, as the school says; throws when it cannot say (retried later). */
  verify: (target: SubmissionTarget) => Promise<boolean>;
  /** The first retry's wait; each further failure doubles it, up to `maxBackoffMs` (5 minutes by default). */
  retryBaseMs?: number;
  maxBackoffMs?: number;
  /** How often the loop looks for due items (and follows up what a school received); 1 s by default. */
  tickMs?: number;
  /** How long a decided submission (accepted, rejected; a homework received) is kept: 90 days by default. */
  retentionMs?: number;
  /**
   * How long an instance's claim on an item holds: past it, another instance may forward the item
   * (this one crashed). Far above one forwarding (the connector's deadline); 60 s by default.
   */
  leaseMs?: number;
  /** Items claimed, and forwarded at once, at a time; 4 by default (the connector's lane for calls made for nobody). */
  batchSize?: number;
  /** Where the backlog is reported (`hub_outbox_items`, `hub_outbox_oldest_pending_seconds`), read from the database at each scrape. */
  metrics?: Registry;
}

export const DEFAULT_RETENTION_MS = 90 * 86_400_000;
export const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_BATCH_SIZE = 4;
/** Items one pass handles at most: a long outage's backlog is worked through over several passes. */
const MAX_PER_PASS = 1_000;
const STATE_OF: Record<SubmissionState, OutboxState> = { received: 'SENT', accepted: 'ACCEPTED', rejected: 'REJECTED' };

/** A submission as a resolver hands it over, its file's content included. */
export type Submission = Pick<OutboxItem, 'kind' | 'uai' | 'pupilId' | 'targetId' | 'submittedBy' | 'reason' | 'comment' | 'verified'> & {
  file?: UpstreamFile;
};

/**
 * What guardians and pupils submit, kept in the hub's database until the school's system has taken
 * it: a submission is committed before it is acknowledged, so neither an upstream outage nor a
 * restart loses one, and every instance of the vie scolaire subgraph sees the same outbox.
 *
 * Each instance runs a loop: it claims due items (`FOR UPDATE SKIP LOCKED`, under a lease), forwards
 * them with exponential backoff (the school dedupes by the item's id, so a retry after a lost answer
 * makes no duplicate), then follows them until the school accepts or rejects them. Claims make each
 * item one instance's at a time; a crashed instance's claims lapse with their lease.
 *
 * Bounded: an attached file's content is in a table of its own, read one item at a time to forward
 * it and deleted once the school has it; decided items are pruned after the retention. Nothing is
 * forwarded whose target the school has not confirmed to be the pupil's.
 */
export class Outbox {
  /** This instance's name on its claims. */
  readonly instance = randomUUID();
  readonly #store: PostgresOutboxStore;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Set while stopping: a pass ends after its current batch instead of working through a backlog. */
  #stopping = false;

  constructor(
    database: HubDatabase,
    private readonly upstream: OutboxUpstream,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
  ) {
    this.#store = new PostgresOutboxStore(database);
    if (options.metrics) this.#registerMetrics(options.metrics);
  }

  /** The backlog as every instance sees it (the table is shared): one query per scrape, never per submission. */
  #registerMetrics(registry: Registry): void {
    let backlog: Promise<Awaited<ReturnType<PostgresOutboxStore['backlog']>> | undefined> | undefined;
    // Both gauges are collected in one scrape: they share one query.
    const read = () =>
      (backlog ??= this.#store
        .backlog()
        .catch((error: unknown) => {
          this.log.warn({ err: error }, 'outbox backlog not read for the metrics');
          return undefined;
        })
        .finally(() => setImmediate(() => (backlog = undefined))));
    const items: Gauge<'state'> = new Gauge({
      name: 'hub_outbox_items',
      help: 'Vie scolaire submissions not yet settled, by state: PENDING (to forward to the school), SENT (received, awaiting its decision).',
      labelNames: ['state'],
      registers: [registry],
      collect: async () => {
        const now = await read();
        if (!now) return;
        items.set({ state: 'PENDING' }, now.pending);
        items.set({ state: 'SENT' }, now.sent);
      },
    });
    const oldest: Gauge = new Gauge({
      name: 'hub_outbox_oldest_pending_seconds',
      help: 'Age of the oldest vie scolaire submission still to forward (0 when none waits).',
      registers: [registry],
      collect: async () => {
        const now = await read();
        if (now) oldest.set(now.oldestPendingAt ? Math.max(0, (Date.now() - now.oldestPendingAt.getTime()) / 1000) : 0);
      },
    });
  }

  /** Throws QuotaExceededError if one more submission of `bytes` by `by` would pass a quota (an early refusal; `submit` checks again, atomically). */
  async checkQuota(by: string, bytes: number, quotas: SubmissionQuotas): Promise<void> {
    checkQuotas(await this.#store.usage(by), bytes, quotas);
  }

  /**
   * Keeps a submission durably (within its author's quotas, on every instance together), then tries
   * to forward it at once. Returns it as stored.
   */
  async submit(submission: Submission, quotas?: SubmissionQuotas): Promise<OutboxItem> {
    const { file, ...rest } = submission;
    const content = file ? Buffer.from(file.base64, 'base64') : undefined;
    const item = await this.#store.insert(
      { ...rest, id: randomUUID(), ...(file && content ? { file: { name: file.name, contentType: file.contentType, bytes: content.length } } : {}) },
      content,
      quotas,
    );
    void this.tick();
    return item;
  }

  /** A pupil's submissions (of a kind, in some schools), newest first. */
  list(filter: { pupilId?: string; kind?: SubmissionKind; uais?: readonly string[] } = {}): Promise<OutboxItem[]> {
    return this.#store.list(filter);
  }

  get(id: string): Promise<OutboxItem | undefined> {
    return this.#store.get(id);
  }

  /** Takes in an item an earlier version kept in a file (see file-import.ts), with its file's content (base64). */
  adopt(item: OutboxItem, base64: string | undefined): Promise<boolean> {
    return this.#store.adopt(item, base64 === undefined ? undefined : Buffer.from(base64, 'base64'));
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopping = true;
    try {
      await this.#running;
    } finally {
      this.#stopping = false;
    }
  }

  /** One pass: prune what is decided and old, forward what is due, follow what was sent. This instance's passes never overlap. */
  tick(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    try {
      const pruned = await this.#store.prune(this.options.retentionMs ?? DEFAULT_RETENTION_MS);
      if (pruned) this.log.info({ pruned }, 'decided submissions past their retention deleted');
      for (let handled = 0; handled < MAX_PER_PASS;) {
        const claimed = await this.#store.claim(this.instance, batchSize, this.options.leaseMs ?? DEFAULT_LEASE_MS);
        await Promise.all(claimed.map((item) => this.#forward(item)));
        handled += claimed.length;
        if (claimed.length < batchSize || this.#stopping) break;
      }
    } catch (error) {
      // The database failed (down, a timeout): the next pass tries again; claims made lapse with their lease.
      this.log.error({ err: error }, 'outbox pass failed');
    }
  }

  /** Checks, forwards or follows up one claimed item, and records what became of it. */
  async #forward(item: OutboxItem): Promise<void> {
    const followUpMs = this.options.tickMs ?? 1000;
    try {
      if (item.state === 'SENT') {
        const state = await this.upstream.justificationState(item.uai, item.upstreamId!);
        await this.#store.settle(this.instance, item, { state: STATE_OF[state], verified: true, followUpMs });
        return;
      }
      if (!item.verified && !(await this.options.verify(item))) {
        this.log.warn({ submission: item.id, kind: item.kind, uai: item.uai }, 'submission refused: its target is not one of this pupil’s');
        await this.#store.settle(this.instance, item, { state: 'REJECTED', verified: false, lastError: 'not one of this pupil’s', followUpMs });
        return;
      }
      const file = await this.#file(item);
      if (file === null) {
        // Kept with its item until the school has it: a file missing (an import of files an earlier
        // version lost) will never be there, so the item is settled rather than retried forever.
        this.log.error({ submission: item.id, kind: item.kind, uai: item.uai }, 'submission refused: its attached file is missing');
        await this.#store.settle(this.instance, item, { state: 'REJECTED', verified: true, lastError: 'its attached file is missing', followUpMs });
        return;
      }
      const answer =
        item.kind === 'justification'
          ? await this.upstream.justifyAbsence(item.uai, {
              pupilId: item.pupilId,
              absenceId: item.targetId,
              reason: item.reason ?? '',
              comment: item.comment,
              attachment: file,
              clientRef: item.id,
            })
          : await this.upstream.submitHomework(item.uai, { pupilId: item.pupilId, homeworkId: item.targetId, file: file!, clientRef: item.id });
      // The school has the file: the store deletes its content.
      await this.#store.settle(this.instance, item, { state: STATE_OF[answer.state], upstreamId: answer.upstreamId, verified: true, followUpMs });
    } catch (error) {
      const attempts = item.attempts + 1;
      const backoff = Math.min((this.options.retryBaseMs ?? 1000) * 2 ** Math.min(attempts - 1, 16), this.options.maxBackoffMs ?? 300_000);
      const message = (error as Error).message;
      this.log.warn({ submission: item.id, kind: item.kind, uai: item.uai, attempts, err: message }, 'submission not forwarded yet; will retry');
      await this.#store.retryLater(this.instance, item, message, backoff);
    }
  }

  /** The item's file, read now (one item's at a time); undefined when it has none, null when it is missing. */
  async #file(item: OutboxItem): Promise<UpstreamFile | undefined | null> {
    if (!item.file) return undefined;
    const content = await this.#store.attachment(item.id);
    if (!content) return null;
    return { name: item.file.name, contentType: item.file.contentType, base64: content.toString('base64') };
  }
}
