import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module';
import { SymbolCache } from '../cache/symbol-cache';
import { FuturesFeedGateway } from '../market-feed/futures-feed.gateway';
import { MarketFeedModule } from '../market-feed/market-feed.module';
import { SpotFeedGateway } from '../market-feed/spot-feed.gateway';
import { StopLossTakeProfitEvaluator } from './evaluators/stop-loss-take-profit.evaluator';
import { TradeTriggerEvaluator } from './evaluators/trade-trigger.evaluator';
import { EXECUTION_CACHE, TICK_SOURCES, type TickSource } from './execution.constants';
import { ExecutionService } from './execution.service';
import { FirestoreTransactionService } from './firestore-transaction.service';
import { PriceUpdateProcessor } from './price-update.processor';

/**
 * Ticks from both feeds -> evaluators over the cached books -> a bounded queue of Firestore transactions.
 * Needs the global FirestoreModule, MetricsModule and ConfigModule from the root module.
 */
@Module({
  imports: [CacheModule, MarketFeedModule],
  providers: [
    StopLossTakeProfitEvaluator,
    TradeTriggerEvaluator,
    FirestoreTransactionService,
    ExecutionService,
    PriceUpdateProcessor,
    { provide: EXECUTION_CACHE, useExisting: SymbolCache },
    {
      provide: TICK_SOURCES,
      inject: [SpotFeedGateway, FuturesFeedGateway],
      useFactory: (spot: SpotFeedGateway, futures: FuturesFeedGateway): TickSource[] => [spot, futures],
    },
  ],
  exports: [ExecutionService, PriceUpdateProcessor],
})
export class ExecutionModule {}
