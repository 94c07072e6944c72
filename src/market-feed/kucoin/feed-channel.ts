import type { MarketType } from '../../domain/market';
import { INSTRUMENT_TOPIC_PREFIX, MARK_PRICE_WEIGHT } from './instrument-prices';

/**
 * What a connection streams: every trade (the last price), or a futures contract's mark and index prices
 * (`/contract/instrument`). Both run the same connection machinery; they differ in the topic, the frame
 * reader (FeedSession) and the REST catch-up after a subscribe (SessionCatchUp).
 */
export type FeedChannel = 'trades' | 'instrument';

/**
 * Every trade, not a ticker snapshot: KuCoin triggers its own stop orders on the last trade price, and the
 * spot ticker (at most every 100 ms) can miss a wick between two pushes.
 */
const TRADE_TOPIC_PREFIX: Readonly<Record<MarketType, string>> = {
  spot: '/market/match:',
  futures: '/contractMarket/execution:',
};

export function topicPrefix(market: MarketType, channel: FeedChannel): string {
  return channel === 'instrument' ? INSTRUMENT_TOPIC_PREFIX : TRADE_TOPIC_PREFIX[market];
}

/** KuCoin REST weight of one catch-up: the ticker (2), or the mark price (3). */
export const CATCH_UP_WEIGHT: Readonly<Record<FeedChannel, number>> = {
  trades: 2,
  instrument: MARK_PRICE_WEIGHT,
};
