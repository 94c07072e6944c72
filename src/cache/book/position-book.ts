import type { CloseReason } from '../../domain/position';
import type { PositionEntry } from '../../domain/crossing';
import type { PositionLadders, PriceStep, TrailingVisit } from './book.types';
import { LadderBook, type VersionedEntry } from './ladder-book';
import type { LevelLadder } from './level-ladder';
import { resized } from './typed-arrays';
import { PositionTrailing } from './position-trailing';
import type { TrailingState } from '../../domain/trailing-stop';
import { ENTRIES_PER_STEP, type Stepwise, finish } from './stepwise';

const LONG = 0;
const SHORT = 1;
/** Collected hits are encoded as slot * 2 + reason so the walk allocates nothing. */
const STOP_LOSS = 0;
const TAKE_PROFIT = 1;

/**
 * One symbol's open positions in two ladders: `fallsTo` holds levels that fire when price <= level (long
 * stop-loss, short take-profit), `risesTo` those that fire when price >= level (long take-profit, short
 * stop-loss). Entries are stored as typed-array columns, and a PositionEntry object is only built for
 * entries a tick crosses or a caller asks for, which keeps a cached position at a few dozen bytes.
 */
export class PositionBook extends LadderBook<PositionEntry> implements PositionLadders {
  private sides: Uint8Array;
  private sizes: Float64Array;
  /** NaN means "not set". */
  private stopLosses: Float64Array;
  private takeProfits: Float64Array;
  /**
   * The liquidation level; NaN means none. It is a stop on the same side as the stop-loss: the stop ladder
   * holds only the nearer of the two (the one a losing price reaches first), see stopLevel.
   */
  private liquidations: Float64Array;
  private readonly trailing = new PositionTrailing((path) => this.get(path) as PositionEntry);
  /** The price range of the walk in progress; fields, so a walk allocates nothing. */
  private readonly range = { low: 0, high: 0, open: 0 };

  constructor(capacity = 4, fallsToCapacity = capacity, risesToCapacity = capacity) {
    super(capacity, fallsToCapacity, risesToCapacity);
    this.sides = new Uint8Array(this.capacity);
    this.sizes = new Float64Array(this.capacity);
    this.stopLosses = new Float64Array(this.capacity);
    this.takeProfits = new Float64Array(this.capacity);
    this.liquidations = new Float64Array(this.capacity);
  }

  /** Builds a book from many entries at once: one sort per ladder instead of one shift per insert. */
  static from(items: readonly VersionedEntry<PositionEntry>[]): PositionBook {
    return finish(PositionBook.building(items));
  }

  /** The same build in steps (see addingInBulk). */
  static *building(items: readonly VersionedEntry<PositionEntry>[]): Stepwise<PositionBook> {
    // Sized exactly: a rebuilt book carries no growth slack, which matters at a million positions.
    let fallsTo = 0;
    let risesTo = 0;
    for (let i = 0; i < items.length; i++) {
      // Counted in steps too: the largest symbol at a million positions holds ~190,000.
      if (i > 0 && i % ENTRIES_PER_STEP === 0) yield;
      const { entry } = items[i];
      const long = entry.side === 'long';
      if (entry.stopLoss !== null || (entry.liquidation ?? null) !== null) {
        if (long) fallsTo++;
        else risesTo++;
      }
      if (entry.takeProfit !== null) {
        if (long) risesTo++;
        else fallsTo++;
      }
    }
    const book = new PositionBook(items.length, fallsTo, risesTo);
    yield* book.addingInBulk(items);
    return book;
  }

  protected keeps(entry: PositionEntry): boolean {
    return (
      entry.stopLoss !== null ||
      entry.takeProfit !== null ||
      (entry.liquidation ?? null) !== null ||
      entry.trailing !== undefined
    );
  }

  /** How many entries have a trailing stop: while any does, every price of the stream moves them. */
  get trailingSize(): number {
    return this.trailing.size;
  }

  /**
   * Applies one price of the stream to the trailing stops and visits those it fires, with their level and,
   * for a candle, their fill. Each price must come here once, in the stream's order: the stops' state follows
   * it. A recovered trade or candle applies only to stops whose document was updated at or before its time.
   */
  advanceTrailing(step: PriceStep, visit: TrailingVisit): void {
    this.trailing.advance(step, visit);
  }

  /**
   * What a replacement of the entry at the same version keeps (its trailing stop's best price, which no
   * document holds): a full read after the contract's margins changed gives it another liquidation level.
   */
  carriedState(path: string): TrailingState | undefined {
    return this.trailing.carriedState(path);
  }

  restoreCarried(path: string, state: TrailingState): void {
    this.trailing.restore(path, state);
  }

  /** The earliest exchange time (ms) from which prices apply to a trailing stop no price has reached yet. */
  earliestDormantTrailing(): number | undefined {
    return this.trailing.earliestDormant();
  }

  protected place(slot: number, entry: PositionEntry): void {
    const side = entry.side === 'long' ? LONG : SHORT;
    this.sides[slot] = side;
    this.sizes[slot] = entry.size;
    this.stopLosses[slot] = entry.stopLoss ?? Number.NaN;
    this.takeProfits[slot] = entry.takeProfit ?? Number.NaN;
    this.liquidations[slot] = entry.liquidation ?? Number.NaN;
    const stop = this.stopLevel(slot);
    if (!Number.isNaN(stop)) this.ladderFor(side, STOP_LOSS).insert(keyFor(side, STOP_LOSS, stop), slot);
    if (entry.takeProfit !== null)
      this.ladderFor(side, TAKE_PROFIT).insert(keyFor(side, TAKE_PROFIT, entry.takeProfit), slot);
    this.trailing.add(entry, this.versionAt(slot));
  }

  forEachCrossed(
    price: number,
    visit: (entry: PositionEntry, reason: CloseReason, level: number) => void,
  ): void {
    this.forEachCrossedInRange(price, price, visit);
  }

  /**
   * Every entry some price in [low, high] crosses (a candle's range, opening at `open`). When both levels of
   * one entry are in range, the one the open already crossed fired first; otherwise the stop-loss (which
   * came first inside the candle is unknown, and the stop is the safe guess).
   */
  forEachCrossedInRange(
    low: number,
    high: number,
    visit: (entry: PositionEntry, reason: CloseReason, level: number) => void,
    open: number = low,
  ): void {
    const range = this.range;
    range.low = low;
    range.high = high;
    range.open = open;
    let count = this.collect(this.fallsTo, low, 0);
    count = this.collect(this.risesTo, -high, count);
    if (count === 0) return;
    // Entries are built before any visit, so a visitor may check entries out (or add some) safely.
    const hits: [PositionEntry, CloseReason, number][] = [];
    for (let i = 0; i < count; i++) {
      const code = this.scratch.buffer[i];
      const slot = code >> 1;
      const reason = code & 1;
      if (reason === STOP_LOSS) hits.push([this.entryAt(slot), this.stopReason(slot), this.stopLevel(slot)]);
      else hits.push([this.entryAt(slot), 'take_profit', this.takeProfits[slot]]);
    }
    for (const [entry, reason, level] of hits) visit(entry, reason, level);
  }

  protected resizeEntryColumns(capacity: number): void {
    this.sides = resized(this.sides, capacity);
    this.sizes = resized(this.sizes, capacity);
    this.stopLosses = resized(this.stopLosses, capacity);
    this.takeProfits = resized(this.takeProfits, capacity);
    this.liquidations = resized(this.liquidations, capacity);
  }

  /** Collects crossed slots with their reason, each entry once (see forEachCrossedInRange for which). */
  private collect(ladder: LevelLadder, threshold: number, offset: number): number {
    const end = ladder.collectCrossed(threshold, this.scratch, offset);
    const buffer = this.scratch.buffer;
    const isFallsTo = ladder === this.fallsTo;
    let write = offset;
    for (let i = offset; i < end; i++) {
      const slot = buffer[i];
      const reason = (this.sides[slot] === LONG) === isFallsTo ? STOP_LOSS : TAKE_PROFIT;
      if (this.firstCrossed(slot) !== reason) continue;
      buffer[write++] = slot * 2 + reason;
    }
    return write;
  }

  /** Of a crossed entry's levels, the one that fired: alone in range, or already crossed at the open, or the stop. */
  private firstCrossed(slot: number): number {
    const { low, high, open } = this.range;
    const long = this.sides[slot] === LONG;
    const stopLoss = this.stopLevel(slot);
    const takeProfit = this.takeProfits[slot];
    const stopIn = long ? low <= stopLoss : high >= stopLoss;
    const profitIn = long ? high >= takeProfit : low <= takeProfit;
    if (!stopIn) return TAKE_PROFIT;
    if (!profitIn) return STOP_LOSS;
    const stopAtOpen = long ? open <= stopLoss : open >= stopLoss;
    const profitAtOpen = long ? open >= takeProfit : open <= takeProfit;
    return profitAtOpen && !stopAtOpen ? TAKE_PROFIT : STOP_LOSS;
  }

  protected removeSlot(path: string, slot: number): void {
    const side = this.sides[slot];
    const stop = this.stopLevel(slot);
    const takeProfit = this.takeProfits[slot];
    if (!Number.isNaN(stop)) this.ladderFor(side, STOP_LOSS).remove(keyFor(side, STOP_LOSS, stop), slot);
    if (!Number.isNaN(takeProfit))
      this.ladderFor(side, TAKE_PROFIT).remove(keyFor(side, TAKE_PROFIT, takeProfit), slot);
    this.trailing.remove(path);
    this.release(path, slot);
  }

  private ladderFor(side: number, reason: number): LevelLadder {
    return (side === LONG) === (reason === STOP_LOSS) ? this.fallsTo : this.risesTo;
  }

  protected entryAt(slot: number): PositionEntry {
    const stopLoss = this.stopLosses[slot];
    const takeProfit = this.takeProfits[slot];
    const liquidation = this.liquidations[slot];
    const entry: PositionEntry = {
      path: this.paths[slot] as string,
      side: this.sides[slot] === LONG ? 'long' : 'short',
      size: this.sizes[slot],
      stopLoss: Number.isNaN(stopLoss) ? null : stopLoss,
      takeProfit: Number.isNaN(takeProfit) ? null : takeProfit,
    };
    const stop = this.trailing.stopOf(entry.path);
    const withTrailing = stop === undefined ? entry : { ...entry, trailing: stop };
    return Number.isNaN(liquidation) ? withTrailing : { ...withTrailing, liquidation };
  }

  /** The stop ladder's level of a slot: the nearer of its stop-loss and liquidation (NaN: neither). */
  private stopLevel(slot: number): number {
    return this.liquidationFirst(slot) ? this.liquidations[slot] : this.stopLosses[slot];
  }

  private stopReason(slot: number): CloseReason {
    return this.liquidationFirst(slot) ? 'liquidation' : 'stop_loss';
  }

  /** Whether a losing price reaches the liquidation level before the stop-loss (a tie is the stop-loss's, as in nearerStop). */
  private liquidationFirst(slot: number): boolean {
    const liquidation = this.liquidations[slot];
    const stopLoss = this.stopLosses[slot];
    if (Number.isNaN(liquidation)) return false;
    if (Number.isNaN(stopLoss)) return true;
    return this.sides[slot] === LONG ? liquidation > stopLoss : liquidation < stopLoss;
  }
}

/** Long stop-loss and short take-profit fire on the way down (key = level), the others on the way up (key = -level). */
function keyFor(side: number, reason: number, level: number): number {
  return (side === LONG) === (reason === STOP_LOSS) ? level : -level;
}
