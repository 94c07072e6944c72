/**
 * Work done in steps: a generator that yields between steps so a caller can give the event loop back
 * (the collector's build of a million-entry book set), or run it through at once when nothing waits.
 */
export type Stepwise<T> = Generator<void, T>;

/** Entries placed between two pauses of a stepwise build: a few milliseconds of work. */
export const ENTRIES_PER_STEP = 10_000;

/** Runs the steps through without pausing. */
export function finish<T>(steps: Stepwise<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
