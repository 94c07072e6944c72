export {
  type ContractMarginsOptions,
  ContractMarginsService,
  type ContractMarginsStatus,
  type ContractRefreshResult,
} from './contract-margins.service';
export * from './feed-gateway';
export { KucoinFeedGateway, type KucoinFeedGatewayOptions } from './kucoin-feed.gateway';
export {
  CONTRACT_MARGINS,
  FEED_TOKENS,
  FUTURES_FEED,
  INSTRUMENT_FEED,
  SPOT_FEED,
} from './market-feed.constants';
export { MarketFeedModule } from './market-feed.module';
