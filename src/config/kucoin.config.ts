import { registerAs } from '@nestjs/config';
import {
  type KucoinBudgets,
  LARGEST_REST_TAKE,
  replicaShare,
  shareShortfall,
} from '../market-feed/kucoin/per-ip-share';
import { crossFieldError, enumVar, intVar, parseEnv, requireAtMost, urlVar } from './parse-env';

/** KuCoin's limit on topics per WebSocket connection (spot and futures). */
export const KUCOIN_MAX_TOPICS_PER_CONNECTION = 300;

/**
 * KuCoin endpoints and feed limits. Only the REST base URLs are configured: the WebSocket endpoint
 * always comes from the bullet-public token response, so pointing these at the simulator is enough.
 */
export const kucoinConfig = registerAs('kucoin', () => {
  const env = parseEnv({
    KUCOIN_SPOT_API_URL: urlVar('https://api.kucoin.com'),
    KUCOIN_FUTURES_API_URL: urlVar('https://api-futures.kucoin.com'),
    KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION: intVar(300, 1, KUCOIN_MAX_TOPICS_PER_CONNECTION),
    KUCOIN_FUTURES_MAX_TOPICS_PER_CONNECTION: intVar(300, 1, KUCOIN_MAX_TOPICS_PER_CONNECTION),
    KUCOIN_STALE_FEED_MS: intVar(30_000, 1_000, 600_000),
    KUCOIN_DATA_STALE_MS: intVar(60_000, 1_000, 3_600_000),
    KUCOIN_SPOT_SYMBOLS_PER_MESSAGE: intVar(100, 1, 100),
    // Futures comma-joining is undocumented (the spec lists one {symbol}); one per message is the safe default.
    KUCOIN_FUTURES_SYMBOLS_PER_MESSAGE: intVar(1, 1, 100),
    KUCOIN_RECONNECT_BASE_MS: intVar(1_000, 10, 60_000),
    KUCOIN_RECONNECT_MAX_MS: intVar(60_000, 100, 600_000),
    // Per IP: KuCoin's 30 new connections per minute, shared by every replica behind the same egress IP.
    KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE: intVar(30, 1, 30),
    // Per IP: the part of the 2000-per-30 s public REST pool the catch-ups, gap recoveries and audits of
    // all replicas behind the IP may use; the rest is left to the connections' tokens and other callers.
    // At least the largest single call (spot all-tickers, 15), or that call could never go.
    KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: intVar(1_000, LARGEST_REST_TAKE, 2_000),
    // How many replicas share one egress IP: each gets the two budgets above divided by it (rounded down).
    KUCOIN_REPLICAS_PER_IP: intVar(1, 1, 30),
    // A REST call (token, catch-up, history, audit) not answered by then fails and is retried.
    KUCOIN_REST_TIMEOUT_MS: intVar(10_000, 1_000, 60_000),
    // A connection whose upgrade, then whose welcome, has not come by then is dropped and reconnected.
    KUCOIN_CONNECT_TIMEOUT_MS: intVar(10_000, 1_000, 60_000),
    // A subscribe unanswered for this long is sent again (then split, then given up symbol by symbol).
    KUCOIN_ACK_TIMEOUT_MS: intVar(10_000, 1_000, 60_000),
    // How far back a gap (a reconnect, or the time since the last run's watermark) is recovered.
    KUCOIN_BACKFILL_HORIZON_MS: intVar(86_400_000, 60_000, 7 * 86_400_000),
    // How often the watermark (the exchange time through which everything was evaluated) is stored; 0: never.
    WATERMARK_INTERVAL_MS: intVar(5_000, 0, 3_600_000),
    // A start does not wait longer than this for the last run's watermark (then recovers nothing before it).
    WATERMARK_LOAD_TIMEOUT_MS: intVar(5_000, 100, 60_000),
    // How often the futures contracts' margins are read again: KuCoin changes them rarely, and each read
    // costs weight from the catch-up budget.
    KUCOIN_CONTRACTS_REFRESH_MS: intVar(3_600_000, 60_000, 86_400_000),
    // Liquidation of leveraged futures positions. Here, not in `execution`: the contracts' margins it needs
    // are fetched by the feed module, and `false` stops that fetch.
    LIQUIDATION_ENABLED: enumVar(['true', 'false'], 'true'),
  });
  requireAtMost(env, 'KUCOIN_RECONNECT_BASE_MS', 'KUCOIN_RECONNECT_MAX_MS');
  const perIp: KucoinBudgets = {
    newConnectionsPerMinute: env.KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE,
    restWeightPer30s: env.KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S,
  };
  const share = requireUsableShare(perIp, env.KUCOIN_REPLICAS_PER_IP);
  return {
    spotApiUrl: env.KUCOIN_SPOT_API_URL,
    futuresApiUrl: env.KUCOIN_FUTURES_API_URL,
    spotMaxTopicsPerConnection: env.KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION,
    futuresMaxTopicsPerConnection: env.KUCOIN_FUTURES_MAX_TOPICS_PER_CONNECTION,
    staleFeedMs: env.KUCOIN_STALE_FEED_MS,
    dataStaleMs: env.KUCOIN_DATA_STALE_MS,
    spotSymbolsPerMessage: env.KUCOIN_SPOT_SYMBOLS_PER_MESSAGE,
    futuresSymbolsPerMessage: env.KUCOIN_FUTURES_SYMBOLS_PER_MESSAGE,
    reconnectBaseMs: env.KUCOIN_RECONNECT_BASE_MS,
    reconnectMaxMs: env.KUCOIN_RECONNECT_MAX_MS,
    maxNewConnectionsPerMinute: env.KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE,
    catchUpRestWeightPer30s: env.KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S,
    replicasPerIp: env.KUCOIN_REPLICAS_PER_IP,
    /** This replica's budgets: the per-IP ones divided by the replicas sharing the IP. */
    replicaShare: share,
    restTimeoutMs: env.KUCOIN_REST_TIMEOUT_MS,
    connectTimeoutMs: env.KUCOIN_CONNECT_TIMEOUT_MS,
    ackTimeoutMs: env.KUCOIN_ACK_TIMEOUT_MS,
    backfillHorizonMs: env.KUCOIN_BACKFILL_HORIZON_MS,
    watermarkIntervalMs: env.WATERMARK_INTERVAL_MS,
    watermarkLoadTimeoutMs: env.WATERMARK_LOAD_TIMEOUT_MS,
    contractsRefreshMs: env.KUCOIN_CONTRACTS_REFRESH_MS,
    liquidationEnabled: env.LIQUIDATION_ENABLED === 'true',
  };
});
export type KucoinConfig = ReturnType<typeof kucoinConfig>;

/** One replica's share of the per-IP budgets; a share that leaves a replica unable to work stops the boot. */
function requireUsableShare(perIp: KucoinBudgets, replicas: number): KucoinBudgets {
  const share = replicaShare(perIp, replicas);
  const shortfall = shareShortfall(share);
  if (shortfall === 'connections')
    throw crossFieldError(
      'KUCOIN_REPLICAS_PER_IP',
      'must be at most KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE, so that each replica may open a connection',
      {
        KUCOIN_REPLICAS_PER_IP: replicas,
        KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE: perIp.newConnectionsPerMinute,
      },
    );
  if (shortfall === 'rest')
    throw crossFieldError(
      'KUCOIN_REPLICAS_PER_IP',
      `must leave each replica at least ${LARGEST_REST_TAKE} of KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S, ` +
        'the weight of its largest REST call',
      { KUCOIN_REPLICAS_PER_IP: replicas, KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: perIp.restWeightPer30s },
    );
  return share;
}
