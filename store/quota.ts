import { HubError } from '../lib/errors.ts';

/** What one person may submit in 24 hours (a rolling window), on every instance together. */
export interface SubmissionQuotas {
  submissionsPerDay: number;
  attachmentBytesPerDay: number;
}

/** A person's quota is used up: the stores refuse, the subgraph shows which limit (QUOTA_EXCEEDED). */
export class QuotaExceededError extends HubError {
  static override readonly code = 'ERR_QUOTA_EXCEEDED';
  constructor(
    readonly quota:
      | 'feedsPerPerson'
      | keyof SubmissionQuotas
      | 'dataExportsInProgress'
      | 'dataExportsPerDay'
      | 'messagesPerDay'
      | 'messageAttachmentBytesPerDay'
      | 'schoolEventsPerDay'
      | 'draftsPerPerson'
      | 'foldersPerPerson',
    readonly limit: number,
  ) {
    super(`quota ${quota} (${limit}) exceeded`);
  }
}
