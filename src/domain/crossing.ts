import {
  type CandleRange,
  type InstrumentPriceType,
  type MarketType,
  type Tick,
  instrumentPrice,
} from './market';
import type { CloseReason, OpenPosition, Side } from './position';
import type { TradeTrigger, TriggerCondition } from './trade-trigger';
import type { TrailingStop } from './trailing-stop';

/**
 * The crossing vocabulary shared by the books, the cache and execution: what is watched (entries), what a
 * price crossed (hits), and a crossing waiting to be written (pending crossings).
 */

/**
 * A document's Firestore update time in microseconds since the epoch (a removal: the read time that saw it
 * gone). Every version of one document has a distinct update time, so "newer" is exact across sources: the
 * listener, a full read and a transaction may report the same document in any order.
 */
export type Version = number;

/** What the books hold of a position: only what evaluation and execution need. */
export interface PositionEntry {
  /** `users/{uid}/openPositions/{id}`: the identity of the entry everywhere in the cache. */
  readonly path: string;
  readonly side: Side;
  readonly size: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /**
   * The liquidation price, watched on the contract's mark price whatever the stops watch: a leveraged
   * futures position's, when liquidation is on and the level is known. Absent: none.
   */
  readonly liquidation?: number | null;
  /** The trailing stop, watched on the same price as the stops; absent: none. Its state lives in the book. */
  readonly trailing?: TrailingStop;
}

export interface TriggerEntry {
  /** `users/{uid}/tradeTriggers/{id}`. */
  readonly path: string;
  readonly condition: TriggerCondition;
  readonly targetPrice: number;
}

export type EntryKind = 'position' | 'trigger';

/** An entry with the book it belongs in and the document version it was read at. */
export interface Located<E> {
  readonly marketType: MarketType;
  readonly symbol: string;
  /** The futures price its levels watch; undefined: the last trade. */
  readonly priceType?: InstrumentPriceType;
  readonly entry: E;
  readonly version: Version;
}

export type AnyLocated = Located<PositionEntry | TriggerEntry>;

/**
 * One sighting of a document: open with these levels (`item`), or not open at all (`item` null: deleted,
 * no longer `open`, or no longer valid) as of `version`.
 */
export interface Sighting {
  readonly version: Version;
  readonly item: AnyLocated | null;
}

export interface PositionHit {
  readonly kind: 'position';
  readonly marketType: MarketType;
  readonly symbol: string;
  /** The price that crossed: the tick's (undefined: a trade). */
  readonly priceType?: InstrumentPriceType;
  readonly entry: PositionEntry;
  readonly reason: CloseReason;
  /** The stop-loss, take-profit, liquidation or trailing level that was crossed. */
  readonly level: number;
  /** Only when a candle crossed it: see candleFill. A trade crossing fills at the trade's price. */
  readonly fillPrice?: number;
}

export interface TriggerHit {
  readonly kind: 'trigger';
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly priceType?: InstrumentPriceType;
  readonly entry: TriggerEntry;
  readonly level: number;
  readonly fillPrice?: number;
}

export type Hit = PositionHit | TriggerHit;

/**
 * A hit together with the tick that crossed it. It stays pending until it is written or its document has
 * left `open`; every retry writes this tick's price and time, however late it succeeds.
 */
export interface PendingCrossing {
  /** A path can cross again after a put-back; each crossing has its own identity. */
  readonly id: number;
  readonly hit: Hit;
  /** The tick's last trade price: what the position closes at or the trigger fires at, never the level. */
  readonly price: number;
  /** Exchange time of that tick, in milliseconds. */
  readonly tickTime: number;
  /** Local time (ms) the crossing tick was received: the pending age counts from it. */
  readonly crossedAt: number;
  /**
   * The document's version (update time, µs) whose levels the hit was found on, if known. A write
   * conditioned on it needs no read: if the document is still at that version, the decision stands.
   */
  readonly version?: Version;
}

export interface Crossing {
  readonly reason: CloseReason;
  readonly level: number;
}

/**
 * The one statement of when a position exits. Long: price <= stopLoss or >= takeProfit; short: the mirror.
 * Equal counts as crossed. When both levels are crossed (inconsistent levels) the stop-loss wins, as in the books.
 */
export function positionCrossing(
  side: Side,
  stopLoss: number | null,
  takeProfit: number | null,
  price: number,
): Crossing | null {
  return positionExit(side, stopLoss, takeProfit, null, price);
}

/**
 * positionCrossing with a liquidation level on the same price: the liquidation is a stop on the losing side,
 * so of it and the stop-loss only the nearer can be crossed first (a tie is the stop-loss's).
 */
export function positionExit(
  side: Side,
  stopLoss: number | null,
  takeProfit: number | null,
  liquidation: number | null,
  price: number,
): Crossing | null {
  const stop = nearerStop(side, stopLoss, liquidation);
  if (stop !== null && (side === 'long' ? price <= stop.level : price >= stop.level)) return stop;
  if (takeProfit !== null && (side === 'long' ? price >= takeProfit : price <= takeProfit)) {
    return { reason: 'take_profit', level: takeProfit };
  }
  return null;
}

/** Of a stop-loss and a liquidation level, the one a losing price reaches first (long: higher, short: lower). */
export function nearerStop(side: Side, stopLoss: number | null, liquidation: number | null): Crossing | null {
  if (liquidation === null) return stopLoss === null ? null : { reason: 'stop_loss', level: stopLoss };
  const liquidationNearer =
    stopLoss === null || (side === 'long' ? liquidation > stopLoss : liquidation < stopLoss);
  return liquidationNearer
    ? { reason: 'liquidation', level: liquidation }
    : { reason: 'stop_loss', level: stopLoss };
}

/** `above` fires at price >= target, `below` at price <= target. */
export function triggerCrossed(condition: TriggerCondition, targetPrice: number, price: number): boolean {
  return condition === 'above' ? price >= targetPrice : price <= targetPrice;
}

/** A zero, negative or non-finite price would cross every long stop: never act on one. */
export function isActionablePrice(price: number): boolean {
  return Number.isFinite(price) && price > 0;
}

/**
 * Whether a document (or its book entry) watches the prices a hit came from: the same market, symbol and
 * price type. A document that changed any of them since is not crossed by that hit's price.
 */
export function watchesSameStream(
  watcher: {
    readonly marketType: MarketType;
    readonly symbol: string;
    readonly priceType?: InstrumentPriceType;
  },
  hit: {
    readonly marketType: MarketType;
    readonly symbol: string;
    readonly priceType?: InstrumentPriceType;
  },
): boolean {
  return (
    watcher.marketType === hit.marketType &&
    watcher.symbol === hit.symbol &&
    watcher.priceType === hit.priceType
  );
}

export function crossingOf(hit: Hit, tick: Tick, id: number, version: Version): PendingCrossing {
  const price = hit.fillPrice ?? tick.price;
  return { id, hit, price, tickTime: tick.exchangeTime, crossedAt: tick.receivedAt, version };
}

/**
 * What a candle that reached a level fills at: the level itself, or the candle's open if it opened already
 * beyond the level; never the candle's extreme, which no one could have been filled at for certain.
 * `falls`: the level fires at price <= level (long stop-loss, short take-profit, `below` triggers).
 */
export function candleFill(candle: CandleRange, falls: boolean, level: number): number {
  return falls ? Math.min(candle.open, level) : Math.max(candle.open, level);
}

/** Whether a position's crossed level fires on the way down: a long's stop-loss or liquidation, a short's take-profit. */
export function fallsTo(side: Side, reason: CloseReason): boolean {
  return (side === 'long') === (reason !== 'take_profit');
}

/** A position's liquidation level to watch, or null (see LiquidationPolicy). */
export type LiquidationOf = (position: OpenPosition) => number | null;

/**
 * Only what evaluation and execution need; the rest is re-read inside the execution transaction. The
 * liquidation level is decided here, once per version read, from the document and the contract's margins.
 */
export function positionItem(
  position: OpenPosition,
  version: Version,
  liquidationOf: LiquidationOf = () => null,
): Located<PositionEntry> {
  const { path, side, size, stopLoss, takeProfit, trailingStop } = position;
  const liquidation = liquidationOf(position);
  const levels: PositionEntry = { path, side, size, stopLoss, takeProfit };
  const withTrailing = trailingStop === null ? levels : { ...levels, trailing: trailingStop };
  return {
    marketType: position.marketType,
    symbol: position.symbol,
    priceType: instrumentPrice(position.triggerPriceType),
    entry: liquidation === null ? withTrailing : { ...withTrailing, liquidation },
    version,
  };
}

export function triggerItem(trigger: TradeTrigger, version: Version): Located<TriggerEntry> {
  const { path, condition, targetPrice } = trigger;
  return {
    marketType: trigger.marketType,
    symbol: trigger.symbol,
    priceType: instrumentPrice(trigger.triggerPriceType),
    entry: { path, condition, targetPrice },
    version,
  };
}
