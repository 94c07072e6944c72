import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CacheCore } from '../../cache/cache-core';
import { kucoinConfig } from '../../config';
import { FeedGateway, FeedStatus } from '../../market-feed/feed-gateway';
import type { ContractMarginsService } from '../../market-feed/contract-margins.service';
import {
  CONTRACT_MARGINS,
  FUTURES_FEED,
  INSTRUMENT_FEED,
  SPOT_FEED,
} from '../../market-feed/market-feed.constants';
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
    @Inject(CONTRACT_MARGINS) private readonly margins: ContractMarginsService,
  ) {}

  /**
   * One result per market. The futures one has three parts, its trades (`feed_futures`), its mark and
   * index prices (`feed_futures_instrument`) and the contracts' margins liquidation levels are computed
   * from (`liquidation_margins`): Terminus reports every key of a result on its own.
   */
  check(): HealthIndicatorResult[] {
    const futures = this.checkOne('feed_futures', this.futures.status());
    const instrument = this.checkOne('feed_futures_instrument', this.instrument.status());
    const margins = this.checkMargins();
    return [this.checkOne('feed_spot', this.spot.status()), { ...futures, ...instrument, ...margins }];
  }

  /**
   * Down while futures positions are held and liquidation is on but the contracts' margins were never
   * read: a position without its own liquidationPrice is not watched for liquidation until then. A
   * failed refresh after a success keeps the margins read, and readiness.
   */
  private checkMargins(): HealthIndicatorResult {
    const session = this.health.check('liquidation_margins');
    const { enabled, loaded, contracts, consecutiveFailures } = this.margins.status();
    const details = { enabled, loaded, contracts, consecutiveFailures };
    const needed = enabled && this.books.count('position', 'futures') > 0;
    return needed && !loaded
      ? session.down({ ...details, problems: ['contract_margins_not_loaded'] })
      : session.up(details);
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
