import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheModule } from '../cache/cache.module';
import { ExecutionModule } from '../execution/execution.module';
import { MarketFeedModule } from '../market-feed/market-feed.module';
import { TimingModule } from '../timing/timing.module';
import { HealthController } from './health.controller';
import { CacheHealthIndicator } from './indicators/cache.health';
import { EventLoopHealthIndicator } from './indicators/event-loop.health';
import { FeedHealthIndicator } from './indicators/feed.health';
import { SubsystemsHealthIndicator } from './indicators/subsystems.health';

@Module({
  imports: [
    TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: 0 }),
    CacheModule,
    MarketFeedModule,
    ExecutionModule,
    TimingModule,
  ],
  controllers: [HealthController],
  providers: [EventLoopHealthIndicator, SubsystemsHealthIndicator, CacheHealthIndicator, FeedHealthIndicator],
})
export class HealthModule {}
