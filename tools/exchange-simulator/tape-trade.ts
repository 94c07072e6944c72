import type { MarketType } from '../../src/domain/market';

export type TradeSide = 'buy' | 'sell';

/** One match, as every push and REST answer derived from it needs it (texts formatted once). */
export interface SimTrade {
  readonly symbol: string;
  /** Decimal digits: spot sequences start above 2^53, futures ones stay below it. */
  readonly sequence: string;
  readonly tradeId: string;
  readonly makerOrderId: string;
  readonly takerOrderId: string;
  /** Exchange time in ms (an integer); pushes and REST give it in ns. */
  readonly time: number;
  readonly price: number;
  readonly priceText: string;
  /** Spot: base currency; futures: integer lots. */
  readonly size: number;
  readonly sizeText: string;
  /** The taker's side. */
  readonly side: TradeSide;
}

/** The ticker state after a trade: last trade plus best bid/ask, with the book's own sequence. */
export interface SimQuote {
  readonly price: number;
  readonly bestBid: number;
  readonly bestAsk: number;
  readonly bestBidText: string;
  readonly bestAskText: string;
  /** Order-book sequence (a number): tickers and level1 use it, not the trade sequence, as KuCoin does. */
  readonly sequence: number;
  /** Exchange time in ms. */
  readonly time: number;
  readonly trade: SimTrade;
}

/** One minute of trades. `start` is the minute's first ms. */
export interface SimCandle {
  readonly start: number;
  readonly open: number;
  high: number;
  low: number;
  close: number;
  /** Spot: base currency; futures: lots. */
  volume: number;
  /** Quote currency (price × size), spot's seventh candle field. */
  turnover: number;
}

/**
 * Starting points copied from KuCoin's examples, so the digit counts match real traffic. A spot trade
 * sequence (11067996711960577) is above 2^53: it is kept as a fixed prefix and a number below 10^8
 * (carried into the prefix on overflow), cheaper than a BigInt on every trade.
 */
const SPOT_SEQUENCE = { prefix: '110679967', low: 11_960_577, width: 8 };
const FUTURES_FIRST_SEQUENCE = 1_794_100_537_695;
/** Futures order ids are 18 digits (247822167163555840): a fixed prefix and a safe number. */
const FUTURES_ORDER_ID = { prefix: '24782', first: 2_167_163_555_840 };

/** Trade sequences (and trade ids) of one tape, increasing by one per trade. */
export class TradeSequence {
  private prefix = SPOT_SEQUENCE.prefix;
  private low: number;

  constructor(private readonly market: MarketType) {
    this.low = market === 'spot' ? SPOT_SEQUENCE.low : FUTURES_FIRST_SEQUENCE;
  }

  next(): string {
    if (this.market === 'futures') return String(this.low++);
    if (this.low >= 10 ** SPOT_SEQUENCE.width) {
      this.prefix = String(BigInt(this.prefix) + 1n);
      this.low -= 10 ** SPOT_SEQUENCE.width;
    }
    return this.prefix + String(this.low++).padStart(SPOT_SEQUENCE.width, '0');
  }
}

/** Spot ids look like KuCoin's 24-hex-digit ones, futures ids are 18-digit numbers, both unique per tape. */
function orderId(market: MarketType, time: number, n: number): string {
  if (market === 'futures') return FUTURES_ORDER_ID.prefix + String(FUTURES_ORDER_ID.first + n);
  return (
    Math.floor(time / 1000)
      .toString(16)
      .padStart(8, '0') + n.toString(16).padStart(16, '0')
  );
}

/** A trade whose order ids are written only when asked for: most trades are never pushed on a trade topic. */
export class TapeTrade implements SimTrade {
  constructor(
    readonly symbol: string,
    private readonly market: MarketType,
    readonly sequence: string,
    readonly time: number,
    readonly price: number,
    readonly priceText: string,
    readonly size: number,
    readonly sizeText: string,
    readonly side: TradeSide,
    private readonly orderNumber: number,
  ) {}

  get tradeId(): string {
    return this.sequence;
  }

  get makerOrderId(): string {
    return orderId(this.market, this.time, this.orderNumber);
  }

  get takerOrderId(): string {
    return orderId(this.market, this.time, this.orderNumber + 1);
  }
}
