import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SymbolCache } from '../../cache/symbol-cache';
import { collectorConfig } from '../../config';
import { COLLECTOR_MISSED_RUNS_TOLERATED } from '../health.constants';
import { CacheReadinessPolicy, cacheProblems, cronIntervalMs } from './cache-readiness';

/** Readiness of the books: filled once, and kept fresh by the listeners or the collector. */
@Injectable()
export class CacheHealthIndicator {
  private readonly policy: CacheReadinessPolicy;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly cache: SymbolCache,
    @Inject(collectorConfig.KEY) config: ConfigType<typeof collectorConfig>,
  ) {
    this.policy = {
      intervalMs: cronIntervalMs(config.cron),
      missedRunsTolerated: COLLECTOR_MISSED_RUNS_TOLERATED,
    };
  }

  check(key = 'cache'): HealthIndicatorResult {
    const stats = this.cache.stats();
    const problems = cacheProblems(stats, Date.now(), this.policy);
    const details = {
      mode: stats.cacheMode,
      listenersLive: stats.listenersLive,
      lastSuccessAgeMs: stats.lastSuccessAt === undefined ? null : Date.now() - stats.lastSuccessAt,
      positions: stats.positions,
      triggers: stats.triggers,
      pendingCrossings: stats.pending.count,
    };
    const session = this.health.check(key);
    return problems.length > 0 ? session.down({ ...details, problems }) : session.up(details);
  }
}
