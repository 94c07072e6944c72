import type { Hit, PositionEntry, PositionHit, PositionLadders } from '../../cache/book/book.types';
import type { Tick } from '../../domain/market';
import type { CloseReason } from '../../domain/position';
import { isActionablePrice } from './crossing';

/**
 * Turns a tick into the stop-loss / take-profit hits it crosses in one symbol's book. Pure and synchronous.
 * The visitor is bound once and the tick and output are held in fields for the duration of one call, so a
 * tick that crosses nothing allocates nothing (the benchmark pushes 20k ticks/s through here).
 */
export class StopLossTakeProfitEvaluator {
  private tick: Tick | undefined;
  private out: Hit[] | undefined;

  private readonly visit = (entry: PositionEntry, reason: CloseReason, level: number): void => {
    const tick = this.tick as Tick;
    (this.out as Hit[]).push({
      kind: 'position',
      marketType: tick.marketType,
      symbol: tick.symbol,
      entry,
      reason,
      level,
    });
  };

  /** Appends one hit per position the tick's price crosses to `out`; returns how many were appended. */
  evaluate(book: PositionLadders, tick: Tick, out: Hit[]): number {
    if (book.size === 0 || !isActionablePrice(tick.price) || !book.mayCross(tick.price)) return 0;
    const before = out.length;
    this.tick = tick;
    this.out = out;
    try {
      book.forEachCrossed(tick.price, this.visit);
    } finally {
      this.tick = undefined;
      this.out = undefined;
    }
    return out.length - before;
  }

  /** Convenience for callers that do not care about allocation. */
  hits(book: PositionLadders, tick: Tick): PositionHit[] {
    const out: Hit[] = [];
    this.evaluate(book, tick, out);
    return out as PositionHit[];
  }
}
