import type { EntryKind, Hit, Located, PositionEntry, TriggerEntry } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { PositionBook } from './book/position-book';
import type { Stepwise } from './book/stepwise';
import { TriggerBook } from './book/trigger-book';
import { joinPositionLegs, positionLegs } from '../domain/price-legs';
import { BookSet, type Legs, type SeenAs } from './book-set';
import { sameTrailingStop } from '../domain/trailing-stop';

export type PositionSet = BookSet<PositionEntry, PositionBook>;
export type TriggerSet = BookSet<TriggerEntry, TriggerBook>;

/** A symbol's book, built from many entries at once (specs, benches), or empty for a BookSet to fill. */
export const buildPositionBook = (items: Located<PositionEntry>[]): Stepwise<PositionBook> =>
  PositionBook.building(items);
export const buildTriggerBook = (items: Located<TriggerEntry>[]): Stepwise<TriggerBook> =>
  TriggerBook.building(items);

/** A leveraged position watching the last trade is in two books: its stops', and the mark's for its liquidation. */
export const POSITION_LEGS: Legs<PositionEntry> = { split: positionLegs, join: joinPositionLegs };

/** Both kinds of book, addressed by kind: listener changes, sightings and full reads carry the kind. */
export interface BookSets {
  positions: PositionSet;
  triggers: TriggerSet;
}

export function emptyBookSets(): BookSets {
  return {
    positions: new BookSet(buildPositionBook, POSITION_LEGS),
    triggers: new BookSet(buildTriggerBook),
  };
}

export function setOf(
  sets: BookSets,
  kind: EntryKind,
): BookSet<PositionEntry | TriggerEntry, PositionBook | TriggerBook> {
  return (kind === 'position' ? sets.positions : sets.triggers) as BookSet<
    PositionEntry | TriggerEntry,
    PositionBook | TriggerBook
  >;
}

/** Merges the books' waiting inserts (see CacheCore.mergePendingInserts), pausing after each ladder that had some. */
export function* mergingInserts(sets: BookSets): Generator<void> {
  for (const set of [sets.positions, sets.triggers])
    for (const [, book] of set.booksByKey())
      if (book.hasPendingInserts()) yield* book.mergingPendingInserts();
}

/**
 * Keeps the hits in `out` from `from` on whose document was updated at or before the tick: a document's
 * levels hold only from its last update, so a trade or candle recovered for a gap is not applied to a
 * document updated after it (its time, or the candle's start). Live ticks are judged as they come.
 */
export function keepUpdatedBefore(sets: BookSets, tick: Tick, out: Hit[], from: number): number {
  const at = tick.exchangeTime * 1_000;
  let kept = from;
  for (let i = from; i < out.length; i++) {
    const hit = out[i];
    const book = hit.kind === 'position' ? sets.positions : sets.triggers;
    if ((book.versionOf(hit.entry.path) ?? Infinity) <= at) out[kept++] = hit;
  }
  out.length = kept;
  return kept - from;
}

export type AnySeen = SeenAs<PositionEntry | TriggerEntry>;

/**
 * Whether a full read found what the live books hold. The liquidation level is left out: it follows from
 * the contract's margins as well as the document, and a margins change is not drift the listeners missed.
 */
export function samePosition(a: PositionEntry, b: PositionEntry): boolean {
  return (
    a.side === b.side &&
    a.size === b.size &&
    a.stopLoss === b.stopLoss &&
    a.takeProfit === b.takeProfit &&
    sameTrailingStop(a.trailing, b.trailing)
  );
}

export function sameTrigger(a: TriggerEntry, b: TriggerEntry): boolean {
  return a.condition === b.condition && a.targetPrice === b.targetPrice;
}
