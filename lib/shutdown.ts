import type { Logger } from './logger.ts';

/** SIGHUP too: a closed terminal must stop `npm start` as Ctrl-C does (its database included). */
const TERMINATION_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** What a process registers once it has started: how to stop what it started. */
export interface Shutdown {
  /** Sets how to stop. A signal that came while the process was starting runs it at once. */
  stopWith(stop: () => Promise<void>): void;
}

/**
 * Takes the process's termination signals (SIGTERM, SIGINT, SIGHUP): on the first, runs the `stop` given to
 * `stopWith`, then exits. If `stop` has not finished within `timeoutMs`, the process exits anyway:
 * an orchestrator's kill deadline must never be the thing that ends us.
 *
 * Call it first, before starting anything: a process that announces it is listening must already
 * own its signals. Between the announcement and a later call, a signal met no listener and killed
 * the process with the default action, nothing drained (a supervisor reads the announcement and may
 * stop us at once; on a busy machine that window is real). A signal that comes while the process is
 * still starting waits for `stopWith`, within the same deadline.
 *
 * The process has one owner of its termination signals. Libraries register their own handlers
 * (the gateway runtime hard-codes whatwg-node's `disposeOnProcessTerminate`, which disposes the
 * gateway on SIGTERM and aborts every in-flight operation), so they are removed here: `stop` drains
 * the HTTP server first and disposes the libraries after.
 */
export function exitOnSignal(log: Logger, timeoutMs: number): Shutdown {
  let stopWith: (() => Promise<void>) | undefined;
  let signalled = false;
  let stopping = false;
  const runStop = () => {
    if (stopping || !stopWith) return;
    stopping = true;
    stopWith().then(
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
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal, timeoutMs, started: stopWith !== undefined }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown deadline passed, exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    runStop();
  };
  /** Removes every other handler of our signals: those registered before us, and while starting. */
  const ownSignals = () => {
    for (const signal of TERMINATION_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (listener !== onSignal) process.removeListener(signal, listener as (...args: unknown[]) => void);
      }
    }
  };
  for (const signal of TERMINATION_SIGNALS) {
    // `on`, not `once`: a second signal while stopping must not meet the default action. Added
    // before the others are removed, so that the signal never has no listener at all.
    process.on(signal, onSignal);
  }
  ownSignals();
  return {
    stopWith(stop) {
      ownSignals();
      stopWith = stop;
      if (signalled) runStop();
    },
  };
}
