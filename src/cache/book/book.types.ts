import type { PositionEntry, TriggerEntry, Version } from '../../domain/crossing';
import type { CloseReason } from '../../domain/position';
import type { Tick } from '../../domain/market';

/** What a trailing stop needs of a tick: its price, time, source and, for a recovered candle, its range. */
export type PriceStep = Pick<Tick, 'price' | 'exchangeTime' | 'source' | 'candle'>;

/** A trailing stop a price fired: its position, the level then, and for a candle its fill. */
export type TrailingVisit = (entry: PositionEntry, level: number, fill?: number) => void;

/**
 * A symbol's open positions, indexed by level in two ladders: "fires when price <= level" (long stop-loss,
 * short take-profit) and "fires when price >= level" (long take-profit, short stop-loss). A tick walks only
 * the entries it crosses and stops at the first it does not. Implemented by `PositionBook`.
 */
export interface PositionLadders {
  readonly size: number;
  /** Adds the entry, replacing any entry with the same path. An entry with neither level is not kept. */
  add(entry: PositionEntry, version?: Version): void;
  /** Removes the entry with this path from both ladders; returns it, or undefined if absent. */
  remove(path: string): PositionEntry | undefined;
  get(path: string): PositionEntry | undefined;
  /** The document version the entry was added at. */
  versionOf(path: string): Version | undefined;
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
  /** False only if `forEachCrossedInRange(low, high)` would visit nothing. */
  mayCrossRange(low: number, high: number): boolean;
  /**
   * Every entry some price in [low, high] crosses (a candle's range, opening at `open`), once; when both its
   * levels are in range, the one the open already crossed, else the stop-loss (the safe guess).
   */
  forEachCrossedInRange(
    low: number,
    high: number,
    visit: (entry: PositionEntry, reason: CloseReason, level: number) => void,
    open?: number,
  ): void;
  entries(): IterableIterator<PositionEntry>;
  /** Entries with a trailing stop. */
  readonly trailingSize: number;
  /**
   * Moves the trailing stops by one price of the stream (each price once, in order) and visits those it
   * fires. Not read-only: unlike forEachCrossed, it is the stops' state that follows the prices.
   */
  advanceTrailing(step: PriceStep, visit: TrailingVisit): void;
}

/** A symbol's trade triggers: `above` in the ">= level" ladder, `below` in the "<= level" ladder. Implemented by `TriggerBook`. */
export interface TriggerLadders {
  readonly size: number;
  add(entry: TriggerEntry, version?: Version): void;
  remove(path: string): TriggerEntry | undefined;
  get(path: string): TriggerEntry | undefined;
  versionOf(path: string): Version | undefined;
  /** False only if `forEachCrossed(price)` would visit nothing. */
  mayCross(price: number): boolean;
  forEachCrossed(price: number, visit: (entry: TriggerEntry) => void): void;
  mayCrossRange(low: number, high: number): boolean;
  forEachCrossedInRange(low: number, high: number, visit: (entry: TriggerEntry) => void): void;
  entries(): IterableIterator<TriggerEntry>;
}
