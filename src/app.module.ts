import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { CacheModule } from './cache/cache.module';
import { ALL_CONFIGS } from './config';
import { ExecutionModule } from './execution/execution.module';
import { FirestoreModule } from './firestore/firestore.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MarketFeedModule } from './market-feed/market-feed.module';
import { MetricsModule } from './metrics/metrics.module';
import { TimingModule } from './timing/timing.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
    LoggingModule,
    ScheduleModule.forRoot(),
    TimingModule,
    MetricsModule,
    FirestoreModule,
    MarketFeedModule,
    CacheModule,
    ExecutionModule,
    HealthModule,
  ],
})
export class AppModule {}
