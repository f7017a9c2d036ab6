import { HubErrorWithReason } from '../../lib/errors.ts';

export type UpstreamFailure = 'unknown-school' | 'unavailable' | 'timeout' | 'circuit-open' | 'overloaded' | 'refused' | 'bad-response';

/** A vie scolaire upstream call that failed, saying which school's system and how. */
export class UpstreamError extends HubErrorWithReason<UpstreamFailure> {
  static override readonly code = 'ERR_VIE_SCOLAIRE_UPSTREAM';
  constructor(
    reason: UpstreamFailure,
    readonly uai: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }
}
