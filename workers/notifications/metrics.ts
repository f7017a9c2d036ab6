import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { EVENT_KINDS } from './model.ts';

/** Every label below takes values from a closed set: the configured schools, the kinds and channels listed here. */
export const CHANNELS = ['app', 'email', 'sms'] as const;
export const FAILURE_REASONS = ['unavailable', 'rejected', 'invalid-number', 'missing-contact', 'budget', 'misconfigured'] as const;
export const POLL_OUTCOMES = ['ok', 'baseline', 'failed', 'suppressed'] as const;

export interface NotificationMetrics {
  polls: Counter<'school' | 'outcome'>;
  eventsDetected: Counter<'kind'>;
  sent: Counter<'channel'>;
  failures: Counter<'channel' | 'reason'>;
  smsSpent: Counter<'school'>;
  digestItems: Histogram<'frequency'>;
  eventsSetAside: Counter<'kind'>;
  queueDepth: Gauge<'queue'>;
}

export function createNotificationMetrics(
  registry: Registry,
  schools: readonly string[],
  queueDepth: () => Promise<Record<string, number>>,
): NotificationMetrics {
  const metrics: NotificationMetrics = {
    polls: new Counter({
      name: 'hub_notification_polls_total',
      help: 'Polls of a school’s vie scolaire system by the change detector, by outcome (ok, baseline, failed, suppressed: too many changes at once).',
      labelNames: ['school', 'outcome'],
      registers: [registry],
    }),
    eventsDetected: new Counter({
      name: 'hub_notification_events_detected_total',
      help: 'Changes the detector found in the schools’ systems (and messages, school events), by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    sent: new Counter({
      name: 'hub_notifications_sent_total',
      help: 'Notifications delivered, by channel (app: shown in the portal; email: one mail, a digest counts once; sms).',
      labelNames: ['channel'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'hub_notification_delivery_failures_total',
      help: 'Deliveries that failed or were replaced (an SMS without a valid mobile goes by e-mail), by channel and reason.',
      labelNames: ['channel', 'reason'],
      registers: [registry],
    }),
    smsSpent: new Counter({
      name: 'hub_sms_spent_total',
      help: 'SMS sent, by school (each school has a daily budget).',
      labelNames: ['school'],
      registers: [registry],
    }),
    digestItems: new Histogram({
      name: 'hub_notification_digest_items',
      help: 'Lines in each digest e-mail sent, by frequency.',
      labelNames: ['frequency'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers: [registry],
    }),
    eventsSetAside: new Counter({
      name: 'hub_notification_events_set_aside_total',
      help: 'Events whose fan-out kept failing, set aside after their attempts (nobody was told), by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'hub_job_queue_depth',
      help: 'Jobs waiting in the hub’s job queue (pg-boss), by queue.',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        try {
          for (const [queue, depth] of Object.entries(await queueDepth())) this.set({ queue }, depth);
        } catch {
          // The scrape still answers; the gauge keeps its last values.
        }
      },
    }),
  };
  for (const school of schools) {
    metrics.smsSpent.inc({ school }, 0);
    for (const outcome of POLL_OUTCOMES) metrics.polls.inc({ school, outcome }, 0);
  }
  for (const kind of EVENT_KINDS) {
    metrics.eventsDetected.inc({ kind }, 0);
    metrics.eventsSetAside.inc({ kind }, 0);
  }
  for (const channel of CHANNELS) {
    metrics.sent.inc({ channel }, 0);
    for (const reason of FAILURE_REASONS) metrics.failures.inc({ channel, reason }, 0);
  }
  return metrics;
}
