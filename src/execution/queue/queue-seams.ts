/** Time, timers and randomness for the queue, injectable so its unit tests control them. */
export interface QueueSeams {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `callback` soon, after the current synchronous work (the tick handler) has returned. */
  defer(callback: () => void): void;
  /** In [0, 1). */
  random(): number;
}

export const realSeams: QueueSeams = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  defer: (callback) => setImmediate(callback),
  random: () => Math.random(),
};

/**
 * Exponential backoff with jitter: base * 2^(attempt-1), capped, then scaled into [50%, 100%] so two
 * replicas contending for the same documents do not retry in lockstep.
 */
export function retryDelayMs(
  options: { readonly retryBaseMs: number; readonly retryMaxMs: number },
  attemptsSoFar: number,
  seams: Pick<QueueSeams, 'random'>,
): number {
  const exponential = options.retryBaseMs * 2 ** Math.max(0, attemptsSoFar - 1);
  const capped = Math.min(options.retryMaxMs, exponential);
  return Math.round(capped * (0.5 + seams.random() * 0.5));
}
