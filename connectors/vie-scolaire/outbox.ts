import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.ts';
import type { SubmissionState, UpstreamFile, VieScolaireClient } from './client.ts';

export type SubmissionKind = 'justification' | 'homework';
/** PENDING: kept here, not yet received upstream. SENT: received upstream. ACCEPTED/REJECTED: decided there. */
export type OutboxState = 'PENDING' | 'SENT' | 'ACCEPTED' | 'REJECTED';

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
  file?: UpstreamFile;
  state: OutboxState;
  upstreamId?: string;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

const STATE_OF: Record<SubmissionState, OutboxState> = { received: 'SENT', accepted: 'ACCEPTED', rejected: 'REJECTED' };

/**
 * What guardians and pupils submit, kept durably until the school's system has taken it: each item
 * is a JSON file written atomically (write, fsync, rename) before the submission is acknowledged,
 * so neither an upstream outage nor a restart of the hub loses one. A background loop forwards
 * pending items with exponential backoff (the upstream dedupes by the item's id, so a retry after a
 * lost answer makes no duplicate), then follows them until the school accepts or rejects them.
 */
export class Outbox {
  readonly #items = new Map<string, OutboxItem>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly client: VieScolaireClient,
    private readonly log: Logger,
    private readonly options: { retryBaseMs?: number; maxBackoffMs?: number; tickMs?: number } = {},
  ) {}

  /** Loads what a previous run left (the items survive restarts). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json')) continue;
      const item = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as OutboxItem;
      this.#items.set(item.id, item);
    }
  }

  async #persist(item: OutboxItem): Promise<void> {
    const path = join(this.dir, `${item.id}.json`);
    const temp = `${path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(item));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    this.#items.set(item.id, item);
  }

  /** Keeps a submission durably, then tries to forward it at once. Returns it as stored. */
  async submit(submission: Pick<OutboxItem, 'kind' | 'uai' | 'pupilId' | 'targetId' | 'submittedBy' | 'reason' | 'comment' | 'file'>): Promise<OutboxItem> {
    const now = new Date().toISOString();
    const item: OutboxItem = { ...submission, id: randomUUID(), state: 'PENDING', attempts: 0, nextAttemptAt: 0, createdAt: now, updatedAt: now };
    await this.#persist(item);
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

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass: forward what is due, follow what was sent. Passes never overlap. */
  tick(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const now = Date.now();
    for (const item of this.#items.values()) {
      if ((item.state !== 'PENDING' && item.state !== 'SENT') || item.nextAttemptAt > now) continue;
      // A homework handed in is done once received; a justification waits for the office's decision.
      if (item.state === 'SENT' && item.kind === 'homework') continue;
      try {
        let next: { upstreamId: string; state: SubmissionState };
        if (item.state === 'PENDING') {
          next =
            item.kind === 'justification'
              ? await this.client.justifyAbsence(item.uai, { pupilId: item.pupilId, absenceId: item.targetId, reason: item.reason ?? '', comment: item.comment, attachment: item.file, clientRef: item.id })
              : await this.client.submitHomework(item.uai, { pupilId: item.pupilId, homeworkId: item.targetId, file: item.file!, clientRef: item.id });
        } else {
          next = { upstreamId: item.upstreamId!, state: await this.client.justificationState(item.uai, item.upstreamId!) };
        }
        await this.#persist({ ...item, upstreamId: next.upstreamId, state: STATE_OF[next.state], attempts: 0, nextAttemptAt: Date.now() + (this.options.tickMs ?? 1000), lastError: undefined, updatedAt: new Date().toISOString() });
      } catch (error) {
        const attempts = item.attempts + 1;
        const backoff = Math.min((this.options.retryBaseMs ?? 1000) * 2 ** Math.min(attempts - 1, 16), this.options.maxBackoffMs ?? 300_000);
        this.log.warn({ submission: item.id, kind: item.kind, uai: item.uai, attempts, err: (error as Error).message }, 'submission not forwarded yet; will retry');
        await this.#persist({ ...item, attempts, nextAttemptAt: Date.now() + backoff, lastError: (error as Error).message, updatedAt: new Date().toISOString() });
      }
    }
  }
}
