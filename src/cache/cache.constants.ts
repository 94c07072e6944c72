/** The collector's entry in the SchedulerRegistry. */
export const COLLECTOR_JOB = 'symbol-collector';

/**
 * Timing of the collector and the listeners; a provider (CACHE_TIMING) so specs can shorten it. The page
 * and probe timeouts come from COLLECTOR_PAGE_TIMEOUT_MS and COLLECTOR_PROBE_TIMEOUT_MS (these defaults
 * are theirs).
 */
export interface CacheTiming {
  /**
   * A page of a full read not answered by then fails the collection (firebase-admin retries an
   * unreachable Firestore for about a minute). The page itself cannot be cancelled, so the next run
   * still waits for it to settle: runs never overlap. Per page, so a large read may take as long as
   * it needs while it makes progress.
   */
  readonly pageTimeoutMs: number;
  /**
   * A one-document probe that has not answered by then means Firestore is unreachable. Short, because
   * through a cut connection a read does not fail: it hangs until firebase-admin gives up.
   */
  readonly probeTimeoutMs: number;
  /**
   * A failed listener re-subscribes after a full-jitter delay in [0, base * 2^attempt), capped at max: it
   * keeps many workers that lost Firestore together from coming back in one burst.
   */
  readonly listenerRetryBaseMs: number;
  readonly listenerRetryMaxMs: number;
  /** How long shutdown waits for a collection still reading before it lets Firestore close. */
  readonly shutdownWaitMs: number;
}

export const CACHE_TIMING = Symbol('CACHE_TIMING');

export const DEFAULT_CACHE_TIMING: CacheTiming = {
  pageTimeoutMs: 20_000,
  probeTimeoutMs: 5_000,
  listenerRetryBaseMs: 1_000,
  listenerRetryMaxMs: 60_000,
  shutdownWaitMs: 5_000,
};
