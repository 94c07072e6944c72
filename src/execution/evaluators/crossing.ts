import type { CloseReason, Side } from '../../domain/position';
import type { TriggerCondition } from '../../domain/trade-trigger';

export interface Crossing {
  readonly reason: CloseReason;
  readonly level: number;
}

/**
 * The one statement of when a position exits, used to re-check the fresh document inside the transaction
 * (the books index the same rule by price). Long: price <= stopLoss or >= takeProfit; short: the mirror.
 * Equal counts as crossed. When both levels are crossed (inconsistent levels) the stop-loss wins, as in the books.
 */
export function positionCrossing(
  side: Side,
  stopLoss: number | null,
  takeProfit: number | null,
  price: number,
): Crossing | null {
  if (stopLoss !== null && (side === 'long' ? price <= stopLoss : price >= stopLoss)) {
    return { reason: 'stop_loss', level: stopLoss };
  }
  if (takeProfit !== null && (side === 'long' ? price >= takeProfit : price <= takeProfit)) {
    return { reason: 'take_profit', level: takeProfit };
  }
  return null;
}

/** `above` fires at price >= target, `below` at price <= target. */
export function triggerCrossed(condition: TriggerCondition, targetPrice: number, price: number): boolean {
  return condition === 'above' ? price >= targetPrice : price <= targetPrice;
}

/** A zero, negative or non-finite price would cross every long stop: never act on one. */
export function isActionablePrice(price: number): boolean {
  return Number.isFinite(price) && price > 0;
}
