import type { MarketType } from '../../domain/market';
import type { CloseReason, Side } from '../../domain/position';
import type { TriggerCondition } from '../../domain/trade-trigger';

/**
 * What the books hold: only what evaluation and execution need. Everything else about a document is
 * re-read inside the execution transaction, which must read the document anyway.
 */
export interface PositionEntry {
  /** `users/{uid}/openPositions/{id}`: the identity of the entry everywhere in the cache. */
  readonly path: string;
  readonly side: Side;
  readonly size: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

export interface TriggerEntry {
  /** `users/{uid}/tradeTriggers/{id}`. */
  readonly path: string;
  readonly condition: TriggerCondition;
  readonly targetPrice: number;
}

export interface PositionHit {
  readonly kind: 'position';
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly entry: PositionEntry;
  readonly reason: CloseReason;
  /** The stop-loss or take-profit level that was crossed. */
  readonly level: number;
}

export interface TriggerHit {
  readonly kind: 'trigger';
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly entry: TriggerEntry;
  readonly level: number;
}

export type Hit = PositionHit | TriggerHit;

/**
 * A symbol's open positions, indexed by level in two ladders: "fires when price <= level" (long stop-loss,
 * short take-profit) and "fires when price >= level" (long take-profit, short stop-loss). A tick walks only
 * the entries it crosses and stops at the first it does not. Implemented by `PositionBook`.
 */
export interface PositionLadders {
  readonly size: number;
  /** Adds the entry, replacing any entry with the same path. An entry with neither level is not kept. */
  add(entry: PositionEntry): void;
  /** Removes the entry with this path from both ladders; returns it, or undefined if absent. */
  remove(path: string): PositionEntry | undefined;
  get(path: string): PositionEntry | undefined;
  /** False only if `forEachCrossed(price)` would visit nothing; cheap enough to ask on every tick. */
  mayCross(price: number): boolean;
  /**
   * Read-only: calls `visit` once per entry the price crosses (equal counts as crossed). When a price
   * crosses both levels of one entry (inconsistent levels), it is visited once, as a stop-loss.
   */
  forEachCrossed(
    price: number,
    visit: (entry: PositionEntry, reason: CloseReason, level: number) => void,
  ): void;
  entries(): IterableIterator<PositionEntry>;
}

/** A symbol's trade triggers: `above` in the ">= level" ladder, `below` in the "<= level" ladder. Implemented by `TriggerBook`. */
export interface TriggerLadders {
  readonly size: number;
  add(entry: TriggerEntry): void;
  remove(path: string): TriggerEntry | undefined;
  get(path: string): TriggerEntry | undefined;
  /** False only if `forEachCrossed(price)` would visit nothing. */
  mayCross(price: number): boolean;
  forEachCrossed(price: number, visit: (entry: TriggerEntry) => void): void;
  entries(): IterableIterator<TriggerEntry>;
}
