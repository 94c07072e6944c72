import { Inject, Module, type OnModuleDestroy } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { kucoinConfig } from '../config/kucoin.config';
import type { MarketType } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { Clock } from '../timing/clock';
import { CLOCK, TimingModule } from '../timing/timing.module';
import { KucoinFeedGateway } from './kucoin-feed.gateway';
import { SlidingWindowLimiter, TokenBucket } from './kucoin/rate-limiters';
import { FUTURES_FEED, KUCOIN_SHARED_LIMITS, SPOT_FEED } from './market-feed.constants';

type KucoinConfig = ConfigType<typeof kucoinConfig>;

interface SharedLimits {
  readonly connections: SlidingWindowLimiter;
  readonly rest: TokenBucket;
}

function feedProvider(token: symbol, market: MarketType) {
  return {
    provide: token,
    inject: [kucoinConfig.KEY, WorkerMetrics, KUCOIN_SHARED_LIMITS, CLOCK],
    useFactory: (config: KucoinConfig, metrics: WorkerMetrics, shared: SharedLimits, clock: Clock) => {
      const spot = market === 'spot';
      return new KucoinFeedGateway({
        market,
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
          // Silence is judged per topic against KuCoin's own view (the gateway's audit): a quiet market is no fault.
          dataStaleMs: 0,
          reconnectBackoff: { baseMs: config.reconnectBaseMs, maxMs: config.reconnectMaxMs },
        },
        io: { clock, newConnections: shared.connections, restBucket: shared.rest },
      });
    },
  };
}

/** The live KuCoin price feeds, one gateway per market. Idle until someone calls updateDesired(). */
@Module({
  imports: [ConfigModule.forFeature(kucoinConfig), TimingModule],
  providers: [
    {
      provide: KUCOIN_SHARED_LIMITS,
      inject: [kucoinConfig.KEY],
      useFactory: (config: KucoinConfig): SharedLimits => ({
        connections: new SlidingWindowLimiter(config.maxNewConnectionsPerMinute, 60_000),
        rest: new TokenBucket(config.catchUpRestWeightPer30s, 30_000),
      }),
    },
    feedProvider(SPOT_FEED, 'spot'),
    feedProvider(FUTURES_FEED, 'futures'),
  ],
  exports: [SPOT_FEED, FUTURES_FEED],
})
export class MarketFeedModule implements OnModuleDestroy {
  constructor(
    @Inject(SPOT_FEED) private readonly spot: KucoinFeedGateway,
    @Inject(FUTURES_FEED) private readonly futures: KucoinFeedGateway,
  ) {}

  /**
   * Closes sockets and timers before other modules (Firestore, the execution queue) shut down: app.close()
   * runs every onModuleDestroy before any beforeApplicationShutdown.
   */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.spot.stop(), this.futures.stop()]);
  }
}
