import { type TradeMark, isAfter } from '../domain/gap-plan';
import type { MarketType } from '../domain/market';
import { nanosToMillis, parsePrice, tradeSequence } from './kucoin/frame-values';

/**
 * Silent topics: KuCoin sometimes acks a topic and then stops pushing it while others on the connection
 * stream. One REST call per market (all tickers) shows each symbol's last trade as the exchange sees it;
 * a symbol whose last trade is newer than the last one evaluated, and older than a grace period, has a
 * topic that went silent. Pure: the gateway fetches, this judges.
 */

/** All-tickers weights (Public pool, SDK spec): spot 15, futures 5. */
export const ALL_TICKERS_WEIGHT = { spot: 15, futures: 5 } as const;

export function allTickersUrl(market: MarketType, apiUrl: string): string {
  return `${apiUrl}${market === 'spot' ? '/api/v1/market/allTickers' : '/api/v1/allTickers'}`;
}

/** The exchange's view of one symbol's last trade. Spot's all-tickers has no trade sequence or time. */
export interface LastTradeView {
  readonly price: number;
  readonly sequence?: string;
  readonly time?: number;
}

/** Spot `{time, ticker: [{symbol, last}]}`, futures `[{symbol, sequence, price, ts(ns)}]`. */
export function parseAllTickers(market: MarketType, body: unknown): Map<string, LastTradeView> {
  const data = (body as { data?: unknown } | null)?.data;
  const rows = market === 'spot' ? (data as { ticker?: unknown } | null)?.ticker : data;
  const views = new Map<string, LastTradeView>();
  if (!Array.isArray(rows)) return views;
  for (const row of rows as Record<string, unknown>[]) {
    if (row === null || typeof row !== 'object' || typeof row.symbol !== 'string') continue;
    const price = parsePrice(market === 'spot' ? row.last : row.price);
    if (market === 'spot') views.set(row.symbol, { price });
    else views.set(row.symbol, { price, sequence: tradeSequence(row.sequence), time: nanosToMillis(row.ts) });
  }
  return views;
}

export interface WatchedTopic {
  readonly symbol: string;
  /** The last trade evaluated; undefined if none since the worker started. */
  readonly mark?: TradeMark;
  readonly lastPrice?: number;
  /** When its current subscription was acknowledged (ms). */
  readonly subscribedAt: number;
}

export interface TopicVerdicts {
  /** The exchange shows a newer trade than the stream brought, for longer than the grace period. */
  readonly silent: string[];
  /** Spot: the exchange's last price differs from the last one evaluated, which is old: check its history. */
  readonly suspicious: string[];
  /**
   * Spot, the same price as the last evaluated: nothing shows a missed trade, but nothing rules one out
   * (a wick and back): not vouched for unless its history is checked.
   */
  readonly unproven: string[];
  /** Not in the exchange's list at all: delisted pair, expired contract, unknown symbol. */
  readonly unlisted: string[];
}

export function judgeTopics(
  topics: readonly WatchedTopic[],
  view: ReadonlyMap<string, LastTradeView>,
  now: number,
  graceMs: number,
): TopicVerdicts {
  const verdicts: TopicVerdicts = { silent: [], suspicious: [], unproven: [], unlisted: [] };
  for (const topic of topics) {
    const seen = view.get(topic.symbol);
    if (seen === undefined) verdicts.unlisted.push(topic.symbol);
    else if (seen.time !== undefined && seen.sequence !== undefined) {
      if (missed(topic, { sequence: seen.sequence, time: seen.time }, now, graceMs))
        verdicts.silent.push(topic.symbol);
    } else if (
      seen.price !== topic.lastPrice &&
      now - Math.max(topic.mark?.time ?? 0, topic.subscribedAt) > graceMs
    )
      verdicts.suspicious.push(topic.symbol);
    else verdicts.unproven.push(topic.symbol);
  }
  return verdicts;
}

/** A trade the exchange made after the last one evaluated (or after the subscribe), longer ago than the grace. */
export function missed(
  topic: WatchedTopic,
  last: Required<Omit<LastTradeView, 'price'>>,
  now: number,
  graceMs: number,
): boolean {
  if (now - last.time <= graceMs) return false;
  if (topic.mark !== undefined) return isAfter(last, topic.mark);
  return last.time > topic.subscribedAt;
}
