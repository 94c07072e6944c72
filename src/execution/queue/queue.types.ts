import type { Clock } from '../../timing/clock';

export type AttemptVerdict = 'done' | 'retry';

export interface QueueOptions {
  readonly concurrency: number;
  /** Attempts on the fast backoff; after them an item is retried on the long one until it is done. */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly pendingRetryBaseMs: number;
  readonly pendingRetryMaxMs: number;
}

export interface QueueHandlers<T> {
  /** One attempt. Should not reject; a rejection is reported through `crashed` and counts as a retry. */
  attempt(item: T, attempt: number): Promise<AttemptVerdict>;
  /** The fast attempts all asked for a retry; from now on the item is retried on the long backoff. */
  exhausted(item: T, attempts: number): void;
  /** The queue was abandoned (shutdown) before the item finished; it is handed back unexecuted. */
  dropped(item: T): void;
  crashed(item: T, error: unknown): void;
}

export interface QueueStats {
  readonly length: number;
  readonly waiting: number;
  readonly running: number;
  readonly delayed: number;
  readonly oldestAgeMs: number;
  readonly accepting: boolean;
}

/**
 * How long one turn may spend starting attempts. Each start is firebase-admin building, encoding and
 * sending a request. A full window of them at once, or the successors of a wave of calls that failed
 * together on one deadline (started in the same turn as the failures were decoded), held the event loop,
 * and the ticks behind it, for tens of milliseconds (bench 7's CPU profiles).
 */
export const START_TURN_BUDGET_MS = 10;

/** Time and randomness for the queue; its unit tests pass a manual clock and a fixed random. */
export interface QueueTiming {
  readonly clock?: Clock;
  /** In [0, 1): the retry backoffs' jitter. */
  readonly random?: () => number;
  /** START_TURN_BUDGET_MS unless given. */
  readonly startTurnBudgetMs?: number;
}
