import type { Logger } from '../../lib/logger.ts';
import type { AuditStore } from '../journal/event.ts';
import type { DataExportStore } from './data-exports.ts';
import { exportDocument, type PersonalDataSource } from './personal-data.ts';

export interface DataExportWorkerOptions {
  exports: DataExportStore;
  sources: readonly PersonalDataSource[];
  /** Where the production of an export is journaled (it reads everything about the person). */
  journal: Pick<AuditStore, 'append'>;
  /** How long a produced document waits for its download. */
  keepMs: number;
  /** How often the queue is looked at when nothing wakes the worker. */
  pollMs?: number;
  log: Logger;
}

/**
 * Produces the requested exports, one at a time per worker; every instance may run one (a request is
 * claimed with `FOR UPDATE SKIP LOCKED`, so each is produced once). A request made through this
 * instance wakes it at once; others are found by polling.
 */
export class DataExportWorker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(private readonly options: DataExportWorkerOptions) {}

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.pollMs ?? 5_000);
    this.#timer.unref();
    this.wake();
  }

  /** Looks at the queue now (again after the current pass, if one is running). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.error({ err: error }, 'data export worker failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Produces every claimable export; returns how many. */
  async drain(): Promise<number> {
    let produced = 0;
    while (!this.#stopped && (await this.runOnce())) produced++;
    return produced;
  }

  /** Claims and produces one export; false when there was none to claim. */
  async runOnce(): Promise<boolean> {
    const { exports, sources, journal, keepMs, log } = this.options;
    const claimed = await exports.claimNext();
    if (!claimed) return false;
    try {
      const document = await exportDocument(claimed.personId, claimed.requestedBy, sources);
      // Producing it read every kind of data about the person, on behalf of whoever asked: journaled
      // before the document can be downloaded (a journal that fails leaves no export unjournaled).
      await journal.append([
        {
          at: new Date().toISOString(),
          requestId: claimed.requestId,
          viewer: { kind: 'person', personId: claimed.requestedBy },
          operationName: 'dataExport',
          targets: [claimed.personId],
          fields: sources.map((s) => `DataExport.${s.kind}`),
          outcome: 'allowed',
        },
      ]);
      await exports.complete(claimed.id, document, keepMs);
      log.info({ export: claimed.id, bytes: Buffer.byteLength(document) }, 'data export produced');
    } catch (error) {
      // Claimed again later (after the claim timeout), up to a few attempts, then failed.
      log.error({ err: error, export: claimed.id }, 'data export failed');
    }
    return true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }
}
