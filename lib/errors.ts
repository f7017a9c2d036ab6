/**
 * The one base of the hub's own errors, after jose's `JOSEError`: every subclass declares a stable
 * `static code`, and each instance carries it as `code`. Callers, logs, metrics and tests match on
 * the code (or on `instanceof`), never on a message or a class name, which may be reworded. Codes
 * are listed in docs/errors.md; a published code is never renamed or reused.
 *
 * A subclass writes only what is its own: `static override readonly code = 'ERR_…'` and its extra
 * fields. The name, the code and the cause come from here.
 */
export abstract class HubError extends Error {
  /** The code every error of this class carries; each subclass declares its own. */
  static readonly code: string = 'ERR_HUB';

  /** Stable and documented: what a caller matches on. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // `new.target` is the class actually constructed, so a subclass needs no constructor for these.
    this.name = new.target.name;
    this.code = new.target.code;
  }
}

/**
 * A HubError that also says which of its class's known causes it is: `reason`, one of a closed
 * union the class names (`'timeout' | 'unavailable' | …`), part of the contract like the code.
 */
export abstract class HubErrorWithReason<Reason extends string> extends HubError {
  constructor(
    readonly reason: Reason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
