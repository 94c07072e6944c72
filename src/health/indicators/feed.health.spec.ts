import type { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheCore } from '../../cache/cache-core';
import type { kucoinConfig } from '../../config';
import type { MarketType } from '../../domain/market';
import type { ConnectionStatus, FeedGateway, FeedStatus } from '../../market-feed/feed-gateway';
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

function indicator(instrument: FeedGateway): FeedHealthIndicator {
  const config = { staleFeedMs: 30_000 } as ConfigType<typeof kucoinConfig>;
  const clock = { now: () => NOW } as Clock;
  const [spot, futures] = [gateway('spot'), gateway('futures')];
  return new FeedHealthIndicator(
    new HealthIndicatorService(),
    spot,
    futures,
    instrument,
    config,
    new CacheCore(),
    clock,
  );
}

describe('FeedHealthIndicator', () => {
  it('reports the futures mark and index prices as a part of their own beside the futures trades', () => {
    const [spot, futures] = indicator(gateway('futures')).check();
    expect(Object.keys(spot)).toEqual(['feed_spot']);
    expect(futures).toEqual({
      feed_futures: expect.objectContaining({ status: 'up' }),
      feed_futures_instrument: expect.objectContaining({ status: 'up', desiredSymbols: 0 }),
    });
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
