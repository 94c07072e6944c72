import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { collectorConfig } from '../config/collector.config';
import { MarketFeedModule } from '../market-feed/market-feed.module';
import { CacheListenerService } from './cache-listener.service';
import { CACHE_TIMING, DEFAULT_CACHE_TIMING } from './cache.constants';
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
  imports: [ConfigModule.forFeature(collectorConfig), MarketFeedModule],
  providers: [
    { provide: CACHE_TIMING, useValue: DEFAULT_CACHE_TIMING },
    SymbolCache,
    RejectReporter,
    WatchedSymbolsService,
    SymbolCollectorService,
    CacheListenerService,
  ],
  exports: [SymbolCache, SymbolCollectorService],
})
export class CacheModule {}
