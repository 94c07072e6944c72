import { type Clock, type TimerHandle, systemClock } from './clock';

/**
 * Rejects if `promise` has not settled within `ms`. The work itself cannot be cancelled; only the wait for
 * it ends. Used to bound Firestore calls: through a cut connection a read does not fail, it waits while
 * firebase-admin retries for minutes.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock = systemClock): Promise<T> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(`the read did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
}

/** Waits until `promise` settles or `ms` have passed, whichever comes first. */
export async function waitAtMost(
  promise: Promise<unknown>,
  ms: number,
  clock: Clock = systemClock,
): Promise<void> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, ms)));
  await Promise.race([promise, timeout]);
  clock.clearTimeout(timer);
}
