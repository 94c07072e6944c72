import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { collectorConfig } from '../config/collector.config';
import { MarketFeedModule } from '../market-feed/market-feed.module';
import { TimingModule } from '../timing/timing.module';
import { CacheCore } from './cache-core';
import { CacheListenerService } from './cache-listener.service';
import { CROSSING_PORT } from './crossing-port';
import { LiquidationPolicy } from './liquidation-policy';
import { CACHE_TIMING, type CacheTiming, DEFAULT_CACHE_TIMING } from './cache.constants';
import { RejectReporter } from './reject-reporter';
import { SymbolCache } from './symbol-cache';
import { SymbolCollectorService } from './symbol-collector.service';
import { WatchedSymbolsService } from './watched-symbols.service';

/**
 * The in-memory books and what keeps them current: the cron collector (reconciliation in listen mode),
 * the Firestore listeners, and the feeds' desired symbols. Needs the global FirestoreModule, MetricsModule
 * and ScheduleModule.forRoot() from the root module.
 */
@Module({
  imports: [ConfigModule.forFeature(collectorConfig), MarketFeedModule, TimingModule],
  providers: [
    {
      provide: CACHE_TIMING,
      inject: [collectorConfig.KEY],
      useFactory: (config: ConfigType<typeof collectorConfig>): CacheTiming => ({
        ...DEFAULT_CACHE_TIMING,
        pageTimeoutMs: config.pageTimeoutMs,
        probeTimeoutMs: config.probeTimeoutMs,
      }),
    },
    RejectReporter,
    LiquidationPolicy,
    {
      provide: CacheCore,
      inject: [RejectReporter],
      useFactory: (rejects: RejectReporter): CacheCore =>
        new CacheCore((path) => rejects.reportReusedTriggerId(path)),
    },
    { provide: CROSSING_PORT, useExisting: CacheCore },
    SymbolCache,
    WatchedSymbolsService,
    SymbolCollectorService,
    CacheListenerService,
  ],
  exports: [CacheCore, CROSSING_PORT, SymbolCache, SymbolCollectorService, LiquidationPolicy],
})
export class CacheModule {}
