import type { MarketType } from '../../src/domain/market';

/**
 * What a subscription carries: the throttled ticker (spot ticker, futures v1), futures tickerV2, every
 * trade (spot match, futures execution), every spot symbol's ticker at once, or a futures contract's
 * instrument (mark and index price, funding rate).
 */
export type Channel = 'ticker' | 'tickerV2' | 'trades' | 'tickerAll' | 'instrument';

interface TopicPrefix {
  readonly prefix: string;
  readonly channel: Exclude<Channel, 'tickerAll'>;
}

const PREFIXES: Record<MarketType, readonly TopicPrefix[]> = {
  spot: [
    { prefix: '/market/ticker:', channel: 'ticker' },
    { prefix: '/market/match:', channel: 'trades' },
  ],
  futures: [
    { prefix: '/contractMarket/ticker:', channel: 'ticker' },
    { prefix: '/contractMarket/tickerV2:', channel: 'tickerV2' },
    { prefix: '/contractMarket/execution:', channel: 'trades' },
    { prefix: '/contract/instrument:', channel: 'instrument' },
  ],
};

/** The ticker topic each market's worker subscribes to today. */
export const TOPIC_PREFIX: Record<MarketType, string> = {
  spot: '/market/ticker:',
  futures: '/contractMarket/ticker:',
};

/** One subscription covering every spot symbol; its pushes carry the symbol in `subject`. */
export const ALL_TICKERS_TOPIC = '/market/ticker:all';

/** One topic a connection holds: a channel for one symbol, or the all-tickers topic (no symbol). */
export interface TopicEntry {
  readonly key: string;
  readonly channel: Channel;
  readonly symbol: string | undefined;
}

export function topicKey(market: MarketType, channel: Exclude<Channel, 'tickerAll'>, symbol: string): string {
  const found = PREFIXES[market].find((p) => p.channel === channel);
  return found === undefined ? '' : found.prefix + symbol;
}

/**
 * The topics a subscribe/unsubscribe names, one per comma-joined symbol, or undefined when the prefix is
 * not one this market serves (KuCoin: 404). Futures accept comma-joined symbols too, as the simulator
 * always has, although the spec lists one `{symbol}` per futures topic.
 */
export function parseTopic(market: MarketType, topic: string): TopicEntry[] | undefined {
  if (market === 'spot' && topic === ALL_TICKERS_TOPIC) {
    return [{ key: ALL_TICKERS_TOPIC, channel: 'tickerAll', symbol: undefined }];
  }
  const found = PREFIXES[market].find((p) => topic.startsWith(p.prefix));
  if (found === undefined) return undefined;
  return topic
    .slice(found.prefix.length)
    .split(',')
    .filter((symbol) => symbol.length > 0)
    .map((symbol) => ({ key: found.prefix + symbol, channel: found.channel, symbol }));
}
