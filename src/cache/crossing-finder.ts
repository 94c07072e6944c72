import type { Hit, PositionEntry, TriggerEntry } from '../domain/crossing';
import { isActionablePrice } from '../domain/crossing';
import type { Tick } from '../domain/market';
import type { CloseReason } from '../domain/position';
import type { PositionLadders, TriggerLadders } from './book/book.types';

/**
 * Turns a tick into the hits it crosses in one symbol's books. Pure and synchronous. The visitors are
 * bound once and the tick and output are held in fields for the duration of one call, so a tick that
 * crosses nothing allocates nothing (the benchmark pushes millions of ticks per second through here).
 */
export class CrossingFinder {
  private tick: Tick | undefined;
  private out: Hit[] | undefined;

  private readonly visitPosition = (entry: PositionEntry, reason: CloseReason, level: number): void => {
    const { marketType, symbol } = this.tick as Tick;
    (this.out as Hit[]).push({ kind: 'position', marketType, symbol, entry, reason, level });
  };

  private readonly visitTrigger = (entry: TriggerEntry): void => {
    const { marketType, symbol } = this.tick as Tick;
    (this.out as Hit[]).push({ kind: 'trigger', marketType, symbol, entry, level: entry.targetPrice });
  };

  /** Appends one hit per position and trigger the tick's price crosses to `out`; returns how many. */
  find(
    positions: PositionLadders | undefined,
    triggers: TriggerLadders | undefined,
    tick: Tick,
    out: Hit[],
  ): number {
    const price = tick.price;
    const positionsMay = positions !== undefined && positions.size > 0 && positions.mayCross(price);
    const triggersMay = triggers !== undefined && triggers.size > 0 && triggers.mayCross(price);
    if ((!positionsMay && !triggersMay) || !isActionablePrice(price)) return 0;
    const before = out.length;
    this.tick = tick;
    this.out = out;
    try {
      if (positionsMay) positions.forEachCrossed(price, this.visitPosition);
      if (triggersMay) triggers.forEachCrossed(price, this.visitTrigger);
    } finally {
      this.tick = undefined;
      this.out = undefined;
    }
    return out.length - before;
  }
}
