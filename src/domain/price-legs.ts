import {
  type AnyLocated,
  type Crossing,
  type Located,
  type PendingCrossing,
  type PositionEntry,
  type TriggerEntry,
  positionExit,
  triggerCrossed,
  watchesSameStream,
} from './crossing';
import type { InstrumentPriceType, MarketType } from './market';

/**
 * Which prices a document's levels watch. A position's stop-loss and take-profit watch the price its
 * `triggerPriceType` names; its liquidation level always watches its contract's mark price (KuCoin
 * liquidates on the mark). So a leveraged futures position watching the last trade has two legs, one per
 * price stream, while one watching the mark keeps every level in one entry. One document, one identity:
 * the legs only decide where the levels are looked for.
 */

/** Where a price comes from: a market's symbol and, for the futures mark or index price, which. */
export interface StreamRef {
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly priceType?: InstrumentPriceType;
}

/** The levels of a position that a price on `stream` can cross (the others null); null when none can. */
export function levelsOn(item: Located<PositionEntry>, stream: StreamRef): PositionEntry | null {
  const { entry } = item;
  const hasLiquidation = (entry.liquidation ?? null) !== null;
  const onMark =
    hasLiquidation &&
    item.marketType === 'futures' &&
    stream.marketType === 'futures' &&
    stream.priceType === 'mark' &&
    stream.symbol === item.symbol;
  if (watchesSameStream(item, stream)) return onMark || !hasLiquidation ? entry : stopsOnly(entry);
  return onMark ? liquidationOnly(entry) : null;
}

/** What a price on `stream` crosses of this version of a position, by positionExit's rule. */
export function positionExitOn(
  item: Located<PositionEntry>,
  stream: StreamRef,
  price: number,
): Crossing | null {
  const levels = levelsOn(item, stream);
  if (levels === null) return null;
  const { side, stopLoss, takeProfit, liquidation } = levels;
  return positionExit(side, stopLoss, takeProfit, liquidation ?? null, price);
}

/** The book entries of a position: one per price stream it watches, each with that stream's levels only. */
export function positionLegs(item: Located<PositionEntry>): Located<PositionEntry>[] {
  const { entry } = item;
  if ((entry.liquidation ?? null) === null || item.marketType !== 'futures' || item.priceType === 'mark')
    return [item];
  return [
    { ...item, entry: stopsOnly(entry) },
    { ...item, priceType: 'mark', entry: liquidationOnly(entry) },
  ];
}

/** Whether the crossing's price crosses this version of its document (on the stream the crossing's price came from). */
export function crossesItem(crossing: PendingCrossing, item: AnyLocated): boolean {
  const { hit, price } = crossing;
  if (hit.kind === 'position') {
    // A trailing stop's level follows the prices, not the document: only the version it fired on stands.
    if (hit.reason === 'trailing_stop' && item.version === crossing.version && watchesSameStream(item, hit))
      return true;
    return positionExitOn(item as Located<PositionEntry>, hit, price) !== null;
  }
  if (!watchesSameStream(item, hit)) return false;
  const entry = item.entry as TriggerEntry;
  return triggerCrossed(entry.condition, entry.targetPrice, price);
}

/** The levels on the position's own price: its stops and its trailing stop. */
function stopsOnly(entry: PositionEntry): PositionEntry {
  const { path, side, size, stopLoss, takeProfit, trailing } = entry;
  const stops = { path, side, size, stopLoss, takeProfit };
  return trailing === undefined ? stops : { ...stops, trailing };
}

function liquidationOnly(entry: PositionEntry): PositionEntry {
  const { path, side, size, liquidation } = entry;
  return { path, side, size, stopLoss: null, takeProfit: null, liquidation };
}

/** The entry of a position from its legs' entries (positionLegs' order; a leg no book keeps is undefined). */
export function joinPositionLegs(legs: readonly (PositionEntry | undefined)[]): PositionEntry {
  const [own, mark] = legs;
  const { path, side, size } = (own ?? mark) as PositionEntry;
  const levels = { path, side, size, stopLoss: own?.stopLoss ?? null, takeProfit: own?.takeProfit ?? null };
  const stops = own?.trailing === undefined ? levels : { ...levels, trailing: own.trailing };
  const liquidation = mark?.liquidation ?? null;
  return liquidation === null ? stops : { ...stops, liquidation };
}
