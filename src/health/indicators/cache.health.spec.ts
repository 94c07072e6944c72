import { HealthIndicatorService } from '@nestjs/terminus';
import type { ConfigType } from '@nestjs/config';
import type { CacheStats, SymbolCache } from '../../cache/symbol-cache';
import type { collectorConfig } from '../../config';
import { CacheHealthIndicator } from './cache.health';

const RAW_ERROR = '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.1.2.3:443';

function indicatorWith(overrides: Partial<CacheStats>): CacheHealthIndicator {
  const stats: CacheStats = {
    cacheMode: 'listen',
    collections: 1,
    consecutiveFailures: 0,
    skippedRuns: 0,
    listenersLive: true,
    listeners: { openPositions: true, tradeTriggers: true },
    listenerFailures: 0,
    positions: 3,
    triggers: 1,
    symbols: { spot: 1, futures: 0 },
    pending: { count: 0, retrying: 0, earliestTickTime: {} },
    lastSuccessAt: Date.now() - 1_000,
    ...overrides,
  };
  const cache = { stats: () => stats } as unknown as SymbolCache;
  const config = { cron: '*/30 * * * * *' } as ConfigType<typeof collectorConfig>;
  return new CacheHealthIndicator(new HealthIndicatorService(), cache, config);
}

describe('CacheHealthIndicator (readiness of the books)', () => {
  it('is up with counts while the listeners are live, saying what first loaded the books', () => {
    expect(indicatorWith({ firstLoad: 'listeners' }).check().cache).toMatchObject({
      status: 'up',
      positions: 3,
      triggers: 1,
      firstLoad: 'listeners',
    });
  });

  it('names a failed collection by codes only: the raw error text never reaches the body', () => {
    const result = indicatorWith({
      listenersLive: false,
      lastSuccessAt: Date.now() - 31_000,
      lastFailureAt: Date.now() - 1_000,
      lastError: RAW_ERROR,
    }).check();
    expect(result.cache).toMatchObject({
      status: 'down',
      problems: ['last_collection_failed', 'listeners_down'],
      lastErrorKind: 'unavailable',
      staleAfterMs: 90_000,
    });
    expect(JSON.stringify(result)).not.toContain('ECONNREFUSED');
    expect(JSON.stringify(result)).not.toContain('10.1.2.3');
  });

  it('is down before the first collection, with no error kind while none has failed', () => {
    expect(indicatorWith({ lastSuccessAt: undefined, listenersLive: false }).check().cache).toMatchObject({
      status: 'down',
      problems: ['no_collection_yet'],
      lastErrorKind: null,
      firstLoad: null,
    });
  });
});
