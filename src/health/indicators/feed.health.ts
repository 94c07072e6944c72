import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CacheCore } from '../../cache/cache-core';
import { kucoinConfig } from '../../config';
import { FeedGateway, FeedStatus } from '../../market-feed/feed-gateway';
import { FuturesFeedGateway } from '../../market-feed/futures-feed.gateway';
import { SpotFeedGateway } from '../../market-feed/spot-feed.gateway';
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
    @Inject(SpotFeedGateway) private readonly spot: FeedGateway,
    @Inject(FuturesFeedGateway) private readonly futures: FeedGateway,
    @Inject(kucoinConfig.KEY) private readonly config: ConfigType<typeof kucoinConfig>,
    private readonly books: CacheCore,
  ) {}

  check(): HealthIndicatorResult[] {
    return [this.checkOne(this.spot.status()), this.checkOne(this.futures.status())];
  }

  private checkOne(status: FeedStatus): HealthIndicatorResult {
    const session = this.health.check(`feed_${status.marketType}`);
    const problems = feedProblems(status, Date.now(), this.config.staleFeedMs);
    const details = {
      desiredSymbols: status.desiredSymbols,
      connections: status.connections.map(({ id, state, subscribedTopics, lastMessageAt }) => ({
        id,
        state,
        subscribedTopics,
        lastMessageAgeMs: lastMessageAt === undefined ? null : Date.now() - lastMessageAt,
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
