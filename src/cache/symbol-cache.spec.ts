import { positionAt, positionHit, tickAt, triggerAt } from '../../test/support/crossings';
import { CacheCore } from './cache-core';
import { SymbolCache } from './symbol-cache';

describe('SymbolCache', () => {
  let core: CacheCore;
  let cache: SymbolCache;
  beforeEach(async () => {
    core = new CacheCore();
    cache = new SymbolCache(core);
    await core.finishCollectionInSteps(
      core.beginCollection(),
      {
        positions: [positionAt()],
        triggers: [triggerAt()],
        readTimes: { positions: 50, triggers: 50 },
      },
      () => Promise.resolve(),
    );
  });

  it('counts the books and the pending crossings', () => {
    core.checkOut(positionHit(), tickAt(85));
    expect(cache.stats()).toMatchObject({
      positions: 0,
      triggers: 1,
      symbols: { spot: 1, futures: 1 },
      pending: { count: 1, retrying: 0, oldestCrossedAt: 1_005 },
    });
    expect(cache.countsByMarket('futures')).toEqual({ positions: 0, triggers: 1, symbols: 1 });
  });

  it('reports collection and listener health', () => {
    cache.recordCollection({ ok: true, durationMs: 12, documentsRead: 3 });
    cache.recordCollection({ ok: false, durationMs: 5, error: 'UNAVAILABLE' });
    cache.recordSkippedRun();
    cache.setListenerLive('openPositions', true);
    expect(cache.stats()).toMatchObject({
      lastDurationMs: 12,
      lastDocumentsRead: 3,
      lastError: 'UNAVAILABLE',
      consecutiveFailures: 1,
      skippedRuns: 1,
      listenersLive: false,
    });
    cache.setListenerLive('tradeTriggers', true);
    expect(cache.stats().listenersLive).toBe(true);
  });
});
