import type { FreshAnswer } from '../../connectors/vie-scolaire/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PostgresNotificationStore } from '../../store/notifications/postgres-store.ts';
import { WATCHERS } from './watched-data.ts';

/** How often the worker looks for early polls to make: often enough next to the gap, never busily. */
export const freshReadCheckMs = (minGapMs: number) => Math.min(10_000, Math.max(250, Math.floor(minGapMs / 4)));

/**
 * The vie scolaire client's observer (its `onFresh` option) that asks the change detector for an
 * early poll when a person's read fetched fresh data of a watched kind (docs/notifications.md,
 * « Fresh reads »). A hint, not the data: the detector reads the whole school itself (the data of
 * a read covers a few pupils and days, not what the detector compares). The hub's own reads (the
 * detector's, the outbox's: no caller) are not people's. Never waits, never throws: a hint lost is
 * the next scheduled poll's.
 *
 * One statement per fresh read, by primary key, that writes only when no hint waits: no throttle in
 * memory here, since one would drop a read made after the detector's poll began (its news would
 * wait for the schedule); the subgraph's cache already bounds fresh reads (one per pupil, kind
 * and range per cache lifetime).
 */
export function freshReadHints(store: Pick<PostgresNotificationStore, 'noteFreshRead'>, log: Logger): (answer: FreshAnswer) => void {
  return (answer) => {
    if (answer.caller === undefined) return;
    const watcher = WATCHERS.find((w) => w.source === answer.kind);
    if (!watcher) return;
    store.noteFreshRead(answer.uai, watcher.kind).catch((error: unknown) => {
      log.warn({ err: error, uai: answer.uai, kind: watcher.kind }, 'notifications: a fresh read could not be noted (the scheduled poll will see it)');
    });
  };
}
