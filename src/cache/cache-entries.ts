import type { OpenPosition } from '../domain/position';
import type { TradeTrigger } from '../domain/trade-trigger';
import type { PositionEntry, TriggerEntry } from './book/book.types';
import { PositionBook } from './book/position-book';
import { TriggerBook } from './book/trigger-book';
import { BookSet, Located } from './book-set';

export type PositionSet = BookSet<PositionEntry, PositionBook>;
export type TriggerSet = BookSet<TriggerEntry, TriggerBook>;

export const newPositionBook = (entries: PositionEntry[]): PositionBook => PositionBook.from(entries);
export const newTriggerBook = (entries: TriggerEntry[]): TriggerBook => TriggerBook.from(entries);

/** Only what evaluation and execution need; the rest is re-read inside the execution transaction. */
export function positionItem(position: OpenPosition): Located<PositionEntry> {
  const { path, side, size, stopLoss, takeProfit } = position;
  return {
    marketType: position.marketType,
    symbol: position.symbol,
    entry: { path, side, size, stopLoss, takeProfit },
  };
}

export function triggerItem(trigger: TradeTrigger): Located<TriggerEntry> {
  const { path, condition, targetPrice } = trigger;
  return { marketType: trigger.marketType, symbol: trigger.symbol, entry: { path, condition, targetPrice } };
}

export function samePosition(a: PositionEntry, b: PositionEntry): boolean {
  return a.side === b.side && a.size === b.size && a.stopLoss === b.stopLoss && a.takeProfit === b.takeProfit;
}

export function sameTrigger(a: TriggerEntry, b: TriggerEntry): boolean {
  return a.condition === b.condition && a.targetPrice === b.targetPrice;
}
