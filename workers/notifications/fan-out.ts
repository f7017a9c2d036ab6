import type { Directory } from '../../connectors/directory/directory.ts';
import type { Person, Student } from '../../connectors/directory/model.ts';
import type { NewDelivery, NewNotification, PostgresNotificationStore, StoredEvent } from '../../store/notifications/postgres-store.ts';
import type { PerimeterOptions } from '../../subgraphs/perimeter/perimeter.ts';
import {
  afterQuietHours,
  CATEGORIES,
  CATEGORY_OF,
  DEFAULT_QUIET_HOURS,
  defaultPreference,
  deliveryFrequency,
  isEventKind,
  type Category,
  type EmailFrequency,
  type Preference,
  type RecipientProfile,
  type SmsFrequency,
} from './model.ts';
import { render } from './render.ts';

interface Recipient {
  person: Person;
  /** The pupil's first name when the recipient is one of their adults. */
  child?: { id: string; firstName: string };
}

/** Pupils of a school event's audience whose adults are read at once. */
const AUDIENCE_BATCH = 50;

const isCategory = (c: string): c is Category => (CATEGORIES as readonly string[]).includes(c);

/**
 * Whether an e-mail is planned for the person: when they have an address, and for a guardian
 * always. A guardian's missing address is something the school can fix (ask the family), so their
 * e-mail is planned and, when it cannot leave, reported (`contactProblems`); a pupil has no address
 * in the académie's directory by design, and a teacher's or staff member's is the académie's to
 * keep, not the school's: without one, they hear in the app alone and nothing is reported.
 */
export const mayEmail = (person: Person) => Boolean(person.email) || person.kind === 'guardian';

/** A person's preference for a category: what they chose, else the default of their profile. */
export function preferenceFor(
  profile: RecipientProfile,
  category: Category,
  chosen: readonly { category: string; inApp: boolean; email: string; sms: string }[] = [],
): Preference {
  const own = chosen.find((p) => p.category === category);
  const fallback = defaultPreference(profile, category);
  if (!own || !isCategory(own.category)) return fallback;
  return { category, inApp: own.inApp, email: own.email as EmailFrequency, sms: profile === 'guardian' ? (own.sms as SmsFrequency) : 'NEVER' };
}

/**
 * Who hears about an event, and how: the pupil and their adults (legal guardians; others where
 * configured), a message's recipients, a school event's audience; then each one's preferences
 * and quiet hours decide the notifications and deliveries.
 */
export class FanOut {
  /**
   * `perimeter`: the same rule as every subgraph's (who sees a pupil), so a notification never
   * tells an adult what the graph would hide from them: a « personne en charge » hears about the
   * pupil only where the perimeter lets them see the pupil; an adult without legal authority never.
   */
  constructor(private readonly options: { directory: Directory; store: PostgresNotificationStore; perimeter: PerimeterOptions; clock: () => Date }) {}

  async plan(event: StoredEvent): Promise<{ notifications: NewNotification[]; deliveries: NewDelivery[] }> {
    if (!isEventKind(event.kind)) return { notifications: [], deliveries: [] };
    // One person hears once, however many ways they are reached (a guardian of two pupils of a class).
    const recipients = [...new Map((await this.#recipients(event)).map((r) => [r.person.id, r])).values()];
    const ids = recipients.map((r) => r.person.id);
    const [chosen, quiet] = await Promise.all([this.options.store.preferencesOf(ids), this.options.store.quietHoursOf(ids)]);
    const now = this.options.clock();
    const category = CATEGORY_OF[event.kind];
    const notifications: NewNotification[] = [];
    const deliveries: NewDelivery[] = [];
    for (const { person, child } of recipients) {
      const preference = preferenceFor(person.kind, category, chosen.get(person.id));
      const words = render(event.kind, event.details, child?.firstName);
      if (preference.inApp) {
        notifications.push({ personId: person.id, category, childId: child?.id ?? null, title: words.title, body: words.body, link: words.link });
      }
      const leaveAt = afterQuietHours(now, quiet.get(person.id) ?? DEFAULT_QUIET_HOURS);
      const email = mayEmail(person) ? deliveryFrequency(preference.email) : undefined;
      if (email) deliveries.push({ personId: person.id, channel: 'email', frequency: email, dueAt: email === 'immediate' ? leaveAt : now });
      if (preference.sms === 'IMMEDIATE') deliveries.push({ personId: person.id, channel: 'sms', frequency: 'immediate', dueAt: leaveAt });
    }
    return { notifications, deliveries };
  }

  async #recipients(event: StoredEvent): Promise<Recipient[]> {
    const { directory, store } = this.options;
    if (event.kind === 'message') {
      const ids = await store.messageRecipients(typeof event.details.messageId === 'string' ? event.details.messageId : '');
      return (await directory.people(ids)).flatMap((person) => (person ? [{ person }] : []));
    }
    if (event.kind === 'school-event') {
      const pupils = await this.#audiencePupils(event.details.audience);
      const recipients: Recipient[] = [];
      // A few pupils at a time: a whole school's audience is a few hundred directory reads, not all at once.
      for (let i = 0; i < pupils.length; i += AUDIENCE_BATCH) {
        recipients.push(...(await Promise.all(pupils.slice(i, i + AUDIENCE_BATCH).map((p) => this.#pupilAndAdults(p)))).flat());
      }
      return recipients;
    }
    if (!event.pupilId) return [];
    const [pupil] = await directory.people([event.pupilId]);
    return pupil?.kind === 'student' ? this.#pupilAndAdults(pupil) : [];
  }

  /** The pupils of a school event's audience (`{ uai, kind, code }`), as the directory says now. */
  async #audiencePupils(audience: unknown): Promise<Student[]> {
    const { directory } = this.options;
    if (typeof audience !== 'object' || audience === null) return [];
    const { uai, kind, code } = audience as Record<string, unknown>;
    if (typeof uai !== 'string') return [];
    const [school] = await directory.schoolsByUai([uai]);
    if (!school) return [];
    if (kind === 'school') return directory.studentsOfSchool(school.id);
    if (typeof code !== 'string') return [];
    if (kind === 'class') return directory.studentsOfClass({ structureId: school.id, code });
    if (kind === 'group') return directory.studentsOfGroup({ structureId: school.id, code });
    return [];
  }

  /**
   * The pupil, when their news still reaches this adult as the directory says now (undefined when
   * not): what waits to be delivered (quiet hours, a week of digest) was decided at the fan-out,
   * and a guardian may have lost legal authority since.
   */
  async pupilHeardBy(pupilId: string, adultId: string): Promise<Student | undefined> {
    const [pupil] = await this.options.directory.people([pupilId]);
    if (pupil?.kind !== 'student') return undefined;
    return (await this.#pupilAndAdults(pupil)).some((r) => r.person.id === adultId) ? pupil : undefined;
  }

  async #pupilAndAdults(pupil: Student): Promise<Recipient[]> {
    const { directory, perimeter } = this.options;
    const adults = (await directory.guardiansOf(pupil.id)).filter(
      ({ guardian, link }) => guardian && (link.legal === 1 || (link.legal === 2 && perimeter.personInChargeSeesChild)),
    );
    const child = { id: pupil.id, firstName: pupil.firstName };
    return [{ person: pupil }, ...adults.flatMap(({ guardian }) => (guardian ? [{ person: guardian, child }] : []))];
  }
}
