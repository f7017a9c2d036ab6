import type { Directory } from '../../connectors/directory/directory.ts';
import type { VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { parisWallClock } from '../../lib/french-dates.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { sameSeen, type Seen } from './diff.ts';
import type { NotificationMetrics } from './metrics.ts';
import { WATCHERS, type DetectedEvent, type Watcher } from './watched-data.ts';

export interface DetectorOptions {
  client: VieScolaireClient;
  directory: Directory;
  store: PostgresNotificationStore;
  /** This instance's name in the leases (several instances share the schools). */
  holder: string;
  /** How often each school is polled; also how long a poll's lease keeps other instances off it. */
  pollIntervalMs: number;
  /** Pupils per upstream call (`eleves=a,b,c`): short URLs, a few calls per school. */
  batchSize: number;
  /**
   * More events than this from one poll of one kind is not news but an upstream that changed its
   * ids or lost its data: the snapshot is taken anew and nothing is sent (logged, counted).
   */
  maxEventsPerPoll: number;
  clock: () => Date;
  metrics: NotificationMetrics;
  log: Logger;
}

export type PollOutcome = 'polled' | 'baseline' | 'leased-elsewhere' | 'failed' | 'suppressed' | 'unknown-school';

/**
 * The change detector: polls each school's vie scolaire system on a schedule (one instance at a
 * time per school, by lease), compares with what the hub saw last time, and records the changes as
 * events. The first poll of a school takes a baseline and records nothing.
 */
export class ChangeDetector {
  constructor(private readonly options: DetectorOptions) {}

  /** Gives up this instance's leases (it is stopping): another instance polls those schools without waiting them out. */
  releaseLeases(): Promise<void> {
    return this.options.store.releaseLeases(this.options.holder);
  }

  /**
   * Polls every configured school whose lease this instance gets, one after the other. A school
   * whose poll fails fails alone: the schools after it in the list are polled all the same.
   */
  pollAll(): Promise<Map<string, PollOutcome[]>> {
    return this.#pollEach(new Map(this.options.client.upstreams.schools.map((uai) => [uai, undefined])));
  }

  /**
   * Polls early what people's fresh reads asked for (docs/notifications.md, « Fresh reads »): each
   * school and kind of data a read fetched fresh since its last poll, once that poll is at least
   * `minGapMs` old; the school's lease decides, as for the schedule, which instance polls it.
   */
  async pollFreshReads(minGapMs: number): Promise<Map<string, PollOutcome[]>> {
    const configured = new Set(this.options.client.upstreams.schools);
    const kindsBySchool = new Map<string, Set<string>>();
    for (const { uai, kind } of await this.options.store.dueFreshReads(minGapMs)) {
      if (!configured.has(uai)) continue;
      kindsBySchool.set(uai, (kindsBySchool.get(uai) ?? new Set()).add(kind));
    }
    return this.#pollEach(kindsBySchool);
  }

  /** Schools one after the other (every kind, or the kinds given); one whose poll fails fails alone. */
  async #pollEach(kindsBySchool: ReadonlyMap<string, ReadonlySet<string> | undefined>): Promise<Map<string, PollOutcome[]>> {
    const { store, holder, metrics, log } = this.options;
    const outcomes = new Map<string, PollOutcome[]>();
    for (const [uai, kinds] of kindsBySchool) {
      try {
        outcomes.set(uai, await this.pollSchool(uai, kinds));
      } catch (error) {
        metrics.polls.inc({ school: uai, outcome: 'failed' });
        log.error({ err: error, uai }, 'notifications: a school’s poll failed');
        outcomes.set(uai, ['failed']);
        // Another instance may try at once; when even this fails, the lease expires on its own.
        await store.releaseLeases(holder, uai).catch(() => undefined);
      }
    }
    return outcomes;
  }

  /** One school, every watched kind of data (or those given); nothing when another instance holds the school's lease. */
  async pollSchool(uai: string, kinds?: ReadonlySet<string>): Promise<PollOutcome[]> {
    const { store, holder, pollIntervalMs, log } = this.options;
    // A little under the interval, so this instance's next scheduled poll finds it free.
    if (!(await store.tryLease(uai, holder, Math.max(1_000, pollIntervalMs * 0.9)))) return ['leased-elsewhere'];
    const [school] = await this.options.directory.schoolsByUai([uai]);
    if (!school) {
      log.warn({ uai }, 'notifications: a vie scolaire system is configured for a school the directory does not know');
      return ['unknown-school'];
    }
    const pupilIds = (await this.options.directory.studentsOfSchool(school.id)).map((p) => p.id).sort();
    const outcomes: PollOutcome[] = [];
    for (const watcher of WATCHERS) if (!kinds || kinds.has(watcher.kind)) outcomes.push(await this.#pollKind(uai, watcher, pupilIds));
    if (outcomes.includes('failed')) await store.releaseLeases(holder, uai);
    return outcomes;
  }

  async #pollKind(uai: string, watcher: Watcher, pupilIds: readonly string[]): Promise<PollOutcome> {
    const { store, client, metrics, log } = this.options;
    const now = this.options.clock();
    const today = parisWallClock(now).day;
    const range = watcher.range(today);
    // What people read fresh before this poll began is covered by it: no early poll after it for that.
    await store.clearFreshRead(uai, watcher.kind);
    const before = await store.coverage(uai, watcher.kind);
    const previous = await store.snapshots(uai, watcher.kind, pupilIds);
    const asked = new Set(pupilIds);
    const snapshots = new Map<string, Seen>();
    const changes: DetectedEvent[] = [];
    const reminders: DetectedEvent[] = [];
    try {
      for (let i = 0; i < pupilIds.length; i += this.options.batchSize) {
        const reading = await watcher.read(client, uai, pupilIds.slice(i, i + this.options.batchSize), range);
        for (const pupilId of reading.pupils) {
          // An upstream answering for a pupil it was not asked about is not believed.
          if (!asked.has(pupilId)) continue;
          const seen = previous.get(pupilId);
          const compared = reading.compare(pupilId, before && seen, { before, now: range }, today);
          changes.push(...compared.changes);
          reminders.push(...compared.reminders);
          // Only what changed is written: a quiet poll of a large school writes next to nothing.
          if (!seen || !sameSeen(seen, compared.next)) snapshots.set(pupilId, compared.next);
        }
      }
    } catch (error) {
      // Nothing is recorded: what was not read did not « disappear ». The next poll tries again.
      metrics.polls.inc({ school: uai, outcome: 'failed' });
      log.warn({ err: error, uai, kind: watcher.kind }, 'notifications: a school’s vie scolaire system could not be polled');
      return 'failed';
    }
    let outcome: PollOutcome = before ? 'polled' : 'baseline';
    if (changes.length > this.options.maxEventsPerPoll) {
      log.warn(
        { uai, kind: watcher.kind, changes: changes.length, max: this.options.maxEventsPerPoll },
        'notifications: too many changes at once from a school’s system; snapshot taken anew, nothing sent',
      );
      changes.length = 0;
      outcome = 'suppressed';
    }
    const recorded = await store.recordPoll(uai, watcher.kind, range, snapshots, [...changes, ...reminders], now);
    metrics.polls.inc({ school: uai, outcome: outcome === 'polled' ? 'ok' : outcome });
    if (recorded.length) {
      for (const kind of recorded) metrics.eventsDetected.inc({ kind });
      log.info({ uai, kind: watcher.kind, events: recorded.length }, 'notifications: changes detected');
    }
    return outcome;
  }
}
