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
