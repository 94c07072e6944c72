import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SymbolCache } from '../../cache/symbol-cache';
import { collectorConfig } from '../../config';
import { COLLECTOR_MISSED_RUNS_TOLERATED } from '../health.constants';
import { type Clock, systemClock } from '../../timing/clock';
import { CLOCK } from '../../timing/timing.module';
import {
  CacheReadinessPolicy,
  cacheProblems,
  collectionErrorKind,
  cronIntervalMs,
  staleAfterMs,
} from './cache-readiness';

/**
 * Readiness of the books: filled once, and kept fresh by the listeners or the collector. The body names
 * problems and the last error by stable codes only; the collector logs the error's text.
 */
@Injectable()
export class CacheHealthIndicator {
  private readonly policy: CacheReadinessPolicy;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly cache: SymbolCache,
    @Inject(collectorConfig.KEY) config: ConfigType<typeof collectorConfig>,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.policy = {
      intervalMs: cronIntervalMs(config.cron),
      missedRunsTolerated: COLLECTOR_MISSED_RUNS_TOLERATED,
    };
  }

  check(key = 'cache'): HealthIndicatorResult {
    const stats = this.cache.stats();
    const problems = cacheProblems(stats, this.clock.now(), this.policy);
    const details = {
      mode: stats.cacheMode,
      listenersLive: stats.listenersLive,
      // What first filled the books: 'listeners' (their first snapshots) or 'full_read'; null until then.
      firstLoad: stats.firstLoad ?? null,
      lastSuccessAgeMs: stats.lastSuccessAt === undefined ? null : this.clock.now() - stats.lastSuccessAt,
      positions: stats.positions,
      triggers: stats.triggers,
      pendingCrossings: stats.pending.count,
    };
    const session = this.health.check(key);
    if (problems.length === 0) return session.up(details);
    const failedLast =
      stats.lastFailureAt !== undefined &&
      (stats.lastSuccessAt === undefined || stats.lastFailureAt > stats.lastSuccessAt);
    return session.down({
      ...details,
      problems,
      lastErrorKind: failedLast ? (collectionErrorKind(stats.lastError) ?? null) : null,
      staleAfterMs: staleAfterMs(this.policy),
    });
  }
}
