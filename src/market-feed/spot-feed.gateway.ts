import { KucoinFeedGateway, type KucoinFeedGatewayOptions } from './kucoin-feed.gateway';

/** Spot tickers (`/market/ticker:{symbols}`, up to 100 comma-joined per subscribe). */
export class SpotFeedGateway extends KucoinFeedGateway {
  constructor(options: KucoinFeedGatewayOptions) {
    super('spot', options);
  }
}
