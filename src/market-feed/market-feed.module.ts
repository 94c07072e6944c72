import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { kucoinConfig } from '../config/kucoin.config';
import type { MarketType } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { Clock } from '../timing/clock';
import { CLOCK, TimingModule } from '../timing/timing.module';
import { ContractMarginsService } from './contract-margins.service';
import { KucoinFeedGateway } from './kucoin-feed.gateway';
import type { FeedChannel } from './kucoin/feed-channel';
import { type RateLimitNotice, RateLimitPenalty } from './kucoin/rate-limit-penalty';
import { timedFetch } from './kucoin/kucoin-rest';
import { wsSocketFactoryWith } from './kucoin/ws-socket';
import {
  type ConnectionBudget,
  PacedWindowLimiter,
  type RestBudget,
  WeightWindow,
} from './kucoin/rate-limiters';
import {
  CONTRACT_MARGINS,
  FUTURES_FEED,
  INSTRUMENT_FEED,
  KUCOIN_SHARED_LIMITS,
  SPOT_FEED,
} from './market-feed.constants';

type KucoinConfig = ConfigType<typeof kucoinConfig>;

interface SharedLimits {
  readonly connections: ConnectionBudget;
  readonly rest: RestBudget;
  readonly penalty: RateLimitPenalty;
}

/**
 * Both markets' budgets, each this replica's share of what KuCoin allows the IP, and the penalty box
 * every KuCoin caller of the process waits in after a refusal for rate.
 */
function sharedLimits(config: KucoinConfig, metrics: WorkerMetrics): SharedLimits {
  const logger = new Logger('KucoinRateLimits');
  const { newConnectionsPerMinute, restWeightPer30s } = config.replicaShare;
  return {
    connections: new PacedWindowLimiter(newConnectionsPerMinute, 60_000),
    rest: new WeightWindow(restWeightPer30s, 30_000),
    penalty: new RateLimitPenalty((notice: RateLimitNotice) => {
      const { market, source, pauseMs, started } = notice;
      metrics.kucoinRateLimited.inc({ market, source });
      if (!started) return; // the other calls refused at once are counted, not logged
      const paused = source === 'websocket' ? 'no new connection' : 'no KuCoin REST call or new connection';
      logger.warn(
        `KuCoin refused ${market} ${source} for rate: ${paused} for ${Math.ceil(pauseMs / 1_000)} s`,
      );
    }),
  };
}

function feedProvider(token: symbol, market: MarketType, channel: FeedChannel = 'trades') {
  return {
    provide: token,
    inject: [kucoinConfig.KEY, WorkerMetrics, KUCOIN_SHARED_LIMITS, CLOCK],
    useFactory: (config: KucoinConfig, metrics: WorkerMetrics, shared: SharedLimits, clock: Clock) => {
      const spot = market === 'spot';
      return new KucoinFeedGateway({
        market,
        channel,
        apiUrl: spot ? config.spotApiUrl : config.futuresApiUrl,
        maxTopicsPerConnection: spot
          ? config.spotMaxTopicsPerConnection
          : config.futuresMaxTopicsPerConnection,
        metrics,
        backfillHorizonMs: config.backfillHorizonMs,
        silentTopicMs: config.dataStaleMs,
        limits: {
          symbolsPerMessage: spot ? config.spotSymbolsPerMessage : config.futuresSymbolsPerMessage,
          staleFeedMs: config.staleFeedMs,
          // Trades: silence is judged per topic against KuCoin's own view (the gateway's audit), a quiet
          // market is no fault. Mark prices are pushed every second, traded or not: a connection that
          // brings none for this long is replaced.
          dataStaleMs: channel === 'instrument' ? config.dataStaleMs : 0,
          reconnectBackoff: { baseMs: config.reconnectBaseMs, maxMs: config.reconnectMaxMs },
          welcomeTimeoutMs: config.connectTimeoutMs,
          ackTimeoutMs: config.ackTimeoutMs,
        },
        io: {
          clock,
          fetch: timedFetch(config.restTimeoutMs),
          openSocket: wsSocketFactoryWith(config.connectTimeoutMs),
          newConnections: shared.connections,
          restBucket: shared.rest,
          ratePenalty: shared.penalty,
        },
      });
    },
  };
}

/** The futures contracts' margins, read through the same budget and penalty box as the feeds' REST calls. */
const contractMarginsProvider = {
  provide: CONTRACT_MARGINS,
  inject: [kucoinConfig.KEY, WorkerMetrics, KUCOIN_SHARED_LIMITS, CLOCK],
  useFactory: (config: KucoinConfig, metrics: WorkerMetrics, shared: SharedLimits, clock: Clock) =>
    new ContractMarginsService({
      apiUrl: config.futuresApiUrl,
      enabled: config.liquidationEnabled,
      refreshMs: config.contractsRefreshMs,
      io: {
        clock,
        fetch: timedFetch(config.restTimeoutMs),
        restBudget: shared.rest,
        ratePenalty: shared.penalty,
      },
      // The periodic market-wide read the label set already has; a label of its own needs RateLimitSource.
      rateLimitSource: 'audit',
      onRefresh: (result) => metrics.contractRefreshes.inc({ result }),
    }),
};

/**
 * The live KuCoin price feeds: one gateway per market for its trades, and one for the futures mark and
 * index prices. Each is idle until someone calls updateDesired(). Beside them, the futures contracts'
 * margins, read from the application's bootstrap on.
 */
@Module({
  imports: [ConfigModule.forFeature(kucoinConfig), TimingModule],
  providers: [
    {
      provide: KUCOIN_SHARED_LIMITS,
      inject: [kucoinConfig.KEY, WorkerMetrics],
      useFactory: sharedLimits,
    },
    feedProvider(SPOT_FEED, 'spot'),
    feedProvider(FUTURES_FEED, 'futures'),
    feedProvider(INSTRUMENT_FEED, 'futures', 'instrument'),
    contractMarginsProvider,
  ],
  exports: [SPOT_FEED, FUTURES_FEED, INSTRUMENT_FEED, CONTRACT_MARGINS],
})
export class MarketFeedModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(SPOT_FEED) private readonly spot: KucoinFeedGateway,
    @Inject(FUTURES_FEED) private readonly futures: KucoinFeedGateway,
    @Inject(INSTRUMENT_FEED) private readonly instrument: KucoinFeedGateway,
    @Inject(CONTRACT_MARGINS) private readonly contracts: ContractMarginsService,
  ) {}

  /** After every module's init: a start that fails a module's init never reaches KuCoin. */
  onApplicationBootstrap(): void {
    this.contracts.start();
  }

  /**
   * Closes sockets and timers before other modules (Firestore, the execution queue) shut down: app.close()
   * runs every onModuleDestroy before any beforeApplicationShutdown.
   */
  async onModuleDestroy(): Promise<void> {
    this.contracts.stop();
    await Promise.all([this.spot.stop(), this.futures.stop(), this.instrument.stop()]);
  }
}
