/** A loop blocked longer than this between two liveness checks turns liveness red. */
export const MAX_EVENT_LOOP_DELAY_MS = 5_000;
/** Readiness tolerates this many missed collector runs before calling the cache stale. */
export const COLLECTOR_MISSED_RUNS_TOLERATED = 3;
