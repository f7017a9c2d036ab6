import { GraphQLError } from 'graphql';
import { QuotaExceededError, type SubmissionQuotas } from '../../connectors/vie-scolaire/outbox.ts';

/** What one person may create: bounded, so one account (or one stolen session) cannot flood a school or the hub's disk. */
export interface VieScolaireQuotas extends SubmissionQuotas {
  /** Calendar feeds a person may have at once (revoking one frees a place). */
  feedsPerPerson: number;
}

export const DEFAULT_QUOTAS: VieScolaireQuotas = {
  feedsPerPerson: 10,
  // A family of several children justifying a week of absences, a pupil handing in a day's work.
  submissionsPerDay: 30,
  attachmentBytesPerDay: 20_000_000,
};

const ENV: Record<keyof VieScolaireQuotas, string> = {
  feedsPerPerson: 'VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON',
  submissionsPerDay: 'VIE_SCOLAIRE_MAX_SUBMISSIONS_PER_DAY',
  attachmentBytesPerDay: 'VIE_SCOLAIRE_MAX_ATTACHMENT_BYTES_PER_DAY',
};

/** The quotas from the environment (README), each a positive integer; the defaults where unset. */
export function quotasFromEnv(env: NodeJS.ProcessEnv): VieScolaireQuotas {
  const quotas = { ...DEFAULT_QUOTAS };
  for (const [key, name] of Object.entries(ENV) as [keyof VieScolaireQuotas, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    quotas[key] = value;
  }
  return quotas;
}

const WHAT: Record<keyof VieScolaireQuotas, (limit: number) => string> = {
  feedsPerPerson: (n) => `at most ${n} calendar feeds per person; revoke one to create another`,
  submissionsPerDay: (n) => `at most ${n} submissions per person in 24 hours`,
  attachmentBytesPerDay: (n) => `at most ${n} bytes of attached files per person in 24 hours`,
};

/** The error a person sees past a quota: which limit, and its value. */
export function quotaError(error: QuotaExceededError): GraphQLError {
  return new GraphQLError(`Quota exceeded: ${WHAT[error.quota](error.limit)}.`, { extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit } });
}
