export const MARKET_TYPES = ['spot', 'futures'] as const;
export type MarketType = (typeof MARKET_TYPES)[number];

/**
 * One price observation, normalized from either market's ticker frame or REST catch-up.
 * `price` is the last trade price; the evaluators act on it.
 */
export interface Tick {
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly price: number;
  readonly bestBid?: number;
  readonly bestAsk?: number;
  /** Exchange time of the observation, in milliseconds since the epoch. */
  readonly exchangeTime: number;
  /** Local receive time (Date.now()), in milliseconds. */
  readonly receivedAt: number;
  /** Where the tick came from: a live push, or the REST catch-up after a (re)subscribe. */
  readonly source: 'stream' | 'catch_up';
}

/** Spot symbols are BASE-QUOTE (`BTC-USDT`); futures contracts are one upper-case word (`XBTUSDTM`). */
const SPOT_SYMBOL = /^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/;
const FUTURES_SYMBOL = /^[A-Z0-9]{2,40}$/;

export function isValidSymbol(marketType: MarketType, symbol: string): boolean {
  return marketType === 'spot' ? SPOT_SYMBOL.test(symbol) : FUTURES_SYMBOL.test(symbol);
}

export function isMarketType(value: unknown): value is MarketType {
  return value === 'spot' || value === 'futures';
}

/** The cache and the books are keyed by market and symbol together; a spot and a futures symbol never collide. */
export function symbolKey(marketType: MarketType, symbol: string): string {
  return `${marketType}:${symbol}`;
}

export function isPositivePrice(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}
