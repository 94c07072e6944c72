export type AttemptVerdict = 'done' | 'retry';

export interface QueueOptions {
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface QueueHandlers<T> {
  /** One attempt. Should not reject; a rejection is reported through `crashed` and counts as a retry. */
  attempt(item: T, attempt: number): Promise<AttemptVerdict>;
  /** Every attempt asked for a retry. */
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
