import { HubErrorWithReason } from '../../lib/errors.ts';

/** Why a login did not produce a session; each has a message fit for the error page. */
export type LoginFailureReason =
  | 'unknown-provider'
  | 'unknown-or-expired-state'
  /** The callback came to a browser other than the one that started the login (login CSRF). */
  | 'browser-mismatch'
  | 'provider-error'
  | 'token-rejected'
  | 'no-directory-match'
  | 'ambiguous-directory-match'
  | 'profile-mismatch';

export class LoginError extends HubErrorWithReason<LoginFailureReason> {
  static override readonly code = 'ERR_LOGIN';
  /**
   * The directory person the refused login named, when it named exactly one (a profile mismatch):
   * the refusal goes into that person's login history, where they can see someone tried.
   */
  readonly personId?: string;

  constructor(reason: LoginFailureReason, message: string, options?: { cause?: unknown; personId?: string }) {
    super(reason, message, options);
    this.personId = options?.personId;
  }
}
