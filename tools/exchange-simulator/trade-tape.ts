import type { MarketType } from '../../src/domain/market';
import { TickGrid, unitsText } from './price-format';
import {
  type SimCandle,
  type SimQuote,
  type SimTrade,
  TapeTrade,
  TradeSequence,
  type TradeSide,
} from './tape-trade';

export type { SimCandle, SimQuote, SimTrade, TradeSide } from './tape-trade';

export interface TradeInput {
  readonly price: number;
  readonly time: number;
  readonly size?: number;
  readonly side?: TradeSide;
  readonly bestBid?: number;
  readonly bestAsk?: number;
}

export interface TapeLimits {
  /** Trades kept for the trade-history endpoints (KuCoin answers the latest 100); each one kept costs GC time. */
  readonly recentTrades: number;
  /** Minutes of 1-minute candles kept, counted back from the newest trade. */
  readonly candleMinutes: number;
}

const MINUTE_MS = 60_000;
/** The order-book sequence tickers and level1 carry starts where KuCoin's examples do. */
const FIRST_BOOK_SEQUENCE: Record<MarketType, number> = {
  spot: 1_545_896_668_986,
  futures: 1_709_284_589_209,
};
const DEFAULT_SIZE: Record<MarketType, number> = { spot: 0.0043, futures: 1 };
/** Spot sizes are written with up to 8 decimals (KuCoin's finest base increment). */
const SIZE_SCALE = 1e8;
const SIZE_DECIMALS = 8;

/** One symbol's trade tape: every push, ticker and REST answer about the symbol is derived from it. */
export class TradeTape {
  readonly decimals: number;
  private readonly grid: TickGrid;
  private readonly ring: SimTrade[] = [];
  private head = 0;
  private readonly minuteCandles: SimCandle[] = [];
  private readonly sequences: TradeSequence;
  private bookSequence: number;
  private orderSeq = 0;
  private lastSize = Number.NaN;
  private lastSizeText = '';
  private latest: SimQuote | undefined;

  constructor(
    readonly symbol: string,
    readonly market: MarketType,
    readonly tick: number,
    private readonly limits: TapeLimits,
  ) {
    this.grid = new TickGrid(tick);
    this.decimals = this.grid.decimals;
    this.sequences = new TradeSequence(market);
    this.bookSequence = FIRST_BOOK_SEQUENCE[market];
  }

  get quote(): SimQuote | undefined {
    return this.latest;
  }

  get last(): SimTrade | undefined {
    return this.latest?.trade;
  }

  append(input: TradeInput): SimTrade {
    const previous = this.latest?.trade;
    const time = Math.floor(input.time);
    if (previous !== undefined && time < previous.time) {
      throw new RangeError(`${this.symbol}: trade time ${time} is before the last trade (${previous.time})`);
    }
    const price = this.onTick(input.price);
    if (!(price > 0))
      throw new RangeError(`${this.symbol}: price ${input.price} is not positive on tick ${this.tick}`);
    const side = input.side ?? (previous === undefined || price >= previous.price ? 'buy' : 'sell');
    const size = this.sizeOf(input.size ?? DEFAULT_SIZE[this.market]);
    const orderNumber = (this.orderSeq += 2) - 1;
    const sizeText = size === this.lastSize ? this.lastSizeText : this.sizeText(size);
    const trade = new TapeTrade(
      this.symbol,
      this.market,
      this.sequences.next(),
      time,
      price,
      this.grid.text(price),
      size,
      sizeText,
      side,
      orderNumber,
    );
    this.remember(trade);
    this.addToCandle(trade);
    // A taker buy lifts the ask, a taker sell hits the bid: the last price sits on that side of the book.
    const bestBid = this.onTick(
      input.bestBid ?? (side === 'sell' || price <= this.tick ? price : price - this.tick),
    );
    const bestAsk = this.onTick(input.bestAsk ?? (side === 'buy' ? price : price + this.tick));
    this.latest = {
      price,
      bestBid,
      bestAsk,
      bestBidText: this.grid.text(bestBid),
      bestAskText: this.grid.text(bestAsk),
      sequence: ++this.bookSequence,
      time,
      trade,
    };
    return trade;
  }

  /** The latest `limit` trades, oldest first. */
  recent(limit: number): SimTrade[] {
    const all = this.ring.length < this.limits.recentTrades ? this.ring : this.rotated();
    return all.slice(Math.max(0, all.length - limit));
  }

  /** The kept 1-minute candles, oldest first; minutes without trades have none. */
  candles(): readonly SimCandle[] {
    return this.minuteCandles;
  }

  onTick(value: number): number {
    return this.grid.round(value);
  }

  private sizeOf(size: number): number {
    if (this.market === 'futures') return Math.max(1, Math.round(size));
    return Math.round(size * SIZE_SCALE) / SIZE_SCALE;
  }

  private sizeText(size: number): string {
    this.lastSize = size;
    return (this.lastSizeText =
      this.market === 'futures' ? String(size) : unitsText(Math.round(size * SIZE_SCALE), SIZE_DECIMALS));
  }

  /** A fixed ring, so recording a trade costs the same however long the tape runs. */
  private remember(trade: SimTrade): void {
    if (this.ring.length < this.limits.recentTrades) {
      this.ring.push(trade);
      return;
    }
    this.ring[this.head] = trade;
    this.head = (this.head + 1) % this.ring.length;
  }

  private rotated(): SimTrade[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  private addToCandle(trade: SimTrade): void {
    const candles = this.minuteCandles;
    const start = addToMinuteCandle(candles, trade.time, trade.price, trade.size);
    const oldest = start - (this.limits.candleMinutes - 1) * MINUTE_MS;
    let drop = 0;
    while (drop < candles.length && candles[drop].start < oldest) drop++;
    if (drop > 0) candles.splice(0, drop);
  }
}

/**
 * Adds a price (and the size traded at it) to the 1-minute candles of time-ordered prices: the last
 * candle if the price falls in its minute, else a new one. Returns the minute's start.
 */
export function addToMinuteCandle(candles: SimCandle[], time: number, price: number, size: number): number {
  const start = Math.floor(time / MINUTE_MS) * MINUTE_MS;
  const current = candles[candles.length - 1];
  if (current !== undefined && current.start === start) {
    current.high = Math.max(current.high, price);
    current.low = Math.min(current.low, price);
    current.close = price;
    current.volume += size;
    current.turnover += price * size;
  } else {
    candles.push({
      start,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: size,
      turnover: price * size,
    });
  }
  return start;
}
