export * from './feed-gateway';
export { FuturesFeedGateway } from './futures-feed.gateway';
export { MARKET_FEED_SEAMS, type MarketFeedSeams } from './market-feed.constants';
export { MarketFeedModule } from './market-feed.module';
export { SpotFeedGateway } from './spot-feed.gateway';
