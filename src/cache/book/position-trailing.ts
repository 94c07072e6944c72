import type { PositionEntry } from '../../domain/crossing';
import type { TrailingState, TrailingStop } from '../../domain/trailing-stop';
import type { PriceStep, TrailingVisit } from './book.types';
import { TrailingBook, type TrailingEntry } from './trailing-book';

/**
 * A position book's trailing stops: the TrailingBook (made with the first one: most books have none, and it
 * costs a few KB), the time of the last price they took, and the rules for which prices they take.
 */
export class PositionTrailing {
  private book: TrailingBook | undefined;
  /** Exchange time (ms) of the last price applied (a candle's: its start). */
  private through = -Infinity;
  /** Bound once, so a price that fires nothing allocates nothing. */
  private visit: TrailingVisit | undefined;
  private readonly onFire = (stop: TrailingEntry, level: number, fill?: number): void => {
    (this.visit as TrailingVisit)(this.entryOf(stop.path), level, fill);
  };

  /** `entryOf`: the position book's entry for a path it holds. */
  constructor(private readonly entryOf: (path: string) => PositionEntry) {}

  get size(): number {
    return this.book?.size ?? 0;
  }

  /** The position's trailing stop, if it has one, not activated: only prices from its update on apply. */
  add(entry: PositionEntry, version: number): void {
    if (entry.trailing === undefined) return;
    this.book ??= new TrailingBook();
    const { path, side } = entry;
    // Prices before the document's update time (µs) are not its: a recovered one does not move it.
    this.book.add({ path, side, stop: entry.trailing }, version, undefined, version / 1_000);
  }

  remove(path: string): void {
    this.book?.remove(path);
  }

  stopOf(path: string): TrailingStop | undefined {
    return this.book?.get(path)?.stop;
  }

  /** See PositionBook.advanceTrailing. */
  advance(step: PriceStep, visit: TrailingVisit): void {
    const book = this.book;
    if (book === undefined || book.size === 0) return;
    const { candle, exchangeTime } = step;
    // A candle starting at or before the last price applied may hold prices the stops have seen (a gap's
    // first minute): judged again on a level they raised since, they could fire falsely. It is left out.
    if (candle !== undefined && exchangeTime <= this.through) return;
    this.through = Math.max(this.through, exchangeTime);
    book.wake(step.source === 'backfill' ? exchangeTime : Infinity);
    this.visit = visit;
    try {
      if (candle === undefined) book.advance(step.price, this.onFire);
      else book.advanceCandle({ ...candle, close: step.price }, this.onFire);
    } finally {
      this.visit = undefined;
    }
  }

  /** See PositionBook.carriedState. */
  carriedState(path: string): TrailingState | undefined {
    return this.book?.carriedStateOf(path);
  }

  restore(path: string, state: TrailingState): void {
    this.book?.setState(path, state);
  }

  earliestDormant(): number | undefined {
    return this.book?.earliestDormant();
  }
}
