import type { Logger } from './logger.ts';

const TERMINATION_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Runs `stop` on SIGTERM or SIGINT, then exits. If `stop` has not finished within `timeoutMs`, the
 * process exits anyway: an orchestrator's kill deadline must never be the thing that ends us.
 *
 * The process has one owner of its termination signals. Libraries register their own handlers
 * (the gateway runtime hard-codes whatwg-node's `disposeOnProcessTerminate`, which disposes the
 * gateway on SIGTERM and aborts every in-flight operation), so they are removed here: `stop` drains
 * the HTTP server first and disposes the libraries after.
 */
export function exitOnSignal(stop: () => Promise<void>, log: Logger, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown deadline passed, exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  for (const signal of TERMINATION_SIGNALS) {
    process.removeAllListeners(signal);
    process.once(signal, onSignal);
  }
}
