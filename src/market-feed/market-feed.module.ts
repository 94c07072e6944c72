import { type BeforeApplicationShutdown, Inject, Module, type OnModuleDestroy } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { kucoinConfig } from '../config/kucoin.config';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { FuturesFeedGateway } from './futures-feed.gateway';
import type { KucoinFeedGatewayOptions } from './kucoin-feed.gateway';
import { SlidingWindowLimiter, TokenBucket } from './kucoin/rate-limiters';
import { KUCOIN_SHARED_LIMITS, MARKET_FEED_SEAMS, type MarketFeedSeams } from './market-feed.constants';
import { SpotFeedGateway } from './spot-feed.gateway';

type KucoinConfig = ConfigType<typeof kucoinConfig>;

interface SharedLimits {
  readonly connections: SlidingWindowLimiter;
  readonly rest: TokenBucket;
}

function gatewayOptions(
  config: KucoinConfig,
  market: 'spot' | 'futures',
  metrics: WorkerMetrics,
  seams: MarketFeedSeams,
  limits: SharedLimits,
): KucoinFeedGatewayOptions {
  const spot = market === 'spot';
  return {
    maxTopicsPerConnection: spot ? config.spotMaxTopicsPerConnection : config.futuresMaxTopicsPerConnection,
    metrics,
    backfillHorizonMs: config.backfillHorizonMs,
    silentTopicMs: config.dataStaleMs,
    manager: {
      apiUrl: spot ? config.spotApiUrl : config.futuresApiUrl,
      symbolsPerMessage: spot ? config.spotSymbolsPerMessage : config.futuresSymbolsPerMessage,
      staleFeedMs: config.staleFeedMs,
      // Silence is judged per topic against KuCoin's own view (the gateway's audit): a quiet market is no fault.
      dataStaleMs: 0,
      backoff: { baseMs: config.reconnectBaseMs, maxMs: config.reconnectMaxMs },
      connectionLimiter: limits.connections,
      restBucket: limits.rest,
      ...seams,
    },
  };
}

/** The live KuCoin price feeds, one gateway per market. Idle until someone calls updateDesired(). */
@Module({
  imports: [ConfigModule.forFeature(kucoinConfig)],
  providers: [
    { provide: MARKET_FEED_SEAMS, useValue: {} satisfies MarketFeedSeams },
    {
      provide: KUCOIN_SHARED_LIMITS,
      inject: [kucoinConfig.KEY],
      useFactory: (config: KucoinConfig): SharedLimits => ({
        connections: new SlidingWindowLimiter(config.maxNewConnectionsPerMinute, 60_000),
        rest: new TokenBucket(config.catchUpRestWeightPer30s, 30_000),
      }),
    },
    {
      provide: SpotFeedGateway,
      inject: [kucoinConfig.KEY, WorkerMetrics, MARKET_FEED_SEAMS, KUCOIN_SHARED_LIMITS],
      useFactory: (
        config: KucoinConfig,
        metrics: WorkerMetrics,
        seams: MarketFeedSeams,
        limits: SharedLimits,
      ) => new SpotFeedGateway(gatewayOptions(config, 'spot', metrics, seams, limits)),
    },
    {
      provide: FuturesFeedGateway,
      inject: [kucoinConfig.KEY, WorkerMetrics, MARKET_FEED_SEAMS, KUCOIN_SHARED_LIMITS],
      useFactory: (
        config: KucoinConfig,
        metrics: WorkerMetrics,
        seams: MarketFeedSeams,
        limits: SharedLimits,
      ) => new FuturesFeedGateway(gatewayOptions(config, 'futures', metrics, seams, limits)),
    },
  ],
  exports: [SpotFeedGateway, FuturesFeedGateway],
})
export class MarketFeedModule implements BeforeApplicationShutdown, OnModuleDestroy {
  constructor(
    @Inject(SpotFeedGateway) private readonly spot: SpotFeedGateway,
    @Inject(FuturesFeedGateway) private readonly futures: FuturesFeedGateway,
  ) {}

  /** Closes sockets before other modules (Firestore, the execution queue) shut down. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.spot.stop(), this.futures.stop()]);
  }

  /** Also on module destroy, for callers of app.close() without shutdown hooks; stop() is idempotent. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.spot.stop(), this.futures.stop()]);
  }
}
