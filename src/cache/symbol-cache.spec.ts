import { positionAt, positionHit, tickAt, triggerAt } from '../../test/support/crossings';
import { collectInto, fullRead } from '../../test/support/collections';
import { CacheCore } from './cache-core';
import { SymbolCache } from './symbol-cache';

describe('SymbolCache', () => {
  let core: CacheCore;
  let cache: SymbolCache;
  beforeEach(async () => {
    core = new CacheCore();
    cache = new SymbolCache(core);
    await collectInto(core, fullRead([positionAt()], [triggerAt()]));
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

  describe('the first load', () => {
    const clock = { now: () => 7_000 } as never;

    it("by both listeners' first snapshots: loaded for good, the reconciliation one interval from now", () => {
      const listened = new SymbolCache(core, clock);
      const loads: number[] = [];
      listened.onLoaded(() => loads.push(1));
      listened.recordListening();
      expect(listened.firstSnapshotsSince()).toBe(7_000);
      listened.setListenerLive('openPositions', true);
      expect(listened.hasLoaded()).toBe(false);
      listened.setListenerLive('tradeTriggers', true);
      expect(listened.stats()).toMatchObject({
        firstLoad: 'listeners',
        lastSuccessAt: 7_000,
        collections: 0,
      });
      expect(listened.firstSnapshotsSince()).toBeUndefined();
      // A listener down later does not unload the books (full reads keep them then); no second announcement.
      listened.setListenerLive('openPositions', false);
      listened.setListenerLive('openPositions', true);
      expect(listened.hasLoaded()).toBe(true);
      expect(loads).toEqual([1]);
    });

    it("counts the wait from the stalest listener's last progress, not from the first part of any", () => {
      let now = 1_000;
      const cache = new SymbolCache(core, { now: () => now } as never);
      cache.recordListening();
      now = 5_000;
      cache.recordFirstSnapshotProgress('openPositions');
      // The triggers' listener has delivered nothing yet: the wait counts from the subscription.
      expect(cache.firstSnapshotsSince()).toBe(1_000);
      now = 6_000;
      cache.recordFirstSnapshotProgress('tradeTriggers');
      expect(cache.firstSnapshotsSince()).toBe(5_000);
      cache.setListenerLive('tradeTriggers', true);
      now = 9_000;
      // Progress of a listener already caught up (its later snapshots) does not hold the wait open.
      cache.recordFirstSnapshotProgress('tradeTriggers');
      expect(cache.firstSnapshotsSince()).toBe(5_000);
      cache.recordFirstSnapshotProgress('openPositions');
      expect(cache.firstSnapshotsSince()).toBe(9_000);
      cache.setListenerLive('openPositions', true);
      expect(cache.firstSnapshotsSince()).toBeUndefined();
    });

    it('by a full read; a failed read loads nothing, and a listener failure ends the wait for snapshots', () => {
      const read = new SymbolCache(core, clock);
      read.recordListening();
      read.recordCollection({ ok: false, durationMs: 5, error: 'UNAVAILABLE' });
      expect(read.hasLoaded()).toBe(false);
      read.recordListenerFailure();
      expect(read.firstSnapshotsSince()).toBeUndefined();
      read.recordCollection({ ok: true, durationMs: 12, documentsRead: 3 });
      expect(read.stats()).toMatchObject({ firstLoad: 'full_read', listenerFailures: 1 });
    });
  });
});
