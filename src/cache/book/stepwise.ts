/**
 * Work done in steps: a generator that yields between steps so a caller can give the event loop back
 * (the collector's sweep of a million-entry book set), or run it through at once when nothing waits.
 */
export type Stepwise<T> = Generator<void, T>;

/**
 * Entries handled between two yields of stepwise work (a bulk build, the collector's sweep): a fraction of
 * a millisecond once the code is optimised. A driver with a time budget (see
 * `CacheCore.finishCollectionInSteps`) runs several steps a turn; small steps keep a turn short when the
 * code is still cold (a pod's first full read runs it in the interpreter: bench 7 saw single 10,000-entry
 * build steps of ~300 ms in it, and turns of 50–68 ms made of 2,000-entry steps).
 */
export const ENTRIES_PER_STEP = 500;

/** Runs the steps through without pausing. */
export function finish<T>(steps: Stepwise<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * How long one event-loop turn may run steps before pausing, by `now` (ms). Without one every step is
 * followed by a pause (the specs drive listener changes into those pauses).
 */
export interface TurnBudget {
  readonly ms: number;
  readonly now: () => number;
}

/** Runs the steps with `pause` between turns: after every step, or once a turn has spent the budget. */
export async function finishInTurns<T>(
  steps: Stepwise<T>,
  pause: () => Promise<void>,
  budget?: TurnBudget,
): Promise<T> {
  let turnStarted = budget?.now() ?? 0;
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (budget !== undefined && budget.now() - turnStarted < budget.ms) continue;
    await pause();
    turnStarted = budget?.now() ?? 0;
  }
}
