/** How often `waitFor` re-checks its predicate. */
const POLL_INTERVAL_MS = 10;

/**
 * Polls until `predicate` holds, failing with `what` after `timeoutMs`. The one wait used by every spec
 * and harness, so specs wait on events rather than fixed sleeps.
 */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Reads until `accept` holds for what `read` returned, and returns that very value: what a spec checks
 * next is the answer that met the wait, not a later one (readiness, for one, can change between two probes).
 */
export async function waitForValue<T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs?: number,
): Promise<T> {
  let value: T | undefined;
  await waitFor(what, async () => accept((value = await read())), timeoutMs);
  return value as T;
}
