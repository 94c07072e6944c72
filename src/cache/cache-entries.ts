import type { EntryKind, Located, PositionEntry, TriggerEntry } from '../domain/crossing';
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
