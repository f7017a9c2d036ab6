import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.ts';
import type { SubmissionState, UpstreamFile, VieScolaireClient } from './client.ts';
import { HubError } from '../../lib/errors.ts';

export type SubmissionKind = 'justification' | 'homework';
/** PENDING: kept here, not yet received upstream. SENT: received upstream. ACCEPTED/REJECTED: decided there. */
export type OutboxState = 'PENDING' | 'SENT' | 'ACCEPTED' | 'REJECTED';

/** An attached file as the outbox remembers it: its content lives on disk until the school has it. */
export interface StoredFile {
  name: string;
  contentType: string;
  bytes: number;
}

export interface OutboxItem {
  id: string;
  kind: SubmissionKind;
  uai: string;
  pupilId: string;
  /** The absence justified, or the homework handed in. */
  targetId: string;
  submittedBy: string;
  reason?: string;
  comment?: string;
  file?: StoredFile;
  /**
   * Whether the school's system confirmed the target is one of this pupil's. A submission made while
   * the school could not say is kept, and checked before it is ever forwarded.
   */
  verified?: boolean;
  state: OutboxState;
  upstreamId?: string;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a submission targets: the check that it is the pupil's own is the caller's (see `verify`). */
export type SubmissionTarget = Pick<OutboxItem, 'kind' | 'uai' | 'pupilId' | 'targetId'>;

/** What one person may submit in 24 hours (a rolling window). */
export interface SubmissionQuotas {
  submissionsPerDay: number;
  attachmentBytesPerDay: number;
}

export class QuotaExceededError extends HubError {
  static override readonly code = 'ERR_QUOTA_EXCEEDED';
  constructor(
    readonly quota: 'feedsPerPerson' | keyof SubmissionQuotas,
    readonly limit: number,
  ) {
    super(`quota ${quota} (${limit}) exceeded`);
  }
}

export interface OutboxOptions {
  /** Whether a target is the pupil's own, as the school says; throws when it cannot say (retried later). */
  verify: (target: SubmissionTarget) => Promise<boolean>;
  retryBaseMs?: number;
  maxBackoffMs?: number;
  tickMs?: number;
  /** How long a decided submission (accepted, rejected; a homework received) is kept: 90 days by default. */
  retentionMs?: number;
}

export const DEFAULT_RETENTION_MS = 90 * 86_400_000;
const DAY_MS = 86_400_000;
const STATE_OF: Record<SubmissionState, OutboxState> = { received: 'SENT', accepted: 'ACCEPTED', rejected: 'REJECTED' };

/** Decided: nothing more will happen to it (a homework is done once received). */
const decided = (item: OutboxItem) => item.state === 'ACCEPTED' || item.state === 'REJECTED' || (item.kind === 'homework' && item.state === 'SENT');

/**
 * What guardians and pupils submit, kept durably until the school's system has taken it: each item
 * is a JSON file written atomically (write, fsync, rename) before the submission is acknowledged,
 * so neither an upstream outage nor a restart of the hub loses one. A background loop forwards
 * pending items with exponential backoff (the upstream dedupes by the item's id, so a retry after a
 * lost answer makes no duplicate), then follows them until the school accepts or rejects them.
 *
 * Bounded: an attached file is written to disk beside its item and read back only to forward it
 * (memory holds its name and size), deleted once the school has it; decided items are pruned after
 * the retention. Nothing is forwarded whose target the school has not confirmed to be the pupil's.
 */
export class Outbox {
  readonly #items = new Map<string, OutboxItem>();
  /** Submissions being written, counted against their author's quota already. */
  readonly #reserved = new Map<string, { by: string; bytes: number }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly client: VieScolaireClient,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
  ) {}

  /** Loads what a previous run left (the items survive restarts). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const stored = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as OutboxItem & { file?: StoredFile & { base64?: string } };
      if (stored.file?.base64 !== undefined) {
        // An item of an earlier version carries its file inline: move the content beside it.
        const { base64, ...meta } = stored.file;
        if (!decided(stored)) await this.#write(this.#attachmentPath(stored.id), base64);
        await this.#persist({ ...stored, file: { ...meta, bytes: meta.bytes ?? Buffer.byteLength(base64, 'base64') } });
      } else {
        this.#items.set(stored.id, stored);
      }
    }
  }

  #itemPath = (id: string) => join(this.dir, `${id}.json`);
  #attachmentPath = (id: string) => join(this.dir, `${id}.file`);

  async #write(path: string, content: string): Promise<void> {
    const temp = `${path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  }

  async #persist(item: OutboxItem): Promise<void> {
    await this.#write(this.#itemPath(item.id), JSON.stringify(item));
    this.#items.set(item.id, item);
  }

  /** What `by` submitted in the last 24 hours (kept or being written). */
  #usage(by: string, now: number): { count: number; bytes: number } {
    const since = new Date(now - DAY_MS).toISOString();
    let count = 0;
    let bytes = 0;
    for (const item of this.#items.values()) {
      if (item.submittedBy !== by || item.createdAt < since) continue;
      count++;
      bytes += item.file?.bytes ?? 0;
    }
    for (const r of this.#reserved.values()) {
      if (r.by !== by) continue;
      count++;
      bytes += r.bytes;
    }
    return { count, bytes };
  }

  /** Throws QuotaExceededError if one more submission of `bytes` by `by` would pass a quota. */
  checkQuota(by: string, bytes: number, quotas: SubmissionQuotas): void {
    const used = this.#usage(by, Date.now());
    if (used.count + 1 > quotas.submissionsPerDay) throw new QuotaExceededError('submissionsPerDay', quotas.submissionsPerDay);
    if (used.bytes + bytes > quotas.attachmentBytesPerDay) throw new QuotaExceededError('attachmentBytesPerDay', quotas.attachmentBytesPerDay);
  }

  /**
   * Keeps a submission durably, then tries to forward it at once. Returns it as stored. The quota
   * is checked and reserved synchronously, so concurrent submissions cannot all slip under it.
   */
  async submit(
    submission: Pick<OutboxItem, 'kind' | 'uai' | 'pupilId' | 'targetId' | 'submittedBy' | 'reason' | 'comment' | 'verified'> & { file?: UpstreamFile },
    quotas?: SubmissionQuotas,
  ): Promise<OutboxItem> {
    const { file, ...rest } = submission;
    const bytes = file ? Buffer.byteLength(file.base64, 'base64') : 0;
    if (quotas) this.checkQuota(submission.submittedBy, bytes, quotas);
    const now = new Date().toISOString();
    const item: OutboxItem = {
      ...rest,
      ...(file ? { file: { name: file.name, contentType: file.contentType, bytes } } : {}),
      id: randomUUID(),
      state: 'PENDING',
      attempts: 0,
      nextAttemptAt: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.#reserved.set(item.id, { by: item.submittedBy, bytes });
    try {
      // The content first: an item on disk always has its file.
      if (file) await this.#write(this.#attachmentPath(item.id), file.base64);
      await this.#persist(item);
    } finally {
      this.#reserved.delete(item.id);
    }
    void this.tick();
    return item;
  }

  list(filter: { pupilId?: string; kind?: SubmissionKind } = {}): OutboxItem[] {
    return [...this.#items.values()]
      .filter((i) => (!filter.pupilId || i.pupilId === filter.pupilId) && (!filter.kind || i.kind === filter.kind))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): OutboxItem | undefined {
    return this.#items.get(id);
  }

  get size(): number {
    return this.#items.size;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass: prune what is decided and old, forward what is due, follow what was sent. Passes never overlap. */
  tick(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #file(item: OutboxItem): Promise<UpstreamFile | undefined> {
    if (!item.file) return undefined;
    return { name: item.file.name, contentType: item.file.contentType, base64: await readFile(this.#attachmentPath(item.id), 'utf8') };
  }

  async #dropAttachment(id: string): Promise<void> {
    await rm(this.#attachmentPath(id), { force: true });
  }

  async #pass(): Promise<void> {
    const now = Date.now();
    const retention = this.options.retentionMs ?? DEFAULT_RETENTION_MS;
    for (const original of [...this.#items.values()]) {
      let item = original;
      if (decided(item) && Date.parse(item.updatedAt) + retention <= now) {
        await rm(this.#itemPath(item.id), { force: true });
        await this.#dropAttachment(item.id);
        this.#items.delete(item.id);
        continue;
      }
      if ((item.state !== 'PENDING' && item.state !== 'SENT') || item.nextAttemptAt > now || decided(item)) continue;
      try {
        let next: { upstreamId: string; state: SubmissionState };
        if (item.state === 'PENDING') {
          if (!item.verified) {
            if (!(await this.options.verify(item))) {
              this.log.warn({ submission: item.id, kind: item.kind, uai: item.uai }, 'submission refused: its target is not one of this pupil’s');
              await this.#persist({ ...item, state: 'REJECTED', lastError: 'not one of this pupil’s', updatedAt: new Date().toISOString() });
              await this.#dropAttachment(item.id);
              continue;
            }
            item = { ...item, verified: true };
          }
          const file = await this.#file(item);
          next =
            item.kind === 'justification'
              ? await this.client.justifyAbsence(item.uai, {
                  pupilId: item.pupilId,
                  absenceId: item.targetId,
                  reason: item.reason ?? '',
                  comment: item.comment,
                  attachment: file,
                  clientRef: item.id,
                })
              : await this.client.submitHomework(item.uai, { pupilId: item.pupilId, homeworkId: item.targetId, file: file!, clientRef: item.id });
        } else {
          next = { upstreamId: item.upstreamId!, state: await this.client.justificationState(item.uai, item.upstreamId!) };
        }
        await this.#persist({
          ...item,
          upstreamId: next.upstreamId,
          state: STATE_OF[next.state],
          attempts: 0,
          nextAttemptAt: Date.now() + (this.options.tickMs ?? 1000),
          lastError: undefined,
          updatedAt: new Date().toISOString(),
        });
        // The school has the file: the hub need not keep it.
        if (item.file) await this.#dropAttachment(item.id);
      } catch (error) {
        const attempts = item.attempts + 1;
        const backoff = Math.min((this.options.retryBaseMs ?? 1000) * 2 ** Math.min(attempts - 1, 16), this.options.maxBackoffMs ?? 300_000);
        this.log.warn(
          { submission: item.id, kind: item.kind, uai: item.uai, attempts, err: (error as Error).message },
          'submission not forwarded yet; will retry',
        );
        await this.#persist({
          ...item,
          attempts,
          nextAttemptAt: Date.now() + backoff,
          lastError: (error as Error).message,
          updatedAt: new Date().toISOString(),
        });
      }
    }
  }
}
