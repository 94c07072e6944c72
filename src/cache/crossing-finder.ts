import type { Hit, PositionEntry, TriggerEntry } from '../domain/crossing';
import { candleFill, fallsTo, isActionablePrice } from '../domain/crossing';
import type { CandleRange, Tick } from '../domain/market';
import type { CloseReason, Side } from '../domain/position';
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
    const { marketType, symbol, priceType } = this.tick as Tick;
    (this.out as Hit[]).push({ kind: 'position', marketType, symbol, priceType, entry, reason, level });
  };

  private readonly visitTrigger = (entry: TriggerEntry): void => {
    const { marketType, symbol, priceType } = this.tick as Tick;
    const level = entry.targetPrice;
    (this.out as Hit[]).push({ kind: 'trigger', marketType, symbol, priceType, entry, level });
  };

  private readonly visitPositionInCandle = (
    entry: PositionEntry,
    reason: CloseReason,
    level: number,
  ): void => {
    const { marketType, symbol, priceType, candle } = this.tick as Tick & { candle: CandleRange };
    const fillPrice = candleFill(candle, fallsTo(entry.side, reason), level);
    const hit = { kind: 'position', marketType, symbol, priceType, entry, reason, level, fillPrice } as const;
    (this.out as Hit[]).push(hit);
  };

  private readonly visitTriggerInCandle = (entry: TriggerEntry): void => {
    const { marketType, symbol, priceType, candle } = this.tick as Tick & { candle: CandleRange };
    const level = entry.targetPrice;
    const fillPrice = candleFill(candle, entry.condition === 'below', level);
    (this.out as Hit[]).push({ kind: 'trigger', marketType, symbol, priceType, entry, level, fillPrice });
  };

  /**
   * A trailing stop the tick fired. If the tick also crossed a static stop of the same position, one hit
   * stays: the level a falling (long) or rising (short) price reached first; a tie is the static one's.
   */
  private readonly visitTrailing = (entry: PositionEntry, level: number, fill?: number): void => {
    const { marketType, symbol, priceType, candle } = this.tick as Tick;
    const out = this.out as Hit[];
    const hit: Hit = {
      kind: 'position',
      marketType,
      symbol,
      priceType,
      entry,
      reason: 'trailing_stop',
      level,
    };
    const found = candle === undefined ? hit : { ...hit, fillPrice: fill ?? level };
    const same = this.staticHitOf(entry.path);
    if (same === undefined) out.push(found);
    else if (reachedBefore(entry.side, level, out[same].level)) out[same] = found;
  };

  /** Where this tick's hits begin in `out`, and where its static position hits end. */
  private firstOfTick = 0;
  private staticEnd = 0;
  /** This tick's static position hits by path, built only if a trailing stop fires beside them. */
  private staticByPath: Map<string, number> | undefined;

  /** The index in `out` of this tick's static hit of the position, if any (a crash: thousands of each). */
  private staticHitOf(path: string): number | undefined {
    if (this.staticEnd === this.firstOfTick) return undefined;
    if (this.staticByPath === undefined) {
      const out = this.out as Hit[];
      this.staticByPath = new Map();
      for (let i = this.firstOfTick; i < this.staticEnd; i++) this.staticByPath.set(out[i].entry.path, i);
    }
    return this.staticByPath.get(path);
  }

  /** Appends one hit per position and trigger the tick's price crosses to `out`; returns how many. */
  find(
    positions: PositionLadders | undefined,
    triggers: TriggerLadders | undefined,
    tick: Tick,
    out: Hit[],
  ): number {
    if (tick.candle !== undefined) return this.findInCandle(positions, triggers, tick, tick.candle, out);
    const price = tick.price;
    const positionsMay = positions !== undefined && positions.size > 0 && positions.mayCross(price);
    const trailing = positions !== undefined && positions.trailingSize > 0;
    const triggersMay = triggers !== undefined && triggers.size > 0 && triggers.mayCross(price);
    if ((!positionsMay && !triggersMay && !trailing) || !isActionablePrice(price)) return 0;
    const before = out.length;
    this.begin(tick, out);
    try {
      if (positionsMay) positions.forEachCrossed(price, this.visitPosition);
      this.staticEnd = out.length;
      if (trailing) positions.advanceTrailing(tick, this.visitTrailing);
      if (triggersMay) triggers.forEachCrossed(price, this.visitTrigger);
    } finally {
      this.end();
    }
    return out.length - before;
  }

  /** Nothing of a call is kept after it: the tick, the caller's buffer, the index of its hits. */
  private end(): void {
    this.tick = undefined;
    this.out = undefined;
    this.staticByPath = undefined;
  }

  private begin(tick: Tick, out: Hit[]): void {
    this.tick = tick;
    this.out = out;
    this.firstOfTick = out.length;
    this.staticEnd = out.length;
    this.staticByPath = undefined;
  }

  /** What a candle's range reaches, each hit with its own fill (see candleFill). Backfill only: rare. */
  private findInCandle(
    positions: PositionLadders | undefined,
    triggers: TriggerLadders | undefined,
    tick: Tick,
    candle: CandleRange,
    out: Hit[],
  ): number {
    const { open, high, low } = candle;
    if (![open, high, low].every(isActionablePrice) || low > high) return 0;
    const before = out.length;
    this.begin(tick, out);
    try {
      if (positions?.mayCrossRange(low, high))
        positions.forEachCrossedInRange(low, high, this.visitPositionInCandle, open);
      this.staticEnd = out.length;
      if (positions !== undefined && positions.trailingSize > 0)
        positions.advanceTrailing(tick, this.visitTrailing);
      if (triggers?.mayCrossRange(low, high))
        triggers.forEachCrossedInRange(low, high, this.visitTriggerInCandle);
    } finally {
      this.end();
    }
    return out.length - before;
  }
}

/** Whether a trailing level is reached before another stop's level by a price moving against the side. */
function reachedBefore(side: Side, trailingLevel: number, otherLevel: number): boolean {
  return side === 'long' ? trailingLevel > otherLevel : trailingLevel < otherLevel;
}
