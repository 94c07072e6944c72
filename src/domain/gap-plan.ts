import { type CandleRange, compareSequences } from './market';

/**
 * Gap planning: which recovered trades and candles to evaluate, in which order, after anything that may
 * have lost trades. Pure: the feed fetches, this decides.
 */

/** The last trade evaluated for a symbol; a restart watermark has a time only. */
export interface TradeMark {
  readonly sequence?: string;
  /** Exchange time, ms. */
  readonly time: number;
}

export interface RecoveredTrade {
  readonly sequence: string;
  readonly time: number;
  readonly price: number;
}

export interface MinuteCandle extends CandleRange {
  /** Start of the minute, ms. */
  readonly start: number;
  readonly close: number;
}

export const MINUTE_MS = 60_000;

export type GapPlan =
  /** Nothing to recover (no mark yet, or no trade since it). */
  | { readonly kind: 'none' }
  /** The trade history reaches back to the mark: these trades, oldest first, exactly as if live. */
  | { readonly kind: 'trades'; readonly trades: RecoveredTrade[] }
  /**
   * It does not: the 1-minute candles starting in [from, to] (ms, inclusive) first, then these trades. The
   * last candle overlaps the oldest recovered trade's minute, so nothing between the two goes unseen.
   */
  | {
      readonly kind: 'candles_then_trades';
      readonly from: number;
      readonly to: number;
      readonly trades: RecoveredTrade[];
    };

/** Whether a trade comes after the mark: by sequence when both have one, else by exchange time. */
export function isAfter(
  trade: { readonly sequence?: string; readonly time: number },
  mark: TradeMark,
): boolean {
  if (trade.sequence !== undefined && mark.sequence !== undefined)
    return compareSequences(trade.sequence, mark.sequence) > 0;
  return trade.time > mark.time;
}

/**
 * Plans the recovery of the gap after `mark` from the latest trade history (any order, as KuCoin's latest
 * 100). `horizonMs` caps how far back candles are asked for (a mark older than that is recovered from
 * `now - horizonMs` on).
 */
export function planGap(
  mark: TradeMark | undefined,
  history: readonly RecoveredTrade[],
  now: number,
  horizonMs: number,
): GapPlan {
  if (mark === undefined) return { kind: 'none' };
  const sorted = [...history].sort((a, b) => compareSequences(a.sequence, b.sequence));
  const trades = sorted.filter((trade) => isAfter(trade, mark));
  const oldest = sorted[0];
  // An empty history means no trade at all lately; one that includes the mark (or older) covers the gap.
  if (oldest === undefined || !isAfter(oldest, mark))
    return trades.length ? { kind: 'trades', trades } : { kind: 'none' };
  const from = floorMinute(Math.max(mark.time, now - horizonMs));
  const to = floorMinute(oldest.time);
  return { kind: 'candles_then_trades', from: Math.min(from, to), to, trades };
}

/**
 * The candles to evaluate for a plan's window, oldest first: inside [from, to], and not entirely before the
 * mark (a candle that ended before it holds only trades already evaluated). Bad candles are left out.
 */
export function candlesToApply(
  candles: readonly MinuteCandle[],
  from: number,
  to: number,
  mark: TradeMark,
): MinuteCandle[] {
  const byStart = new Map<number, MinuteCandle>();
  for (const candle of candles)
    if (candle.start >= from && candle.start <= to && candle.start + MINUTE_MS > mark.time && isSane(candle))
      byStart.set(candle.start, candle);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** The highest and lowest price of the trades in the minute starting at `start`. */
export interface TradeRange {
  readonly high: number;
  readonly low: number;
}

/** The range of the trades (any order) inside the minute starting at `start`; undefined if none is. */
export function tradesInMinute(
  trades: readonly { readonly time: number; readonly price: number }[],
  start: number,
): TradeRange | undefined {
  let high = -Infinity;
  let low = Infinity;
  for (const { time, price } of trades) {
    if (time < start || time >= start + MINUTE_MS) continue;
    high = Math.max(high, price);
    low = Math.min(low, price);
  }
  return high >= low ? { high, low } : undefined;
}

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function isSane(candle: MinuteCandle): boolean {
  const { open, high, low, close } = candle;
  return (
    [open, high, low, close].every((v) => Number.isFinite(v) && v > 0) &&
    low <= Math.min(open, close) &&
    high >= Math.max(open, close)
  );
}
