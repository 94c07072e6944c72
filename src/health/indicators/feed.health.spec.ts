import type { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheCore } from '../../cache/cache-core';
import type { kucoinConfig } from '../../config';
import type { MarketType } from '../../domain/market';
import type { ConnectionStatus, FeedGateway, FeedStatus } from '../../market-feed/feed-gateway';
import type {
  ContractMarginsService,
  ContractMarginsStatus,
} from '../../market-feed/contract-margins.service';
import type { Clock } from '../../timing/clock';
import { FeedHealthIndicator } from './feed.health';

const NOW = 1_000_000;

const gateway = (marketType: MarketType, connections: ConnectionStatus[] = []): FeedGateway => {
  const status: FeedStatus = {
    marketType,
    desiredSymbols: connections.length,
    connections,
    recoveringSymbols: 0,
    unavailable: [],
  };
  return { status: () => status } as unknown as FeedGateway;
};

const margins = (status: Partial<ContractMarginsStatus> = {}): ContractMarginsService =>
  ({
    status: () => ({ enabled: true, loaded: true, contracts: 3, consecutiveFailures: 0, ...status }),
  }) as unknown as ContractMarginsService;

function indicator(
  instrument: FeedGateway,
  contracts = margins(),
  books = new CacheCore(),
): FeedHealthIndicator {
  const config = { staleFeedMs: 30_000 } as ConfigType<typeof kucoinConfig>;
  const clock = { now: () => NOW } as Clock;
  const [spot, futures] = [gateway('spot'), gateway('futures')];
  return new FeedHealthIndicator(
    new HealthIndicatorService(),
    spot,
    futures,
    instrument,
    config,
    books,
    clock,
    contracts,
  );
}

describe('FeedHealthIndicator', () => {
  it('reports the futures mark and index prices as a part of their own beside the futures trades', () => {
    const [spot, futures] = indicator(gateway('futures')).check();
    expect(Object.keys(spot)).toEqual(['feed_spot']);
    expect(futures).toEqual({
      feed_futures: expect.objectContaining({ status: 'up' }),
      feed_futures_instrument: expect.objectContaining({ status: 'up', desiredSymbols: 0 }),
      liquidation_margins: expect.objectContaining({ status: 'up', loaded: true, contracts: 3 }),
    });
  });

  it('is not ready while futures positions wait for margins that were never read', () => {
    const books = new CacheCore();
    const entry = {
      path: 'users/u/openPositions/p',
      side: 'long' as const,
      size: 1,
      stopLoss: 90,
      takeProfit: null,
    };
    const notLoaded = margins({ loaded: false, contracts: 0, consecutiveFailures: 2 });
    // Nothing on futures: nothing waits for them.
    expect(indicator(gateway('futures'), notLoaded, books).check()[1].liquidation_margins.status).toBe('up');
    books.applyPosition(entry.path, {
      version: 1,
      item: { marketType: 'futures', symbol: 'XBTUSDTM', entry, version: 1 },
    });
    expect(indicator(gateway('futures'), notLoaded, books).check()[1].liquidation_margins).toMatchObject({
      status: 'down',
      consecutiveFailures: 2,
      problems: ['contract_margins_not_loaded'],
    });
    // Loaded once, or liquidation off: ready.
    const off = margins({ enabled: false, loaded: false });
    expect(indicator(gateway('futures'), off, books).check()[1].liquidation_margins.status).toBe('up');
    expect(indicator(gateway('futures'), margins(), books).check()[1].liquidation_margins.status).toBe('up');
  });

  it('fails that part alone, by the same rules, when its connection is down', () => {
    const down: ConnectionStatus = {
      id: 'futures-mark-0',
      state: 'backoff',
      reconnects: 1,
      subscribedTopics: 0,
      lastCause: 'close',
    };
    const [, futures] = indicator(gateway('futures', [down])).check();
    expect(futures.feed_futures.status).toBe('up');
    expect(futures.feed_futures_instrument).toMatchObject({
      status: 'down',
      problems: ['futures-mark-0 is backoff (last failure: close)'],
    });
  });
});
