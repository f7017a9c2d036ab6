/** Polls `check` until it holds, or fails after `timeoutMs`: for effects that happen in the background. */
export async function until(check: () => Promise<boolean>, timeoutMs = 8000, everyMs = 50): Promise<void> {
  // The monotonic clock: a test may stop or step the wall clock (Date.now) to see what code does then.
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error('condition not reached in time');
}
