export const MARKET_TYPES = ['spot', 'futures'] as const;
export type MarketType = (typeof MARKET_TYPES)[number];

/**
 * The price a stop or trigger watches (KuCoin futures' `stopPriceType`): the last trade (the default, and
 * the only one on spot), or the futures contract's mark or index price from `/contract/instrument`.
 */
export const TRIGGER_PRICE_TYPES = ['last', 'mark', 'index'] as const;
export type TriggerPriceType = (typeof TRIGGER_PRICE_TYPES)[number];
/** The prices other than the last trade: futures only, pushed about once a second. */
export type InstrumentPriceType = Exclude<TriggerPriceType, 'last'>;

/**
 * Which stream of prices a book watches, and so which ticks reach it: a market's trades (`spot`,
 * `futures`), or a futures contract's `mark` or `index` price.
 */
export type PriceStream = MarketType | InstrumentPriceType;
export const PRICE_STREAMS: readonly PriceStream[] = ['spot', 'futures', 'mark', 'index'];

/** The instrument price a document watches, or undefined for the last trade. */
export function instrumentPrice(type: TriggerPriceType): InstrumentPriceType | undefined {
  return type === 'last' ? undefined : type;
}

export function priceStream(marketType: MarketType, priceType?: InstrumentPriceType): PriceStream {
  return priceType ?? marketType;
}

/** The market a stream's prices belong to: mark and index prices are futures contracts'. */
export function marketOfStream(stream: PriceStream): MarketType {
  return stream === 'spot' ? 'spot' : 'futures';
}

/**
 * One price observation, normalized from either market's trade or ticker frame, or recovered over REST.
 * `price` is a trade price (the last one, for a ticker); the books are evaluated on it.
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
  /**
   * Where the tick came from: a live push, the REST ticker catch-up after a (re)subscribe, or a trade (or
   * candle) recovered over REST for a gap in the stream.
   */
  readonly source: 'stream' | 'catch_up' | 'backfill';
  /**
   * On trades: the trade's sequence within its symbol, as decimal digits (spot sequences exceed 2^53).
   * On index prices: their exchange time as digits (timeSequence), so a snapshot seen live and in the
   * history is one. Orders them: see compareSequences.
   */
  readonly sequence?: string;
  /**
   * On a 1-minute candle recovered for a gap no trade history covers: its range. `price` is then its close
   * and `exchangeTime` its start; what it crosses fills at the level, or at the open if it opened beyond.
   */
  readonly candle?: CandleRange;
  /**
   * A futures contract's mark or index price (`/contract/instrument`, subject `mark.index.price`) rather
   * than a trade; absent on trades, whose price is the last price. Only books watching that price see it.
   */
  readonly priceType?: InstrumentPriceType;
}

export interface CandleRange {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  /**
   * On the last candle of a recovery whose trades follow it: those trades begin inside its minute, and
   * these are the highest and lowest of them there. Its extremes beyond them are surely from before the
   * trades; the rest (its close included) the trades bring again, at their own times.
   */
  readonly overlap?: { readonly high: number; readonly low: number };
}

/** Orders two trade sequences (decimal digit strings without leading zeros): negative, zero or positive. */
export function compareSequences(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sequence of an index price: its time (ms). KuCoin keeps one index snapshot per time point, and the
 * push and the history stamp it alike, so ordering by it orders them and a repeated one is dropped.
 */
export function timeSequence(exchangeTime: number): string {
  return String(exchangeTime);
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
