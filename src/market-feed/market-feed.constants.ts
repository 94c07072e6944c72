import type { Clock, FetchLike, SocketFactory } from './kucoin/seams';

/**
 * Optional edges of the feed that tests and the simulator demo may swap (`overrideProvider`); an empty
 * object means real sockets, global fetch and the system clock.
 */
export const MARKET_FEED_SEAMS = Symbol('MARKET_FEED_SEAMS');

export interface MarketFeedSeams {
  readonly socketFactory?: SocketFactory;
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** Limits shared by both markets: KuCoin counts new connections per user and REST weight per IP. */
export const KUCOIN_SHARED_LIMITS = Symbol('KUCOIN_SHARED_LIMITS');
