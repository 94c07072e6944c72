/** How a listener's batches are cut, and how the loop is given back between the pieces. */
export interface SlicedApplyOptions {
  readonly sliceSize: number;
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

/**
 * Applies one listener's batches in arrival order, a slice at a time, giving the event loop back between
 * slices: a first snapshot of a million documents must neither stall ticks nor starve the liveness
 * probe. A batch no larger than one slice with nothing queued before it is applied at once, so a single
 * change still reaches the books in the same turn it arrived.
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
    // Behind another batch, even the first slice waits its turn: a backlog is not drained in one go.
    const behind = this.tail !== undefined;
    const next = (this.tail ?? Promise.resolve())
      .then(() => this.applyInSlices(batch, behind))
      .catch((error: unknown) => this.options.onFailure(error));
    this.tail = next;
    void next.then(() => {
      if (this.tail === next) this.tail = undefined;
    });
  }

  /** Nothing more is applied, not even the rest of a batch under way (the service is stopping). */
  cancel(): void {
    this.cancelled = true;
  }

  private applyAtOnce(batch: SlicedBatch): void {
    try {
      batch.apply(0, batch.size);
      batch.done();
    } catch (error) {
      this.options.onFailure(error);
    }
  }

  private async applyInSlices(batch: SlicedBatch, behind: boolean): Promise<void> {
    const { sliceSize, yieldToOthers } = this.options;
    if (behind) await yieldToOthers();
    for (let from = 0; from < batch.size; from += sliceSize) {
      if (from > 0) await yieldToOthers();
      if (this.cancelled) return;
      batch.apply(from, Math.min(batch.size, from + sliceSize));
    }
    if (!this.cancelled) batch.done();
  }
}

/**
 * `values.map(convert)`, a slice at a time with the loop given back between slices: converting a
 * million documents read in full at once holds the loop for a third of a second.
 */
export async function mapInSlices<T, U>(
  values: readonly T[],
  convert: (value: T) => U,
  options: Pick<SlicedApplyOptions, 'sliceSize' | 'yieldToOthers'>,
): Promise<U[]> {
  const out: U[] = new Array<U>(values.length);
  for (let from = 0; from < values.length; from += options.sliceSize) {
    if (from > 0) await options.yieldToOthers();
    const to = Math.min(values.length, from + options.sliceSize);
    for (let i = from; i < to; i++) out[i] = convert(values[i]);
  }
  return out;
}
