import type { EmailFrequency, NotificationCategory, SmsFrequency } from '../../gql/graphql.ts';

/** The kinds of events, as a family reads them, in the order the preferences page lists them. */
export const CATEGORY_LABEL: Record<NotificationCategory, string> = {
  ABSENCE: 'Absences et retards',
  GRADE: 'Notes',
  HOMEWORK: 'Travail à faire',
  PUNISHMENT: 'Punitions',
  TIMETABLE: 'Emploi du temps',
  JUSTIFICATION: 'Justificatifs',
  MESSAGE: 'Messages',
  SCHOOL_EVENT: 'Agenda de l’établissement',
};

export const EMAIL_LABEL: Record<EmailFrequency, string> = {
  IMMEDIATE: 'Immédiatement',
  DAILY: 'Résumé quotidien',
  WEEKLY: 'Résumé hebdomadaire',
  NEVER: 'Jamais',
};

export const SMS_LABEL: Record<SmsFrequency, string> = {
  IMMEDIATE: 'Immédiatement',
  NEVER: 'Jamais',
};

/**
 * A notification's link, if it is a path of the portal (`/`, `/messages/…`, `/agenda`): never
 * another origin (`//host`, `/\host`, `https:`), whatever the server stored.
 */
export const portalPath = (link: string | null | undefined): string | undefined =>
  link && link.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\') ? link : undefined;
