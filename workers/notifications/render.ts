import { isoDayToFrench } from '../../lib/french-dates.ts';
import type { EventKind } from './model.ts';

/** What a notification says, in French: a title, one sentence, a short SMS, and where in the portal to look. */
export interface Rendered {
  title: string;
  body: string;
  sms: string;
  /** A path of the portal (the e-mails make it absolute): the child's card on the home page, the message, the agenda. */
  link: string;
}

type Details = Record<string, unknown>;
/** The longest piece of text said (a title, a label; an agenda title's limit): a school system's has none, and an SMS past 612 characters would be refused (connectors/sms) and reach no one. */
const MAX_TEXT = 200;
const clamp = (s: string) => ([...s].length > MAX_TEXT ? `${[...s].slice(0, MAX_TEXT - 1).join('')}…` : s);
const text = (v: unknown) => clamp(typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** `2026-11-24T08:00:00+01:00` → `24/11 à 08:00`; `2026-11-24` → `24/11/2026`. */
const dayOf = (v: unknown) => (/^\d{4}-\d{2}-\d{2}/.test(text(v)) ? isoDayToFrench(text(v).slice(0, 10)) : '');
const shortDay = (v: unknown) => dayOf(v).slice(0, 5);
const timeOf = (v: unknown) => (/T\d{2}:\d{2}/.test(text(v)) ? text(v).slice(11, 16) : '');
/** The special grades (connectors/vie-scolaire/dialect.ts GRADE_KINDS) as a report card writes them. */
const SPECIAL_GRADES: Record<string, string> = {
  ABSENT: 'absent',
  EXEMPTED: 'dispensé',
  NOT_GRADED: 'non noté',
  UNFIT: 'inapte',
  NOT_RETURNED: 'non rendu',
  ABSENT_COUNTS_ZERO: 'absent (zéro)',
  NOT_RETURNED_COUNTS_ZERO: 'non rendu (zéro)',
  CONGRATULATIONS: 'félicitations',
};
const grade = (d: Details) => SPECIAL_GRADES[text(d.special)] ?? `${text(d.value).replace('.', ',')}/${text(d.outOf)}`;

/**
 * The words of each kind of event. `child` is the pupil's first name for a guardian, undefined for
 * the pupil themself (« Absence de Léa » to her mother, « Absence » to Léa).
 */
export function render(kind: EventKind, details: Details, child: string | undefined): Rendered {
  // « de Léa », « d'Emma »: French elides before a vowel.
  const of = child ? (/^[aeiouyàâäéèêëîïôöùûü]/i.test(child) ? ` d'${child}` : ` de ${child}`) : '';
  const to = child ? ` pour ${child}` : '';
  switch (kind) {
    case 'absence': {
      const when = `le ${shortDay(details.start)} de ${timeOf(details.start)} à ${timeOf(details.end)}`;
      const title = details.corrected ? `Absence${of} modifiée` : `Absence${of}`;
      return {
        title,
        body: `${title} ${when}.`,
        sms: `ENT : absence${of} ${when}. Justifier sur l'ENT.`,
        link: '/',
      };
    }
    case 'absence-canceled':
      return {
        title: `Absence${of} annulée`,
        body: `L'absence${of} du ${dayOf(details.day)} a été retirée par l'établissement.`,
        sms: `ENT : l'absence${of} du ${shortDay(details.day)} a été annulée.`,
        link: '/',
      };
    case 'lateness':
      return {
        title: `Retard${of}`,
        body: `Retard${of} de ${text(details.minutes)} min le ${shortDay(details.at)} à ${timeOf(details.at)}.`,
        sms: `ENT : retard${of} de ${text(details.minutes)} min le ${shortDay(details.at)} à ${timeOf(details.at)}.`,
        link: '/',
      };
    case 'punishment':
      return {
        title: `Punition${to}`,
        body: `${text(details.title)}${to}, le ${dayOf(details.date)}.`,
        sms: `ENT : ${text(details.title)}${to} le ${shortDay(details.date)}.`,
        link: '/',
      };
    case 'grade':
    case 'grade-changed': {
      const title = kind === 'grade' ? `Nouvelle note${to}` : `Note modifiée${to}`;
      return {
        title,
        body: `${text(details.subject)} : ${grade(details)} (${dayOf(details.date)}).`,
        sms: `ENT : ${title.toLowerCase()} en ${text(details.subject)} : ${grade(details)}.`,
        link: '/',
      };
    }
    case 'homework':
      return {
        title: `Travail à faire${to}`,
        body: `${text(details.subject)}, pour le ${dayOf(details.dueOn)}.`,
        sms: `ENT : travail en ${text(details.subject)}${to} pour le ${shortDay(details.dueOn)}.`,
        link: '/',
      };
    case 'homework-due':
      return {
        title: `Travail pour demain${to}`,
        body: `${text(details.subject)} : à rendre le ${dayOf(details.dueOn)}, pas encore fait.`,
        sms: `ENT : travail en ${text(details.subject)}${to} à rendre demain.`,
        link: '/',
      };
    case 'lesson-canceled':
      return {
        title: `Cours annulé${to}`,
        body: details.subject
          ? `${text(details.subject)} le ${shortDay(details.start)} à ${timeOf(details.start)}${details.status ? ` (${text(details.status)})` : ''}.`
          : `Un cours du ${dayOf(details.day)} n'a plus lieu.`,
        sms: `ENT : cours annulé${to} le ${shortDay(details.start ?? details.day)}.`,
        link: '/',
      };
    case 'lesson-moved':
      return {
        title: `Cours modifié${to}`,
        body: `${text(details.subject)} : le ${shortDay(details.start)} de ${timeOf(details.start)} à ${timeOf(details.end)}${Array.isArray(details.rooms) && details.rooms.length ? `, salle ${clamp(details.rooms.map(text).join(', '))}` : ''}.`,
        sms: `ENT : cours de ${text(details.subject)}${to} modifié le ${shortDay(details.start)}.`,
        link: '/',
      };
    case 'justification':
      return {
        title: details.accepted ? `Justificatif accepté${of}` : `Justificatif refusé${of}`,
        body: `Le justificatif de l'absence${of} a été ${details.accepted ? 'accepté' : 'refusé'} par la vie scolaire.`,
        sms: `ENT : justificatif${of} ${details.accepted ? 'accepté' : 'refusé'}.`,
        link: '/',
      };
    case 'message':
      return {
        title: details.liaison ? 'Nouveau mot à signer' : 'Nouveau message',
        body: `${text(details.senderName)} : ${text(details.subject)}`,
        sms: `ENT : nouveau message de ${text(details.senderName)}.`,
        link: `/messages/${encodeURIComponent(text(details.messageId))}`,
      };
    case 'school-event':
      if (details.canceled) {
        return {
          title: `Annulé : ${text(details.title)}`,
          body: `${text(details.title)}, prévu le ${shortDay(details.startsAt)} à ${timeOf(details.startsAt)}, n'aura pas lieu.`,
          sms: `ENT : annulé, ${text(details.title)} du ${shortDay(details.startsAt)}.`,
          link: '/agenda',
        };
      }
      return {
        title: details.reminder ? `Rappel : ${text(details.title)}` : `Agenda : ${text(details.title)}`,
        body: `${text(details.title)}, le ${shortDay(details.startsAt)} à ${timeOf(details.startsAt)}${details.location ? ` (${text(details.location)})` : ''}.`,
        sms: `ENT : ${text(details.title)} le ${shortDay(details.startsAt)} à ${timeOf(details.startsAt)}.`,
        link: '/agenda',
      };
  }
}
