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

export class LoginError extends Error {
  override readonly name = 'LoginError';
  constructor(
    readonly reason: LoginFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
