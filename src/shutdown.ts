import { INestApplication, Logger } from '@nestjs/common';
import { systemClock, unrefTimer } from './timing/clock';

/** Kubernetes sends SIGKILL 30 s after SIGTERM; give up a little before that so the exit is ours. */
const HARD_DEADLINE_MS = 28_000;

/**
 * On SIGTERM or SIGINT, closes the app (every provider's shutdown hooks run: ticks stop, in-flight
 * transactions drain within their grace period, sockets, listeners and the Firestore client close) and
 * exits 0. Nest's own enableShutdownHooks re-raises the signal after closing, which ends the process by
 * signal instead of with a clean exit code.
 */
export function exitCleanlyOnSignals(app: INestApplication, logger = new Logger('Shutdown')): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`Received ${signal}: shutting down`);
    const deadline = systemClock.setTimeout(() => {
      logger.error(`Shutdown took longer than ${HARD_DEADLINE_MS} ms: exiting anyway`);
      process.exit(1);
    }, HARD_DEADLINE_MS);
    unrefTimer(deadline);
    app.close().then(
      () => {
        logger.log('Shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
