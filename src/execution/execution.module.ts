import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module';
import { FUTURES_FEED, INSTRUMENT_FEED, SPOT_FEED } from '../market-feed/market-feed.constants';
import { MarketFeedModule } from '../market-feed/market-feed.module';
import { TimingModule } from '../timing/timing.module';
import { TICK_SOURCES, type TickSource } from './execution.constants';
import { ExecutionService } from './execution.service';
import { FirestoreTransactionService } from './firestore-transaction.service';
import { PriceUpdateProcessor } from './price-update.processor';
import { WatermarkService } from './watermark.service';

/**
 * Ticks from every feed (both markets' trades, the futures mark and index prices) -> what they cross in
 * the cache's books -> pending crossings -> a bounded queue of Firestore transactions. The cache's
 * CROSSING_PORT is the only way in and out of the books.
 * Needs the global FirestoreModule, MetricsModule and ConfigModule from the root module.
 */
@Module({
  imports: [CacheModule, MarketFeedModule, TimingModule],
  providers: [
    FirestoreTransactionService,
    ExecutionService,
    PriceUpdateProcessor,
    WatermarkService,
    {
      provide: TICK_SOURCES,
      inject: [SPOT_FEED, FUTURES_FEED, INSTRUMENT_FEED],
      useFactory: (...feeds: TickSource[]): TickSource[] => feeds,
    },
  ],
  exports: [ExecutionService, PriceUpdateProcessor, WatermarkService],
})
export class ExecutionModule {}
