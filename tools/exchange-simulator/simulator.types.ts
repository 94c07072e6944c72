import type { MarketType } from '../../src/domain/market';
import type { PerIpLimiter } from './per-ip-limits';

export interface ExchangeSimulatorOptions {
  /** Which KuCoin API this instance imitates; run two instances for both markets. Default spot. */
  readonly market?: MarketType;
  /** Returned by bullet-public, in ms. KuCoin: 18000 / 10000. */
  readonly pingInterval?: number;
  readonly pingTimeout?: number;
  readonly limits?: Partial<SimulatorLimits>;
  /**
   * KuCoin's per-IP limits (REST weight, new connections), answering 429 with `gw-ratelimit-reset` beyond
   * them. Pass the same instance to both markets' simulators to share one pool, as KuCoin does. Default none.
   */
  readonly perIp?: PerIpLimiter;
  /** The exchange clock (ms) stamping every trade; inject one to build hours of tape in a test. Default Date.now. */
  readonly clock?: () => number;
  /** Tick size per symbol; others get `autoTickSize` of their first price (0.1 near 67 000). */
  readonly tickSizes?: Readonly<Record<string, number>>;
  /**
   * Ticker pushes per symbol at most once per this many ms (KuCoin: 100). 0 pushes a ticker for every
   * trade, for benchmarks that count one frame per price change. Trade topics are never throttled.
   */
  readonly tickerIntervalMs?: number;
  /** Trades kept per symbol for the trade-history endpoints (they answer the latest 100). Default and minimum 100. */
  readonly recentTrades?: number;
  /** Minutes of 1-minute candles kept per symbol, back from its newest trade. Default 1500 (25 h). */
  readonly candleMinutes?: number;
}

export interface SimulatorLimits {
  /** Topics (symbols) one connection may hold; above it subscribe gets 509 "… per session". Default 300. */
  maxTopicsPerConnection: number;
  /** Comma-joined symbols per subscribe; above it 509 "… per time". Default 100. */
  maxSymbolsPerSubscribe: number;
  /** Client messages per 10 s before 509 and a disconnect; 0 disables. Default 100. */
  maxClientMessagesPer10s: number;
  /** The window of that limit; shorter only to keep rate tests quick. Default 10000. */
  clientMessageWindowMs: number;
  /** With no client message for this long, KuCoin sends 400 "ping timeout" and closes; 0 disables. Default 60000. */
  clientIdleTimeoutMs: number;
}

/** Live fault switches; tests flip them through the simulator's methods. */
export interface SimulatorFaults {
  pongs: boolean;
  dataPaused: boolean;
  /** 'withhold': every data push is dropped; 'drop': no connection stays or is accepted. Trades go on. */
  outage: 'none' | 'withhold' | 'drop';
  welcomeDelayMs: number;
  tokenFailureStatus: number;
  /** The `gw-ratelimit-reset` a token failure with 429 carries (KuCoin sends one with every 429). */
  tokenFailureResetMs: number;
  tokenFailuresLeft: number;
  upgradeRejectionsLeft: number;
  badFrameFraction: number;
  badFrameKind: 'malformed' | 'binary' | 'both';
}

export interface SimulatorStats {
  tokenRequests: number;
  tokenFailuresServed: number;
  restTickerRequests: number;
  restTradeHistoryRequests: number;
  restCandleRequests: number;
  /** Futures GET /api/v1/mark-price/{symbol}/current, and the contract details (one or all active). */
  restMarkPriceRequests: number;
  restContractRequests: number;
  /** Futures GET /api/v1/index/query (index klines count as `restCandleRequests`). */
  restIndexRequests: number;
  tradesRecorded: number;
  tradeFramesSent: number;
  tickerFramesSent: number;
  /** Futures `/contract/instrument` pushes (mark.index.price, funding.rate) sent to at least one connection. */
  instrumentFramesSent: number;
  /** Pushes (trade, ticker or instrument events) not sent because of a silenced symbol, a pause or an outage. */
  pushesWithheld: number;
  connectionsAccepted: number;
  upgradesRejected: number;
  clientMessages: number;
  messagesBeforeWelcome: number;
  subscribeMessages: number;
  /** Subscribe messages left unanswered by `withholdAcks` (dropped, or applied without their ack). */
  acksWithheld: number;
  unsubscribeMessages: number;
  pingsReceived: number;
  topicLimitErrors: number;
  rateLimitViolations: number;
  idleTimeouts: number;
  dataFramesSent: number;
  badFramesSent: number;
  socketErrors: number;
}

export interface SimConnectionInfo {
  readonly id: string;
  readonly welcomed: boolean;
  readonly open: boolean;
  readonly topics: number;
}

export function emptyStats(): SimulatorStats {
  return {
    tokenRequests: 0,
    tokenFailuresServed: 0,
    restTickerRequests: 0,
    restTradeHistoryRequests: 0,
    restCandleRequests: 0,
    restMarkPriceRequests: 0,
    restContractRequests: 0,
    restIndexRequests: 0,
    tradesRecorded: 0,
    tradeFramesSent: 0,
    tickerFramesSent: 0,
    instrumentFramesSent: 0,
    pushesWithheld: 0,
    connectionsAccepted: 0,
    upgradesRejected: 0,
    clientMessages: 0,
    messagesBeforeWelcome: 0,
    subscribeMessages: 0,
    acksWithheld: 0,
    unsubscribeMessages: 0,
    pingsReceived: 0,
    topicLimitErrors: 0,
    rateLimitViolations: 0,
    idleTimeouts: 0,
    dataFramesSent: 0,
    badFramesSent: 0,
    socketErrors: 0,
  };
}
