import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { Person, Student } from '../../connectors/directory/model.ts';
import { MailError, type MailSender } from '../../connectors/mail/mail-sender.ts';
import { mobileNumberE164 } from '../../connectors/sms/phone-number.ts';
import { SmsError, type SmsGatewayClient } from '../../connectors/sms/sms-gateway.ts';
import { parisWallClock } from '../../lib/french-dates.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Delivery, PostgresNotificationStore, Trx } from '../../store/notifications/postgres-store.ts';
import { mayEmail } from './fan-out.ts';
import { digestMail, singleMail } from './mail.ts';
import type { NotificationMetrics } from './metrics.ts';
import { isEventKind } from './model.ts';
import { redactReason } from './redact.ts';
import { render } from './render.ts';

export interface DeliveryOptions {
  store: PostgresNotificationStore;
  directory: Directory;
  /** Undefined: no relay configured (e-mail deliveries fail as misconfigured, the app still shows everything). */
  mail?: MailSender;
  sms?: SmsGatewayClient;
  /** SMS a school may spend per day (Europe/Paris): past it, what was due by SMS goes by e-mail. */
  smsDailyBudget: number;
  /** The portal's address, for links in e-mails. */
  portalUrl: string;
  clock: () => Date;
  metrics: NotificationMetrics;
  log: Logger;
  /** Puts jobs for deliveries in the queue, inside the caller's transaction. */
  enqueue: (trx: Trx, due: { id: string; channel: string }[]) => Promise<void>;
  /** Asks for an SMS's delivery receipt later. */
  followReceipt: (deliveryId: string, providerId: string) => Promise<void>;
  /** The pupil, when their news still reaches this adult now (FanOut.pupilHeardBy): checked again when it leaves. */
  pupilHeardBy: (pupilId: string, adultId: string) => Promise<Student | undefined>;
  /** What must never be kept from a relay's or a gateway's reply (the gateway key, the relay's password): see redact.ts. */
  secrets?: readonly (string | undefined)[];
  /** How long a digest's attempt to send holds it before another attempt may send it again (default DIGEST_SEND_STALE_MS). */
  digestSendStaleMs?: number;
}

/**
 * How long an attempt to send a digest holds it: past this, the attempt is taken as dead (the
 * process crashed, or the database stayed down after the mail left) and the digest is sent again,
 * with the same Message-ID. Far above one send (the relay's timeout, 10 s) and the job queue's expiry (2 min).
 */
export const DIGEST_SEND_STALE_MS = 10 * 60_000;

/**
 * Recording that a mail or an SMS left is tried again at once, a few times, over a few seconds: a
 * short database failure right after the send must not make the job fail, since the job's retry
 * would send it again.
 */
const recordingWhatLeft = retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2_000 }) });

/** Why a delivery decided at the fan-out does not leave: the directory no longer links the person to the pupil. */
const NO_LONGER_CONCERNED = 'the person no longer hears of this pupil (directory)';

/** A failure worth another attempt later (the queue retries it with backoff). */
export class RetryLater extends Error {}

/**
 * Sends one delivery (one event, one person, one channel) or one digest. Called by the job queue's
 * workers; each delivery is claimed first, so a job run twice, by two instances or after a crash,
 * never sends twice: what is settled is skipped, and a retry of an SMS carries the same reference,
 * which the gateway answers without sending again.
 */
export class Deliverer {
  constructor(private readonly options: DeliveryOptions) {}

  /** What may be kept of a relay's or gateway's words (redact.ts). */
  #reason(text: string): string {
    return redactReason(text, this.options.secrets);
  }

  /** `lastAttempt`: the queue will not retry after this one, so a failure now is final. */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<void> {
    const { store, directory } = this.options;
    const delivery = await store.claimDelivery(deliveryId);
    if (!delivery) return;
    const event = await store.eventOf(delivery.eventId);
    const [person] = await directory.people([delivery.personId]);
    if (!event || !person || !isEventKind(event.kind)) {
      await store.settleDelivery(delivery.id, { state: 'failed', error: !person ? 'the person is no longer in the directory' : 'unknown event' });
      return;
    }
    const child = event.pupilId && event.pupilId !== person.id ? await this.options.pupilHeardBy(event.pupilId, person.id) : undefined;
    if (event.pupilId && event.pupilId !== person.id && !child) {
      return store.settleDelivery(delivery.id, { state: 'failed', error: NO_LONGER_CONCERNED });
    }
    const words = render(event.kind, event.details, child?.firstName);
    if (delivery.channel === 'sms') await this.#sms(delivery, person, words.sms, lastAttempt);
    else await this.#email(delivery, person, singleMail(words, this.options.portalUrl), lastAttempt);
  }

  async #sms(delivery: Delivery, person: Person, text: string, lastAttempt: boolean): Promise<void> {
    const { store, metrics, clock } = this.options;
    const number = mobileNumberE164(person.kind === 'guardian' ? person.mobilePhone : undefined);
    if (!number.ok) {
      // Reported to the school (`mayEmail`: only guardians are sent SMS), never retried: the e-mail goes instead.
      await store.reportContactProblem(delivery.uai, person.id, 'sms', number.reason === 'missing' ? 'no mobile number' : `mobile number ${number.reason}`);
      metrics.failures.inc({ channel: 'sms', reason: number.reason === 'missing' ? 'missing-contact' : 'invalid-number' });
      return store.replaceSmsByEmail(delivery.id, `no valid mobile number (${number.reason})`, clock(), this.options.enqueue);
    }
    if (!this.options.sms) {
      metrics.failures.inc({ channel: 'sms', reason: 'misconfigured' });
      return store.replaceSmsByEmail(delivery.id, 'no SMS gateway configured', clock(), this.options.enqueue);
    }
    // The budget counts each delivery once: a retry was counted by its first attempt.
    if (delivery.attempts === 1 && !(await store.spendSms(delivery.uai, parisWallClock(clock()).day, this.options.smsDailyBudget))) {
      metrics.failures.inc({ channel: 'sms', reason: 'budget' });
      return store.replaceSmsByEmail(delivery.id, 'the school’s SMS budget of the day is spent', clock(), this.options.enqueue);
    }
    try {
      const sent = await this.options.sms.send({ to: number.e164, text, reference: delivery.id });
      await recordingWhatLeft.execute(() => store.settleDelivery(delivery.id, { state: 'sent', providerId: sent.id, at: clock() }));
      metrics.sent.inc({ channel: 'sms' });
      metrics.smsSpent.inc({ school: delivery.uai });
      await this.options.followReceipt(delivery.id, sent.id);
    } catch (error) {
      if (!(error instanceof SmsError)) throw error;
      if (error.reason === 'invalid-number') {
        await store.reportContactProblem(delivery.uai, person.id, 'sms', 'the SMS gateway refused the mobile number');
        metrics.failures.inc({ channel: 'sms', reason: 'invalid-number' });
        return store.replaceSmsByEmail(delivery.id, this.#reason(error.message), clock(), this.options.enqueue);
      }
      await this.#failed(
        delivery,
        'sms',
        error.reason === 'unavailable' ? 'unavailable' : error.reason,
        error.message,
        lastAttempt || error.reason !== 'unavailable',
      );
    }
  }

  async #email(delivery: Delivery, person: Person, mail: { subject: string; text: string; html: string }, lastAttempt: boolean): Promise<void> {
    const { store, metrics } = this.options;
    if (!person.email) {
      // Only what the school can act on is reported (`mayEmail`): a guardian's missing address.
      if (mayEmail(person)) await store.reportContactProblem(delivery.uai, person.id, 'email', 'no e-mail address');
      metrics.failures.inc({ channel: 'email', reason: 'missing-contact' });
      return store.settleDelivery(delivery.id, { state: 'failed', error: 'no e-mail address' });
    }
    if (!this.options.mail) {
      metrics.failures.inc({ channel: 'email', reason: 'misconfigured' });
      return store.settleDelivery(delivery.id, { state: 'failed', error: 'no SMTP relay configured' });
    }
    try {
      // The delivery's id is the Message-ID (`<id@hub>`): a mail sent again (see recordingWhatLeft) is the same mail to the reader's client.
      const sent = await this.options.mail.send({ to: person.email, ...mail, reference: delivery.id });
      await recordingWhatLeft.execute(() => store.settleDelivery(delivery.id, { state: 'sent', providerId: sent.messageId, at: this.options.clock() }));
      metrics.sent.inc({ channel: 'email' });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      if (error.reason === 'rejected') await store.reportContactProblem(delivery.uai, person.id, 'email', 'the mail relay refused the address');
      await this.#failed(delivery, 'email', error.reason, error.message, lastAttempt || error.reason === 'rejected');
    }
  }

  /** A failure: final (recorded, counted) or for the queue to retry (the error kept for the operator). */
  async #failed(
    delivery: Delivery,
    channel: 'email' | 'sms',
    reason: 'unavailable' | 'rejected' | 'misconfigured',
    message: string,
    final: boolean,
  ): Promise<void> {
    const { store, metrics } = this.options;
    const kept = this.#reason(message);
    if (final) {
      metrics.failures.inc({ channel, reason });
      await store.settleDelivery(delivery.id, { state: 'failed', error: kept });
      return;
    }
    await store.noteAttemptError(delivery.id, kept);
    throw new RetryLater(kept);
  }

  /** One digest e-mail: everything that waited for it, grouped by child. */
  async sendDigest(digestId: string, lastAttempt: boolean): Promise<void> {
    const { store, directory, metrics, clock } = this.options;
    const digest = await store.digest(digestId);
    if (!digest) return;
    const [person] = await directory.people([digest.personId]);
    if (!person?.email || !this.options.mail) {
      const error = !person ? 'the person is no longer in the directory' : !person.email ? 'no e-mail address' : 'no SMTP relay configured';
      if (person && !person.email && mayEmail(person)) await store.reportContactProblem(digest.lines[0]?.uai ?? '', person.id, 'email', error);
      metrics.failures.inc({ channel: 'email', reason: person && !person.email ? 'missing-contact' : 'misconfigured' });
      return store.settleDigest(digestId, { sent: false, error });
    }
    const pupilIds = [...new Set(digest.lines.flatMap((l) => (l.pupilId && l.pupilId !== person.id ? [l.pupilId] : [])))];
    const heard = await Promise.all(pupilIds.map((id) => this.options.pupilHeardBy(id, person.id)));
    const pupils = new Map(heard.flatMap((p) => (p ? [[p.id, p.firstName] as const] : [])));
    const dropped = digest.lines.filter((l) => l.pupilId && l.pupilId !== person.id && !pupils.has(l.pupilId));
    const lines = digest.lines.flatMap((line) => {
      if (!isEventKind(line.kind) || dropped.includes(line)) return [];
      const child = line.pupilId && line.pupilId !== person.id ? pupils.get(line.pupilId) : undefined;
      return [{ child, words: render(line.kind, line.details, child) }];
    });
    // Nothing left to tell (lines of a recalled message gone, a pupil no longer the person's): no e-mail « 0 nouveauté ».
    if (!lines.length) return store.settleDigest(digestId, { sent: false, error: dropped.length ? NO_LONGER_CONCERNED : 'nothing left to tell' });
    const mail = digestMail(digest.frequency, lines, this.options.portalUrl);
    // Claimed before it leaves: another attempt (the job run again by a retry or the queue's expiry)
    // waits while this one may be sending, and sends it again only once this one is stale.
    if (!(await store.claimDigestSend(digestId, clock(), this.options.digestSendStaleMs ?? DIGEST_SEND_STALE_MS))) {
      throw new RetryLater('another attempt is sending this digest');
    }
    try {
      // The digest's id is its Message-ID (`<id@hub>`): sent again after a stale attempt, it is the same mail to the reader's client.
      await this.options.mail.send({ to: person.email, ...mail, reference: digestId });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      const reason = this.#reason(error.message);
      if (lastAttempt || error.reason === 'rejected') {
        metrics.failures.inc({ channel: 'email', reason: error.reason });
        return store.settleDigest(digestId, { sent: false, error: reason });
      }
      // The relay did not take it: the next attempt need not wait for this one to be stale.
      await store.releaseDigestSend(digestId);
      throw new RetryLater(reason);
    }
    await recordingWhatLeft.execute(() => store.settleDigest(digestId, { sent: true, at: clock(), items: lines.length }));
    for (const line of dropped) await store.settleDelivery(line.deliveryId, { state: 'failed', error: NO_LONGER_CONCERNED });
    metrics.sent.inc({ channel: 'email' });
    metrics.digestItems.observe({ frequency: digest.frequency }, lines.length);
  }

  /** An SMS's delivery receipt, asked of the gateway a while after sending. */
  async followReceipt(deliveryId: string, providerId: string): Promise<'final' | 'pending'> {
    if (!this.options.sms) return 'final';
    const status = await this.options.sms.status(providerId);
    if (status.status === 'delivered') await this.options.store.markDelivered(deliveryId, this.options.clock());
    else if (status.status === 'failed')
      await this.options.store.markDelivered(deliveryId, this.options.clock(), this.#reason(status.error ?? 'not delivered'));
    else return 'pending';
    return 'final';
  }
}
