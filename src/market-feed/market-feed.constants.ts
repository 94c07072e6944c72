import type { MarketType } from '../domain/market';

/** The spot market's feed gateway (a FeedGateway). */
export const SPOT_FEED = Symbol('SPOT_FEED');
/** The futures market's feed gateway (a FeedGateway). */
export const FUTURES_FEED = Symbol('FUTURES_FEED');

/** Each market's feed gateway token. */
export const FEED_TOKENS: Readonly<Record<MarketType, symbol>> = { spot: SPOT_FEED, futures: FUTURES_FEED };

/** Limits shared by both markets: KuCoin counts new connections per user and REST weight per IP. */
export const KUCOIN_SHARED_LIMITS = Symbol('KUCOIN_SHARED_LIMITS');
