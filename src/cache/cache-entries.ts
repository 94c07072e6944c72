import type { EntryKind, Located, PositionEntry, TriggerEntry } from '../domain/crossing';
import { PositionBook } from './book/position-book';
import { TriggerBook } from './book/trigger-book';
import { BookSet, type SeenAs } from './book-set';

export type PositionSet = BookSet<PositionEntry, PositionBook>;
export type TriggerSet = BookSet<TriggerEntry, TriggerBook>;

export const newPositionBook = (items: Located<PositionEntry>[]): PositionBook => PositionBook.from(items);
export const newTriggerBook = (items: Located<TriggerEntry>[]): TriggerBook => TriggerBook.from(items);

/** Both kinds of book, addressed by kind: listener changes, sightings and journals carry the kind. */
export interface BookSets {
  positions: PositionSet;
  triggers: TriggerSet;
}

export function emptyBookSets(): BookSets {
  return { positions: new BookSet(newPositionBook), triggers: new BookSet(newTriggerBook) };
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

export function samePosition(a: PositionEntry, b: PositionEntry): boolean {
  return a.side === b.side && a.size === b.size && a.stopLoss === b.stopLoss && a.takeProfit === b.takeProfit;
}

export function sameTrigger(a: TriggerEntry, b: TriggerEntry): boolean {
  return a.condition === b.condition && a.targetPrice === b.targetPrice;
}
