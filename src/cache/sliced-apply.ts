/** How a listener's batches are cut, and how the loop is given back between the pieces. */
export interface SlicedApplyOptions {
  /** The most items applied in one turn. */
  readonly sliceSize: number;
  /**
   * And the longest a turn applies for, in ms of `now`: items cost what the books make them cost (an
   * insert into a large ladder shifts it), so a count alone does not bound a turn. Checked every
   * BUDGET_STEP items; without it (or `now`) a slice is applied whole.
   */
  readonly budgetMs?: number;
  readonly now?: () => number;
  /** Resolves after other work (ticks, I/O, timers) has had its turn. */
  readonly yieldToOthers: () => Promise<void>;
  /** A slice that threw: reported, and the batches after it still applied. */
  readonly onFailure: (error: unknown) => void;
}

/** One batch to apply: `size` items, applied by `apply(from, to)`, then `done()`. */
export interface SlicedBatch {
  readonly size: number;
  apply(from: number, to: number): void;
  done(): void;
}

/** Items applied between two looks at the clock when a turn has a time budget. */
const BUDGET_STEP = 64;

/**
 * Applies one listener's batches in arrival order, a slice at a time, giving the event loop back between
 * slices: a first snapshot of a million documents must neither stall ticks nor starve the liveness
 * probe. A batch no larger than one slice with nothing queued before it is applied at once, so a single
 * change still reaches the books in the same turn it arrived (unless it outlasts the turn's budget: then
 * the rest follows in later turns).
 */
export class SlicedApply {
  private tail: Promise<void> | undefined;
  private cancelled = false;

  constructor(private readonly options: SlicedApplyOptions) {}

  /** Whether batches are still waiting or being applied. */
  get busy(): boolean {
    return this.tail !== undefined;
  }

  push(batch: SlicedBatch): void {
    if (this.cancelled) return;
    if (this.tail === undefined && batch.size <= this.options.sliceSize) {
      this.applyAtOnce(batch);
      return;
    }
    this.queue(batch, 0);
  }

  /** Nothing more is applied, not even the rest of a batch under way (the service is stopping). */
  cancel(): void {
    this.cancelled = true;
  }

  private queue(batch: SlicedBatch, start: number): void {
    // Behind another batch, even the first slice waits its turn: a backlog is not drained in one go.
    const behind = this.tail !== undefined || start > 0;
    const next = (this.tail ?? Promise.resolve())
      .then(() => this.applyInSlices(batch, start, behind))
      .catch((error: unknown) => this.options.onFailure(error));
    this.tail = next;
    void next.then(() => {
      if (this.tail === next) this.tail = undefined;
    });
  }

  private applyAtOnce(batch: SlicedBatch): void {
    try {
      const applied = this.applyWithin(batch, 0, batch.size);
      if (applied === batch.size) batch.done();
      else this.queue(batch, applied);
    } catch (error) {
      this.options.onFailure(error);
    }
  }

  private async applyInSlices(batch: SlicedBatch, start: number, behind: boolean): Promise<void> {
    const { sliceSize, yieldToOthers } = this.options;
    if (behind) await yieldToOthers();
    for (let from = start; from < batch.size;) {
      if (from > start) await yieldToOthers();
      if (this.cancelled) return;
      from = this.applyWithin(batch, from, Math.min(batch.size, from + sliceSize));
    }
    if (!this.cancelled) batch.done();
  }

  /** Applies [from, to), stopping early once the turn's time budget is spent; returns where it stopped. */
  private applyWithin(batch: SlicedBatch, from: number, to: number): number {
    const { budgetMs, now } = this.options;
    return applyWithinBudget((a, b) => batch.apply(a, b), from, to, budgetMs, now);
  }
}

/**
 * Applies [from, to) by `apply`, looking at `now` every BUDGET_STEP items and stopping once `budgetMs` is
 * spent; returns where it stopped. Without a budget (or a clock) all of it.
 */
function applyWithinBudget(
  apply: (from: number, to: number) => void,
  from: number,
  to: number,
  budgetMs?: number,
  now?: () => number,
): number {
  if (budgetMs === undefined || now === undefined) {
    apply(from, to);
    return to;
  }
  const started = now();
  let at = from;
  while (at < to) {
    const end = Math.min(to, at + BUDGET_STEP);
    apply(at, end);
    at = end;
    if (now() - started >= budgetMs) break;
  }
  return at;
}
