import type { MarketType } from '../../src/domain/market';

export interface PositionSpec {
  readonly uid: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly side: 'long' | 'short';
  readonly size: number;
  readonly leverage: number;
  /** Distances from the market in "near" units, on the losing side for the stop and the winning side for the target. */
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /** The document's own liquidationPrice, in near units on the losing side; absent: none written. */
  readonly liquidation?: number;
  /** A trailingStop to write; absent: none. */
  readonly trailing?: TrailingSeed;
}

/**
 * A trailing stop in near units: the callback as a rate (`rate` units of price) or as an amount (`amount`
 * units of the entry price, in price), exactly one; the activation price `activation` units from the market
 * on the winning side (long above, short below), or none: active from the first price.
 */
export type TrailingSeed =
  | { readonly rate: number; readonly amount?: undefined; readonly activation?: number }
  | { readonly amount: number; readonly rate?: undefined; readonly activation?: number };

export interface TriggerSpec {
  readonly uid: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly condition: 'above' | 'below';
  /** Distance from the market in "near" units, on the condition's side. */
  readonly distance: number;
  readonly side: 'long' | 'short';
  readonly size: number;
  readonly leverage: number;
}

/** Spot symbols are BASE-QUOTE, futures contracts one word: the market follows from the symbol. */
function marketOf(symbol: string): MarketType {
  return symbol.includes('-') ? 'spot' : 'futures';
}

function position(
  uid: string,
  symbol: string,
  side: 'long' | 'short',
  [size, leverage]: [number, number],
  [stopLoss, takeProfit]: [number | null, number | null],
): PositionSpec {
  return { uid, symbol, marketType: marketOf(symbol), side, size, leverage, stopLoss, takeProfit };
}

function trigger(
  uid: string,
  symbol: string,
  [condition, distance]: ['above' | 'below', number],
  side: 'long' | 'short',
  [size, leverage]: [number, number],
): TriggerSpec {
  return { uid, symbol, marketType: marketOf(symbol), condition, distance, side, size, leverage };
}

/**
 * The demo book. Levels 1–2 units away fire within the first minute or so; the far ones (6–10 units) keep
 * something in the books to watch. Every kind is here: spot and futures, long and short, stop-loss and
 * take-profit, a position without a target, a leveraged one liquidated on the mark price, trailing stops
 * by rate and by amount, triggers above and below.
 */
export const DEMO_POSITIONS: readonly PositionSpec[] = [
  // user, symbol, side, [size, leverage], [stop-loss, take-profit] in near units
  position('alice', 'BTC-USDT', 'long', [0.05, 1], [2, 1]),
  position('alice', 'XBTUSDTM', 'short', [3, 10], [1.5, 1.5]),
  position('bob', 'ETH-USDT', 'long', [1.2, 1], [1, 2]),
  position('bob', 'ETHUSDTM', 'long', [10, 5], [1, 1]),
  position('carol', 'BTC-USDT', 'short', [0.02, 1], [1, 3]),
  position('carol', 'XBTUSDTM', 'long', [1, 20], [8, 8]),
  position('dave', 'ETH-USDT', 'short', [2, 1], [6, 6]),
  position('dave', 'ETHUSDTM', 'short', [5, 3], [1.2, null]),
  // 50x without a stop, both ways: whichever way the walk goes, the mark price reaches one of their own
  // liquidationPrice levels, 1.5 units away. (Their computed levels, about 2 % away, would take the walk
  // too long to reach in a demo.)
  { ...position('frank', 'XBTUSDTM', 'long', [2, 50], [null, 6]), liquidation: 1.5 },
  { ...position('frank', 'XBTUSDTM', 'short', [2, 50], [null, 6]), liquidation: 1.5 },
  // Trailing stops and nothing else. The long is active from the first price and trails 2 units under the
  // highest price since: the walk takes about a minute on average to fall that far from a high, which
  // it has usually raised by about as much by then. The short waits for the price to fall half a unit,
  // then trails 1.5 units (as an amount) above the lowest price since.
  { ...position('grace', 'BTC-USDT', 'long', [0.1, 1], [null, null]), trailing: { rate: 2 } },
  {
    ...position('grace', 'ETHUSDTM', 'short', [3, 5], [null, null]),
    trailing: { amount: 1.5, activation: 0.5 },
  },
];

export const DEMO_TRIGGERS: readonly TriggerSpec[] = [
  // user, symbol, [condition, distance in near units], side of the order, [size, leverage]
  trigger('alice', 'BTC-USDT', ['above', 1], 'long', [0.01, 1]),
  trigger('bob', 'XBTUSDTM', ['below', 1], 'long', [2, 10]),
  trigger('carol', 'ETH-USDT', ['below', 2], 'long', [0.5, 1]),
  trigger('dave', 'ETHUSDTM', ['above', 0.5], 'short', [4, 5]),
  trigger('erin', 'XBTUSDTM', ['above', 10], 'long', [1, 2]),
];
