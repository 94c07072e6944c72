import type { MarketType } from '../domain/market';

/** The spot market's feed gateway (a FeedGateway). */
export const SPOT_FEED = Symbol('SPOT_FEED');
/** The futures market's feed gateway (a FeedGateway). */
export const FUTURES_FEED = Symbol('FUTURES_FEED');

/**
 * The futures mark and index prices' feed gateway (a FeedGateway on `/contract/instrument`): ticks with
 * `priceType` set, for the contracts whose books watch those prices. Not a market of its own: no restart
 * watermark (a mark-price path cannot be recovered), and FEED_TOKENS does not list it.
 */
export const INSTRUMENT_FEED = Symbol('INSTRUMENT_FEED');

/** Each market's feed gateway token (of its trades). */
export const FEED_TOKENS: Readonly<Record<MarketType, symbol>> = { spot: SPOT_FEED, futures: FUTURES_FEED };

/**
 * Limits shared by both markets: KuCoin counts new connections and REST weight per IP, so both markets
 * draw on one share of each (the per-IP budgets divided by KUCOIN_REPLICAS_PER_IP), and wait in one
 * penalty box after a 429.
 */
export const KUCOIN_SHARED_LIMITS = Symbol('KUCOIN_SHARED_LIMITS');

/**
 * The futures contracts' maintenance margin rates and types (a ContractMarginsService), read from KuCoin at
 * start and every KUCOIN_CONTRACTS_REFRESH_MS while LIQUIDATION_ENABLED: what liquidation prices need.
 */
export const CONTRACT_MARGINS = Symbol('CONTRACT_MARGINS');
