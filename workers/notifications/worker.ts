import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Registry } from 'prom-client';
import type { Directory } from '../../connectors/directory/directory.ts';
import { MailSender } from '../../connectors/mail/mail-sender.ts';
import { SmsGatewayClient } from '../../connectors/sms/sms-gateway.ts';
import type { FreshAnswer, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { inSpan } from '../../lib/tracing.ts';
import { PostgresAgendaStore } from '../../store/agenda/postgres-store.ts';
import type { HubDatabase } from '../../store/database.ts';
import { jobQueueConnection, PostgresNotificationStore, type StoredEvent, type Trx } from '../../store/notifications/postgres-store.ts';
import type { PerimeterOptions } from '../../subgraphs/perimeter/perimeter.ts';
import type { NotificationsConfig } from './config.ts';
import { Deliverer, RetryLater } from './delivery.ts';
import { ChangeDetector, type PollOutcome } from './detector.ts';
import { FanOut } from './fan-out.ts';
import { freshReadCheckMs, freshReadHints } from './fresh-reads.ts';
import { remindSchoolEvents } from './school-events.ts';
import { createNotificationMetrics } from './metrics.ts';
import { isEventKind, latestDigestTime } from './model.ts';
import { redactedError } from './redact.ts';

/** The job queue's queues: one job per delivery, per digest, per SMS receipt to ask. */
export const QUEUES = { delivery: 'notification-delivery', digest: 'notification-digest', receipt: 'notification-sms-receipt' } as const;
/** Rows handled per pass of each step: bounded work per transaction, the next pass takes the rest. */
const PASS = 200;
/** How long after sending an SMS its delivery receipt is asked. */
const RECEIPT_AFTER_SECONDS = 60;

export interface NotificationWorkerOptions {
  database: HubDatabase;
  client: VieScolaireClient;
  directory: Directory;
  /** Who sees a pupil, as every subgraph decides it: who hears about them follows (fan-out.ts). */
  perimeter: PerimeterOptions;
  config: NotificationsConfig;
  /** The portal's address for links in e-mails (the config's, else this). */
  portalUrl: string;
  metrics: Registry;
  log: Logger;
  /** The worker's clock (Europe/Paris days, quiet hours, digests); tests move it. */
  clock?: () => Date;
  /**
   * How often the fan-out, the release of due deliveries and the digests run (ms), whether the
   * detector polls on its own schedule, and whether it polls early after people's fresh reads
   * (`freshReads`, as `detect` when absent). Tests set `{ tickMs: 0, detect: false }` and drive both.
   */
  schedule?: { tickMs: number; detect: boolean; freshReads?: boolean };
  /** How often the job queue's workers look for jobs when not woken (seconds, ≥ 0.5). */
  jobPollingSeconds?: number;
}

export interface NotificationWorker {
  readonly store: PostgresNotificationStore;
  /** Polls every school now (the schedule does it every interval). */
  detect(): Promise<Map<string, PollOutcome[]>>;
  /**
   * The vie scolaire client's `onFresh` observer for a client in this process (the embedded hub):
   * notes people's fresh reads for an early poll. Absent when early polls are off.
   */
  readonly noteFreshRead?: (answer: FreshAnswer) => void;
  /** One pass of the fan-out, the release of due deliveries and the digests. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The notifications' background work, as one process runs it: the change detector on its
 * schedule, the fan-out of events to people, and the deliveries and digests as jobs of a
 * PostgreSQL job queue (pg-boss), retried with backoff. Any number of instances may run it
 * against one database: leases, row locks and unique keys share the work, and nothing goes twice.
 */
export async function startNotificationWorker(options: NotificationWorkerOptions): Promise<NotificationWorker> {
  const { config, log } = options;
  const clock = options.clock ?? (() => new Date());
  const store = new PostgresNotificationStore(options.database);
  const boss = new PgBoss({
    connectionString: options.database.config.url,
    schema: 'pgboss',
    max: 3,
    application_name: 'ent-hub-jobs',
    // Cron is not used: the digests' times are the worker's clock (tests move it).
    schedule: false,
  });
  boss.on('error', (error: Error) => log.error({ err: error }, 'notifications: job queue error'));
  await boss.start();
  const retry = { retryLimit: config.retry.limit, retryDelay: config.retry.delaySeconds, retryBackoff: true, expireInSeconds: 120 };
  await boss.createQueue(QUEUES.delivery, { name: QUEUES.delivery, ...retry });
  await boss.createQueue(QUEUES.digest, { name: QUEUES.digest, ...retry });
  await boss.createQueue(QUEUES.receipt, { name: QUEUES.receipt, retryLimit: 10, retryDelay: RECEIPT_AFTER_SECONDS, retryBackoff: true, expireInSeconds: 60 });

  const metrics = createNotificationMetrics(options.metrics, options.client.upstreams.schools, async () =>
    Object.fromEntries(await Promise.all(Object.values(QUEUES).map(async (q) => [q, await boss.getQueueSize(q)] as const))),
  );
  /** Never kept from a relay's or gateway's reply, nor from any error text stored or logged (redact.ts). */
  const secrets = [config.sms?.apiKey, config.mail?.password];
  const mail = config.mail && new MailSender(config.mail);
  const sms = config.sms && new SmsGatewayClient(config.sms);
  const enqueue = async (trx: Trx, due: { id: string }[]) => {
    await boss.insert(
      due.map((d) => ({ name: QUEUES.delivery, data: { deliveryId: d.id } })),
      { db: jobQueueConnection(trx) },
    );
  };
  const fanOut = new FanOut({ directory: options.directory, store, perimeter: options.perimeter, clock });
  const deliverer = new Deliverer({
    store,
    directory: options.directory,
    ...(mail ? { mail } : {}),
    ...(sms ? { sms } : {}),
    smsDailyBudget: config.smsDailyBudget,
    portalUrl: config.portalUrl ?? options.portalUrl,
    clock,
    metrics,
    log,
    enqueue,
    followReceipt: async (deliveryId, providerId) => {
      await boss.send(QUEUES.receipt, { deliveryId, providerId }, { startAfter: RECEIPT_AFTER_SECONDS });
    },
    pupilHeardBy: (pupilId, adultId) => fanOut.pupilHeardBy(pupilId, adultId),
    secrets,
  });
  const detector = new ChangeDetector({
    client: options.client,
    directory: options.directory,
    store,
    holder: `${process.pid}-${randomUUID().slice(0, 8)}`,
    pollIntervalMs: config.pollIntervalMs,
    batchSize: config.batchSize,
    maxEventsPerPoll: config.maxEventsPerPoll,
    clock,
    metrics,
    log,
  });
  const agenda = new PostgresAgendaStore(options.database);

  /**
   * Runs a batch of jobs side by side, each settled alone: a job that fails is failed alone
   * (retried by the queue with backoff), the others complete. Failing the whole batch would retry
   * deliveries already made.
   */
  const work = <T extends object>(queue: string, run: (data: T, lastAttempt: boolean) => Promise<void>) =>
    boss.work<T>(queue, { batchSize: 20, includeMetadata: true, pollingIntervalSeconds: options.jobPollingSeconds ?? 2 }, async (jobs) => {
      await Promise.all(
        jobs.map(async (job) => {
          try {
            // A trace per job (HUB_TRACING): its store queries and its SMS gateway call under it.
            await inSpan(`job ${queue}`, { 'messaging.destination.name': queue, 'hub.job.attempt': job.retryCount + 1 }, () =>
              run(job.data, job.retryCount >= job.retryLimit),
            );
          } catch (error) {
            // The job's output and the log keep the failure redacted and bounded: it may quote a relay's or a gateway's reply.
            const reason = redactedError(error, secrets);
            if (!(error instanceof RetryLater)) log.error({ reason, error: (error as Error).name, queue, job: job.id }, 'notifications: a job failed');
            await boss.fail(queue, job.id, { message: reason });
          }
        }),
      );
    });
  await work<{ deliveryId: string }>(QUEUES.delivery, (data, last) => deliverer.deliver(String(data.deliveryId), last));
  await work<{ digestId: string }>(QUEUES.digest, (data, last) => deliverer.sendDigest(String(data.digestId), last));
  await work<{ deliveryId: string; providerId: string }>(QUEUES.receipt, async (data, last) => {
    if ((await deliverer.followReceipt(String(data.deliveryId), String(data.providerId))) === 'pending' && !last) throw new RetryLater('no receipt yet');
  });

  /** A poison event (its planning always fails) is retried with backoff, then set aside: the others go on. */
  const fanOutFailures = {
    attempts: config.fanOut.attempts,
    retryDelayMs: config.fanOut.delaySeconds * 1000,
    reasonOf: (error: unknown) => redactedError(error, secrets),
    onSetAside: (event: StoredEvent, reason: string) => {
      metrics.eventsSetAside.inc({ kind: isEventKind(event.kind) ? event.kind : 'other' });
      log.error({ event: event.id, kind: event.kind, uai: event.uai, reason }, 'notifications: an event could not be fanned out and is set aside');
    },
  };
  const tick = async () => {
    const now = clock();
    // Tomorrow's school events become reminders first: this very pass fans them out.
    await remindSchoolEvents(agenda, store, now, PASS);
    const plan = async (event: StoredEvent) => {
      const planned = await fanOut.plan(event);
      metrics.sent.inc({ channel: 'app' }, planned.notifications.length);
      return planned;
    };
    while ((await store.fanOut(PASS, now, plan, enqueue, fanOutFailures)) === PASS);
    while ((await store.releaseDue(now, PASS, enqueue)) === PASS);
    for (const frequency of ['daily', 'weekly'] as const) {
      const { period, at } = latestDigestTime(now, frequency, config.digests);
      const open = (trx: Trx, digests: { id: string }[]) =>
        boss.insert(
          digests.map((d) => ({ name: QUEUES.digest, data: { digestId: d.id } })),
          { db: jobQueueConnection(trx) },
        );
      while ((await store.openDigests(frequency, period, at, PASS, open)) === PASS);
    }
  };
  const detect = () => detector.pollAll();

  const schedule = options.schedule ?? { tickMs: 5_000, detect: true };
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  /** Runs a step every `ms`, never two at once, logging what fails (the next run tries again). */
  const every = (ms: number, name: string, step: () => Promise<unknown>) => {
    let running = false;
    const run = async () => {
      if (running || stopped) return;
      running = true;
      try {
        await step();
      } catch (error) {
        log.error({ err: error, step: name }, 'notifications: a background step failed');
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void run(), ms);
    timer.unref();
    timers.push(timer);
    setTimeout(() => void run(), Math.min(ms, 1_000)).unref();
  };
  if (schedule.tickMs > 0) every(schedule.tickMs, 'tick', tick);
  if (schedule.detect) every(config.pollIntervalMs, 'detect', detect);
  const freshReads = schedule.freshReads ?? schedule.detect;
  // Every instance looks; the school's lease decides which one polls (the others' look is one query).
  if (freshReads) every(freshReadCheckMs(config.freshReadMinGapMs), 'fresh reads', () => detector.pollFreshReads(config.freshReadMinGapMs));

  let closing: Promise<void> | undefined;
  return {
    store,
    detect,
    tick,
    ...(freshReads ? { noteFreshRead: freshReadHints(store, log) } : {}),
    close: () =>
      (closing ??= (async () => {
        stopped = true;
        for (const timer of timers) clearInterval(timer);
        await detector.releaseLeases().catch((error: unknown) => log.warn({ err: error }, 'notifications: leases not released (they expire)'));
        await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: true });
        mail?.close();
        await sms?.close();
      })()),
  };
}
