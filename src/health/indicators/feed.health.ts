import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CacheCore } from '../../cache/cache-core';
import { kucoinConfig } from '../../config';
import { FeedGateway, FeedStatus } from '../../market-feed/feed-gateway';
import { FUTURES_FEED, INSTRUMENT_FEED, SPOT_FEED } from '../../market-feed/market-feed.constants';
import type { Clock } from '../../timing/clock';
import { CLOCK } from '../../timing/timing.module';
import { feedProblems } from './feed-readiness';

/**
 * Readiness of the price feeds: every gateway that has symbols to watch must have all its connections
 * up and receiving, and no symbol still recovering trades it may have missed. A gateway with nothing to
 * watch is idle, and idle is fine. Symbols KuCoin refuses or no longer lists are listed with what they
 * hold, without failing readiness: another pod would not do better.
 */
@Injectable()
export class FeedHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(SPOT_FEED) private readonly spot: FeedGateway,
    @Inject(FUTURES_FEED) private readonly futures: FeedGateway,
    @Inject(INSTRUMENT_FEED) private readonly instrument: FeedGateway,
    @Inject(kucoinConfig.KEY) private readonly config: ConfigType<typeof kucoinConfig>,
    private readonly books: CacheCore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One result per market. The futures one has two parts, its trades (`feed_futures`) and its mark and
   * index prices (`feed_futures_instrument`): Terminus reports every key of a result on its own.
   */
  check(): HealthIndicatorResult[] {
    const futures = this.checkOne('feed_futures', this.futures.status());
    const instrument = this.checkOne('feed_futures_instrument', this.instrument.status());
    return [this.checkOne('feed_spot', this.spot.status()), { ...futures, ...instrument }];
  }

  private checkOne(key: string, status: FeedStatus): HealthIndicatorResult {
    const session = this.health.check(key);
    const now = this.clock.now();
    const problems = feedProblems(status, now, this.config.staleFeedMs);
    const details = {
      desiredSymbols: status.desiredSymbols,
      connections: status.connections.map(({ id, state, subscribedTopics, lastMessageAt }) => ({
        id,
        state,
        subscribedTopics,
        lastMessageAgeMs: lastMessageAt === undefined ? null : now - lastMessageAt,
      })),
      recoveringSymbols: status.recoveringSymbols,
      unavailable: status.unavailable.map(({ symbol, reason }) => ({
        symbol,
        reason,
        positions: this.books.positionBook(status.marketType, symbol)?.size ?? 0,
        triggers: this.books.triggerBook(status.marketType, symbol)?.size ?? 0,
      })),
    };
    return problems.length > 0 ? session.down({ ...details, problems }) : session.up(details);
  }
}
