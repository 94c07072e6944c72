import type { MarketType } from '../domain/market';

export interface SimQuote {
  price: number;
  bestBid: number;
  bestAsk: number;
  sequence: number;
  /** Exchange time in ms. */
  time: number;
}

export type UnknownSymbolMode = 'silent' | 'not_found';

export const TOPIC_PREFIX: Record<MarketType, string> = {
  spot: '/market/ticker:',
  futures: '/contractMarket/ticker:',
};

/** Prices per symbol plus KuCoin's exact push and REST payload shapes for them. */
export class SimulatorBook {
  readonly quotes = new Map<string, SimQuote>();
  readonly unknown = new Map<string, UnknownSymbolMode>();
  private sequence = 1_545_896_668_986;

  constructor(readonly market: MarketType) {}

  set(symbol: string, price: number, spread?: { bestBid?: number; bestAsk?: number }): SimQuote {
    const step = price / 10_000;
    const quote: SimQuote = {
      price,
      bestBid: spread?.bestBid ?? round(price - step),
      bestAsk: spread?.bestAsk ?? round(price + step),
      sequence: ++this.sequence,
      time: Date.now(),
    };
    this.quotes.set(symbol, quote);
    return quote;
  }

  /** A small random walk step, used by the tick pusher. */
  walk(symbol: string): SimQuote {
    const previous = this.quotes.get(symbol)?.price ?? 100;
    const next = round(previous * (1 + (Math.random() - 0.5) / 500));
    return this.set(symbol, next > 0 ? next : previous);
  }

  /** The WebSocket push for one quote, byte for byte like KuCoin's. */
  pushFrame(symbol: string, q: SimQuote): string {
    if (this.market === 'spot') {
      return (
        `{"type":"message","topic":"/market/ticker:${symbol}","subject":"trade.ticker","data":{` +
        `"sequence":"${q.sequence}","price":"${q.price}","size":"0.0043","bestAsk":"${q.bestAsk}",` +
        `"bestAskSize":"1.92","bestBid":"${q.bestBid}","bestBidSize":"0.01","time":${q.time}}}`
      );
    }
    return (
      `{"topic":"/contractMarket/ticker:${symbol}","type":"message","subject":"ticker","sn":${q.sequence},` +
      `"data":{"symbol":"${symbol}","sequence":${q.sequence},"side":"buy","size":1,"price":"${q.price}",` +
      `"bestBidSize":713,"bestBidPrice":"${q.bestBid}","bestAskPrice":"${q.bestAsk}","tradeId":"${q.sequence}",` +
      `"bestAskSize":1037,"ts":${q.time}000000}}`
    );
  }

  /** The REST ticker body; `data: null` for a symbol without a price, as KuCoin answers for unknown ones. */
  restBody(symbol: string): string {
    const q = this.unknown.has(symbol) ? undefined : this.quotes.get(symbol);
    if (q === undefined) return '{"code":"200000","data":null}';
    if (this.market === 'spot') {
      return (
        `{"code":"200000","data":{"time":${q.time},"sequence":"${q.sequence}","price":"${q.price}",` +
        `"size":"0.0043","bestBid":"${q.bestBid}","bestBidSize":"0.01","bestAsk":"${q.bestAsk}","bestAskSize":"1.92"}}`
      );
    }
    return (
      `{"code":"200000","data":{"sequence":${q.sequence},"symbol":"${symbol}","side":"buy","size":1,` +
      `"tradeId":"${q.sequence}","price":"${q.price}","bestBidPrice":"${q.bestBid}","bestBidSize":713,` +
      `"bestAskPrice":"${q.bestAsk}","bestAskSize":1037,"ts":${q.time}000000}}`
    );
  }
}

function round(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

export const frames = {
  welcome: (id: string): string => `{"id":"${id}","type":"welcome"}`,
  ack: (id: string): string => `{"id":"${id}","type":"ack"}`,
  pong: (id: string): string => `{"id":"${id}","type":"pong","timestamp":${Date.now() * 1000}}`,
  error: (id: string, code: number, data: string): string =>
    JSON.stringify({ id, type: 'error', code, data }),
};
