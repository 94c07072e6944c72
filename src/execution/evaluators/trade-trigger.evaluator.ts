import type { Hit, TriggerEntry, TriggerHit, TriggerLadders } from '../../cache/book/book.types';
import type { Tick } from '../../domain/market';
import { isActionablePrice } from './crossing';

/**
 * Turns a tick into the trade-trigger hits it crosses in one symbol's book (`above`: price >= target,
 * `below`: price <= target). Pure and synchronous; allocation-free for a tick that crosses nothing.
 */
export class TradeTriggerEvaluator {
  private tick: Tick | undefined;
  private out: Hit[] | undefined;

  private readonly visit = (entry: TriggerEntry): void => {
    const tick = this.tick as Tick;
    (this.out as Hit[]).push({
      kind: 'trigger',
      marketType: tick.marketType,
      symbol: tick.symbol,
      entry,
      level: entry.targetPrice,
    });
  };

  /** Appends one hit per trigger the tick's price crosses to `out`; returns how many were appended. */
  evaluate(book: TriggerLadders, tick: Tick, out: Hit[]): number {
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

  hits(book: TriggerLadders, tick: Tick): TriggerHit[] {
    const out: Hit[] = [];
    this.evaluate(book, tick, out);
    return out as TriggerHit[];
  }
}
