import { GraphQLError } from 'graphql';
import { envSchema, integer, type EnvValues } from '../../lib/config/env.ts';
import { QuotaExceededError, type SubmissionQuotas } from '../../store/quota.ts';

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

/** The quotas' variables (README), each a positive integer; the defaults where unset. */
export const QUOTAS_ENV = envSchema({
  VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON: integer({ min: 1, max: 10_000, default: DEFAULT_QUOTAS.feedsPerPerson }),
  VIE_SCOLAIRE_MAX_SUBMISSIONS_PER_DAY: integer({ min: 1, max: 100_000, default: DEFAULT_QUOTAS.submissionsPerDay }),
  VIE_SCOLAIRE_MAX_ATTACHMENT_BYTES_PER_DAY: integer({ min: 1, default: DEFAULT_QUOTAS.attachmentBytesPerDay }),
});

export function quotasOf(config: EnvValues<typeof QUOTAS_ENV.variables>): VieScolaireQuotas {
  return {
    feedsPerPerson: config.VIE_SCOLAIRE_MAX_FEEDS_PER_PERSON,
    submissionsPerDay: config.VIE_SCOLAIRE_MAX_SUBMISSIONS_PER_DAY,
    attachmentBytesPerDay: config.VIE_SCOLAIRE_MAX_ATTACHMENT_BYTES_PER_DAY,
  };
}

// Every vie scolaire quota worded; another kind (the identity subgraph's data exports) is named as is.
const WHAT: Record<keyof VieScolaireQuotas, (limit: number) => string> & Partial<Record<QuotaExceededError['quota'], (limit: number) => string>> = {
  feedsPerPerson: (n) => `at most ${n} calendar feeds per person; revoke one to create another`,
  submissionsPerDay: (n) => `at most ${n} submissions per person in 24 hours`,
  attachmentBytesPerDay: (n) => `at most ${n} bytes of attached files per person in 24 hours`,
};

/** The error a person sees past a quota: which limit, and its value. */
export function quotaError(error: QuotaExceededError): GraphQLError {
  return new GraphQLError(`Quota exceeded: ${WHAT[error.quota]?.(error.limit) ?? `at most ${error.limit} (${error.quota})`}.`, {
    extensions: { code: 'QUOTA_EXCEEDED', quota: error.quota, limit: error.limit },
  });
}
