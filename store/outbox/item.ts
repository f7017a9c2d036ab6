/** What guardians and pupils submit, as the vie scolaire subgraph shows it (Justification, HomeworkSubmission). */
export type SubmissionKind = 'justification' | 'homework';
/** PENDING: kept here, not yet received upstream. SENT: received upstream. ACCEPTED/REJECTED: decided there. */
export type OutboxState = 'PENDING' | 'SENT' | 'ACCEPTED' | 'REJECTED';

/** An attached file as the outbox remembers it: its content lives in its own table until the school has it. */
export interface StoredFile {
  name: string;
  contentType: string;
  bytes: number;
}

export interface OutboxItem {
  id: string;
  kind: SubmissionKind;
  uai: string;
  pupilId: string;
  /** The absence justified, or the homework handed in. */
  targetId: string;
  submittedBy: string;
  reason?: string;
  comment?: string;
  file?: StoredFile;
  /**
   * Whether the school's system confirmed the target is one of this pupil's. A submission made while
   * the school could not say is kept, and checked before it is ever forwarded.
   */
  verified?: boolean;
  state: OutboxState;
  upstreamId?: string;
  attempts: number;
  /** When the next forwarding (or follow-up) attempt is due, epoch milliseconds. */
  nextAttemptAt: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a submission targets: the check that it is the pupil's own is the caller's (see `verify`). */
export type SubmissionTarget = Pick<OutboxItem, 'kind' | 'uai' | 'pupilId' | 'targetId'>;

/** Decided: nothing more will happen to it (a homework is done once received). */
export const isSettled = (item: Pick<OutboxItem, 'kind' | 'state'>): boolean =>
  item.state === 'ACCEPTED' || item.state === 'REJECTED' || (item.kind === 'homework' && item.state === 'SENT');
