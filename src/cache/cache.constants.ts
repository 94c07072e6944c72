/** The collector's entry in the SchedulerRegistry. */
export const COLLECTOR_JOB = 'symbol-collector';

/**
 * A failed Firestore listener re-subscribes after a full-jitter delay in [0, base * 2^attempt), capped, so
 * many workers that lost Firestore together do not come back in one burst.
 */
export const LISTENER_RETRY_BASE_MS = 1_000;
export const LISTENER_RETRY_MAX_MS = 60_000;

/** How long shutdown waits for a collection that is still reading before it lets Firestore close. */
export const COLLECTOR_SHUTDOWN_WAIT_MS = 5_000;

export function listenerRetryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(LISTENER_RETRY_MAX_MS, LISTENER_RETRY_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
