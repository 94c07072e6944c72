import { jsonNumber } from './price-format';
import type { SimQuote, SimTrade } from './trade-tape';

/**
 * KuCoin's classic WebSocket frames, byte for byte: key order, types (prices are strings, futures sizes
 * and sequences numbers, spot everything a string), and time units are those of the official SDK spec
 * (Kucoin/kucoin-universal-sdk spec/ws/openapi-{spot,futures}-public.json).
 */

/** ms → ns digits. Exchange times are whole ms, so the nanoseconds are exact as text. */
const ns = (ms: number): string => `${ms}000000`;

/** Control frames. Without a client `id`, the answer carries none either (KuCoin omits it too). */
export const frames = {
  welcome: (id: string): string => `{"id":"${id}","type":"welcome"}`,
  ack: (id?: string): string =>
    id === undefined ? '{"type":"ack"}' : `{"id":${JSON.stringify(id)},"type":"ack"}`,
  pong: (id?: string): string =>
    id === undefined
      ? `{"type":"pong","timestamp":${Date.now() * 1000}}`
      : `{"id":${JSON.stringify(id)},"type":"pong","timestamp":${Date.now() * 1000}}`,
  error: (id: string | undefined, code: number, data: string): string =>
    JSON.stringify({ id, type: 'error', code, data }),
};

/** Spot `/market/ticker:{symbol}` (subject trade.ticker): everything a string except `time` (ms). */
export function spotTicker(symbol: string, q: SimQuote): string {
  return (
    `{"type":"message","topic":"/market/ticker:${symbol}","subject":"trade.ticker","data":{` +
    `"sequence":"${q.sequence}","price":"${q.trade.priceText}","size":"${q.trade.sizeText}",` +
    `"bestAsk":"${q.bestAskText}","bestAskSize":"1.92","bestBid":"${q.bestBidText}","bestBidSize":"0.01",` +
    `"time":${q.time}}}`
  );
}

/** Spot `/market/ticker:all`: the same data in the spec's key order, and the symbol as the subject. */
export function spotTickerAll(symbol: string, q: SimQuote): string {
  return (
    `{"topic":"/market/ticker:all","type":"message","subject":"${symbol}","data":{` +
    `"bestAsk":"${q.bestAskText}","bestAskSize":"1.92","bestBid":"${q.bestBidText}","bestBidSize":"0.01",` +
    `"price":"${q.trade.priceText}","sequence":"${q.sequence}","size":"${q.trade.sizeText}","time":${q.time}}}`
  );
}

/** Spot `/market/match:{symbol}` (subject trade.l3match): all strings, `time` in ns. */
export function spotMatch(t: SimTrade): string {
  return (
    `{"topic":"/market/match:${t.symbol}","type":"message","subject":"trade.l3match","data":{` +
    `"makerOrderId":"${t.makerOrderId}","price":"${t.priceText}","sequence":"${t.sequence}",` +
    `"side":"${t.side}","size":"${t.sizeText}","symbol":"${t.symbol}","takerOrderId":"${t.takerOrderId}",` +
    `"time":"${ns(t.time)}","tradeId":"${t.tradeId}","type":"match"}}`
  );
}

/** Futures `/contractMarket/ticker:{symbol}` (v1, subject ticker): adds the last trade to best bid/ask. */
export function futuresTickerV1(symbol: string, q: SimQuote): string {
  const t = q.trade;
  return (
    `{"topic":"/contractMarket/ticker:${symbol}","type":"message","subject":"ticker","sn":${q.sequence},` +
    `"data":{"symbol":"${symbol}","sequence":${q.sequence},"side":"${t.side}","size":${t.sizeText},` +
    `"price":"${t.priceText}","bestBidSize":713,"bestBidPrice":"${q.bestBidText}",` +
    `"bestAskPrice":"${q.bestAskText}","tradeId":"${t.tradeId}","bestAskSize":1037,"ts":${ns(q.time)}}}`
  );
}

/** Futures `/contractMarket/tickerV2:{symbol}` (subject tickerV2): best bid/ask only, no trade price. */
export function futuresTickerV2(symbol: string, q: SimQuote): string {
  return (
    `{"topic":"/contractMarket/tickerV2:${symbol}","type":"message","subject":"tickerV2","sn":${q.sequence},` +
    `"data":{"symbol":"${symbol}","sequence":${q.sequence},"bestBidSize":713,"bestBidPrice":"${q.bestBidText}",` +
    `"bestAskPrice":"${q.bestAskText}","bestAskSize":1037,"ts":${ns(q.time)}}}`
  );
}

/** Futures `/contractMarket/execution:{symbol}` (subject match): `sequence`/`sn`/`size` numbers, `ts` ns. */
export function futuresExecution(t: SimTrade): string {
  return (
    `{"topic":"/contractMarket/execution:${t.symbol}","type":"message","subject":"match","sn":${t.sequence},` +
    `"data":{"symbol":"${t.symbol}","sequence":${t.sequence},"side":"${t.side}","size":${t.sizeText},` +
    `"price":"${t.priceText}","takerOrderId":"${t.takerOrderId}","makerOrderId":"${t.makerOrderId}",` +
    `"tradeId":"${t.tradeId}","ts":${ns(t.time)}}}`
  );
}

/**
 * Futures `/contract/instrument:{symbol}` (subject mark.index.price, every second on KuCoin): numbers,
 * `timestamp` in ms, keys in the SDK spec example's order.
 */
export function futuresMarkIndexPrice(
  symbol: string,
  markPrice: number,
  indexPrice: number,
  time: number,
): string {
  return (
    `{"topic":"/contract/instrument:${symbol}","type":"message","subject":"mark.index.price","data":{` +
    `"markPrice":${jsonNumber(markPrice)},"indexPrice":${jsonNumber(indexPrice)},"granularity":1000,` +
    `"timestamp":${time}}}`
  );
}

/**
 * The same topic's subject funding.rate (every minute on KuCoin): the SDK schema's fields
 * `{granularity, fundingRate, timestamp}` in the order of KuCoin's futures docs example (granularity
 * 60000 for the predicted rate, 28800000 for the settled 8-hour rate).
 */
export function futuresFundingRate(
  symbol: string,
  fundingRate: number,
  granularity: number,
  time: number,
): string {
  return (
    `{"topic":"/contract/instrument:${symbol}","type":"message","subject":"funding.rate","data":{` +
    `"granularity":${granularity},"fundingRate":${jsonNumber(fundingRate)},"timestamp":${time}}}`
  );
}
