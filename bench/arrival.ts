/**
 * Open-loop arrivals (like k6's constant-arrival-rate): request i is due at i / rate seconds,
 * whatever the latency of the ones before, so a slow router meets a growing queue rather than a
 * politely waiting client (closed loops hide saturation: they slow down with the router).
 */

/** When request `index` is due, in ms after the start, at `ratePerSecond`. */
export function arrivalOffsetMs(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

/** How many requests fall due in a window of `durationMs` at `ratePerSecond`. */
export function arrivalsIn(durationMs: number, ratePerSecond: number): number {
  return Math.ceil((durationMs * ratePerSecond) / 1000);
}

/** What happens to a request that falls due now. */
export type StartDecision = 'start' | 'late' | 'dropped';

/**
 * A due request starts unless `inFlight` already reaches the bound (then it is dropped and
 * counted: the bound keeps a saturated router from drowning the generator). One that starts more
 * than `lateAfterMs` behind its schedule (the generator itself fell behind) starts but is counted
 * late; its latency is measured from when it was due, so the delay is not hidden either way.
 */
export function startDecision(dueAtMs: number, nowMs: number, inFlight: number, maxInFlight: number, lateAfterMs: number): StartDecision {
  if (inFlight >= maxInFlight) return 'dropped';
  return nowMs - dueAtMs > lateAfterMs ? 'late' : 'start';
}

/** What one step of a rate ramp gave, as far as the stop rule cares. */
export interface StepOutcome {
  rate: number;
  errors: number;
  dropped: number;
  /** p99 of the operation the target is about (the guardian dashboard), ms. */
  p99Ms: number;
}

/** A step is held when nothing failed, nothing was dropped and the p99 stayed under the limit. */
export function stepHeld(step: StepOutcome, p99LimitMs: number): boolean {
  return step.errors === 0 && step.dropped === 0 && step.p99Ms < p99LimitMs;
}

/**
 * The highest rate held, walking the ramp in order and stopping at the first step not held (a
 * later lucky step above a failed one does not count); undefined when even the first failed.
 */
export function highestRateHeld(steps: readonly StepOutcome[], p99LimitMs: number): number | undefined {
  let held: number | undefined;
  for (const step of steps) {
    if (!stepHeld(step, p99LimitMs)) break;
    held = step.rate;
  }
  return held;
}

/** Parses a list of rates such as "50,100,150" (positive, strictly increasing). */
export function parseRates(text: string): number[] {
  const rates = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (rates.length === 0 || rates.some((r, i) => !(r > 0) || (i > 0 && r <= rates[i - 1]!)))
    throw new Error(`bench: rates must be positive and increasing, got "${text}"`);
  return rates;
}

/** Why a step was not held ("guardian p99 212 ms ≥ 150 ms", "3 errors", "12 dropped"), or undefined. */
export function whyNotHeld(step: StepOutcome, p99LimitMs: number): string | undefined {
  const reasons = [
    ...(step.errors > 0 ? [`${step.errors} errors`] : []),
    ...(step.dropped > 0 ? [`${step.dropped} dropped`] : []),
    ...(step.p99Ms >= p99LimitMs ? [`guardian p99 ${step.p99Ms} ms ≥ ${p99LimitMs} ms`] : []),
  ];
  return reasons.length ? reasons.join(', ') : undefined;
}
