import { KucoinFeedGateway, type KucoinFeedGatewayOptions } from './kucoin-feed.gateway';

/**
 * Futures tickers on `/contractMarket/ticker:{symbol}` (v1): unlike tickerV2 it carries the last trade
 * `price`, which the evaluators act on, next to the best bid and ask.
 */
export class FuturesFeedGateway extends KucoinFeedGateway {
  constructor(options: KucoinFeedGatewayOptions) {
    super('futures', options);
  }
}
