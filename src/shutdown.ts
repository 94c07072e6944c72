import { INestApplication, Logger } from '@nestjs/common';
import { hardDeadlineMs } from './config/execution.config';
import { systemClock, unrefTimer } from './timing/clock';

/**
 * On SIGTERM or SIGINT, closes the app (every provider's shutdown hooks run: ticks stop, in-flight
 * transactions drain within their grace period, sockets, listeners and the Firestore client close) and
 * exits 0. Nest's own enableShutdownHooks re-raises the signal after closing, which ends the process by
 * signal instead of with a clean exit code. Kubernetes sends SIGKILL `terminationGraceMs` after SIGTERM
 * (TERMINATION_GRACE_MS); the process gives up a little before that, so the exit is ours.
 */
export function exitCleanlyOnSignals(
  app: INestApplication,
  terminationGraceMs: number,
  logger = new Logger('Shutdown'),
): void {
  const deadlineMs = hardDeadlineMs(terminationGraceMs);
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`Received ${signal}: shutting down`);
    const deadline = systemClock.setTimeout(() => {
      logger.error(`Shutdown took longer than ${deadlineMs} ms: exiting anyway`);
      process.exit(1);
    }, deadlineMs);
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
