import type { ParseResult } from '../domain/parse-result';
import type { OpenPosition } from '../domain/position';
import type { TradeTrigger } from '../domain/trade-trigger';
import type { DocumentChange, WatchHandlers } from '../firestore/document-change';
import type { PositionRepository } from '../firestore/position.repository';
import type { TradeTriggerRepository } from '../firestore/trade-trigger.repository';
import { type Clock, systemClock } from '../timing/clock';
import { ManualClock } from '../../test/support/doubles/manual-clock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { CacheCore } from './cache-core';
import { DEFAULT_CACHE_TIMING } from './cache.constants';
import { CacheListenerService } from './cache-listener.service';
import type { LiquidationPolicy } from './liquidation-policy';
import { RejectReporter } from './reject-reporter';
import { SymbolCache } from './symbol-cache';
import type { SymbolCollectorService } from './symbol-collector.service';

const READ_OPTIONS = {
  pageSize: 5_000,
  pageTimeoutMs: DEFAULT_CACHE_TIMING.pageTimeoutMs,
  probeTimeoutMs: DEFAULT_CACHE_TIMING.probeTimeoutMs,
};

const PATH = 'users/u1/openPositions/p1';
const POSITION: OpenPosition = {
  path: PATH,
  uid: 'u1',
  id: 'p1',
  symbol: 'BTC-USDT',
  marketType: 'spot',
  side: 'long',
  size: 1,
  entryPrice: 100,
  leverage: 1,
  stopLoss: 90,
  takeProfit: null,
  triggerPriceType: 'last',
  liquidationPrice: null,
  trailingStop: null,
  status: 'open',
};

/** A repository whose listener the spec drives by hand. */
class FakeWatch<T> {
  handlers: WatchHandlers<T> | undefined;
  subscriptions = 0;
  unsubscriptions = 0;
  watch = (handlers: WatchHandlers<T>): (() => void) => {
    this.handlers = handlers;
    this.subscriptions++;
    return () => this.unsubscriptions++;
  };
  emit(changes: DocumentChange<T>[], partial = false): void {
    this.handlers?.onChanges({
      size: changes.length,
      documentsRead: changes.length,
      partial,
      slice: (from, to) => changes.slice(from, to),
    });
  }
}

/** These specs are about reading and listening; liquidation levels have specs of their own. */
const NO_LIQUIDATION = {
  levelOf: () => null,
  onChange: () => () => undefined,
} as unknown as LiquidationPolicy;

function setUp(cacheMode: 'listen' | 'poll' = 'listen', clock: Clock = systemClock) {
  const positions = new FakeWatch<OpenPosition>();
  const triggers = new FakeWatch<TradeTrigger>();
  const books = new CacheCore();
  const cache = new SymbolCache(books, clock);
  const metrics = new WorkerMetrics();
  const collector = { collectInBackground: jest.fn() };
  const service = new CacheListenerService(
    {
      cron: '* * * * * *',
      cacheMode,
      reconcileIntervalMs: 3_600_000,
      firstSnapshotTimeoutMs: 300_000,
      ...READ_OPTIONS,
    },
    DEFAULT_CACHE_TIMING,
    { watchOpen: positions.watch } as unknown as PositionRepository,
    { watchAll: triggers.watch } as unknown as TradeTriggerRepository,
    books,
    cache,
    new RejectReporter(metrics),
    collector as unknown as SymbolCollectorService,
    metrics,
    NO_LIQUIDATION,
    clock,
  );
  return { positions, triggers, books, cache, collector, service };
}

const ok = (value: OpenPosition): ParseResult<OpenPosition> => ({ ok: true, value });

describe('CacheListenerService', () => {
  afterEach(() => jest.useRealTimers());

  it('applies added, modified and removed changes to the books', () => {
    const { positions, triggers, books, cache, service } = setUp();
    service.onApplicationBootstrap();
    positions.emit([{ type: 'added', path: PATH, version: 10, result: ok(POSITION) }]);
    triggers.emit([]);
    expect(books.positionBook('spot', 'BTC-USDT')?.get(PATH)?.stopLoss).toBe(90);
    expect(books.positionBook('spot', 'BTC-USDT')?.versionOf(PATH)).toBe(10);
    expect(cache.stats().listenersLive).toBe(true);
    positions.emit([
      { type: 'modified', path: PATH, version: 20, result: ok({ ...POSITION, stopLoss: 80 }) },
    ]);
    expect(books.positionBook('spot', 'BTC-USDT')?.get(PATH)?.stopLoss).toBe(80);
    positions.emit([{ type: 'removed', path: PATH, version: 30 }]);
    expect(books.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    service.beforeApplicationShutdown();
  });

  it("counts a first snapshot only once the inserts it left waiting are merged, a turn's budget at a time", async () => {
    /** Every look at the clock finds 30 ms gone: each turn's 25 ms budget is spent at its first check. */
    class SlowClock extends ManualClock {
      private looks = 0;
      override now(): number {
        return super.now() + 30 * ++this.looks;
      }
    }
    const clock = new SlowClock();
    const { positions, triggers, books, cache, service } = setUp('listen', clock);
    // Whether a tick far above every stop would still walk the books: inserts wait unsorted in them.
    const waiting = () => ['A-USDT', 'B-USDT'].some((s) => books.positionBook('spot', s)?.mayCross(1e9));
    const waitingAtLoad: boolean[] = [];
    cache.onLoaded(() => waitingAtLoad.push(waiting()));
    service.onApplicationBootstrap();
    triggers.emit([]);
    // Two symbols' stops, each below the one before: every insert lands far from its ladder's tail.
    positions.emit(
      ['A-USDT', 'B-USDT'].flatMap((symbol) =>
        Array.from({ length: 100 }, (_, i) => {
          const path = `users/u1/openPositions/${symbol}-${i}`;
          const position = { ...POSITION, path, id: `${symbol}-${i}`, symbol, stopLoss: 90 - i / 10 };
          return { type: 'added' as const, path, version: 10, result: ok(position) };
        }),
      ),
    );
    for (let turn = 0; turn < 50 && waitingAtLoad.length === 0; turn++) {
      expect(cache.stats().listeners.openPositions).toBe(false);
      clock.runDeferred();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(waitingAtLoad).toEqual([false]);
    expect(cache.stats()).toMatchObject({ positions: 200, firstLoad: 'listeners' });
    service.beforeApplicationShutdown();
  });

  it('drops a document that turns invalid', () => {
    const { positions, books, service } = setUp();
    service.onApplicationBootstrap();
    positions.emit([{ type: 'added', path: PATH, version: 10, result: ok(POSITION) }]);
    const rejection = { field: 'size', problem: 'not_positive', reason: 'size.not_positive' } as const;
    positions.emit([{ type: 'modified', path: PATH, version: 20, result: { ok: false, rejection } }]);
    expect(books.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    service.beforeApplicationShutdown();
  });

  it('re-subscribes with backoff after an error, then reconciles at once', () => {
    jest.useFakeTimers();
    const { positions, triggers, cache, collector, service } = setUp();
    service.onApplicationBootstrap();
    positions.emit([]);
    triggers.emit([]);
    expect(cache.stats().firstLoad).toBe('listeners');
    positions.handlers?.onError(new Error('PERMISSION_DENIED'));
    expect(cache.stats().listeners.openPositions).toBe(false);
    expect(positions.unsubscriptions).toBe(1);
    expect(collector.collectInBackground).not.toHaveBeenCalled(); // loaded: the cron's next run reads
    jest.advanceTimersByTime(DEFAULT_CACHE_TIMING.listenerRetryBaseMs);
    expect(positions.subscriptions).toBe(2);
    positions.emit([]);
    expect(cache.stats().listeners.openPositions).toBe(true);
    expect(collector.collectInBackground).toHaveBeenCalledTimes(1);
    service.beforeApplicationShutdown();
  });

  it("restarts the first-snapshot wait at each part of a listener's first snapshot", () => {
    jest.useFakeTimers();
    const { positions, triggers, cache, service } = setUp();
    service.onApplicationBootstrap();
    const subscribed = cache.firstSnapshotsSince() as number;
    triggers.emit([]);
    jest.advanceTimersByTime(200_000);
    expect(cache.firstSnapshotsSince()).toBe(subscribed);
    positions.emit([], true); // one partition's first snapshot: the listener is not caught up yet
    expect(cache.stats().listeners.openPositions).toBe(false);
    expect(cache.firstSnapshotsSince()).toBe(subscribed + 200_000);
    positions.emit([]);
    expect(cache.firstSnapshotsSince()).toBeUndefined();
    expect(cache.stats().firstLoad).toBe('listeners');
    service.beforeApplicationShutdown();
  });

  it('loads the books by a full read at once when a listener fails before its first snapshot', () => {
    jest.useFakeTimers();
    const { positions, triggers, cache, collector, service } = setUp();
    service.onApplicationBootstrap();
    expect(cache.firstSnapshotsSince()).toBeDefined();
    triggers.emit([]);
    positions.handlers?.onError(new Error('UNAVAILABLE'));
    expect(collector.collectInBackground).toHaveBeenCalledTimes(1);
    // A failed first snapshot is not awaited any longer: the cron's runs read in full until one succeeds.
    expect(cache.firstSnapshotsSince()).toBeUndefined();
    expect(cache.hasLoaded()).toBe(false);
    service.beforeApplicationShutdown();
  });

  it('leaves no timer or listener after shutdown, even with a retry pending', () => {
    jest.useFakeTimers();
    const { positions, triggers, service } = setUp();
    service.onApplicationBootstrap();
    positions.handlers?.onError(new Error('UNAVAILABLE'));
    service.beforeApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
    expect(triggers.unsubscriptions).toBe(1);
    expect(positions.subscriptions).toBe(1);
  });

  /** A first snapshot larger than one slice: 5,000 positions, each its own document. */
  function bigSnapshot(): DocumentChange<OpenPosition>[] {
    return Array.from({ length: 5_000 }, (_, i) => {
      const path = `users/u${i}/openPositions/p`;
      return { type: 'added', path, version: 10, result: ok({ ...POSITION, path, uid: `u${i}` }) };
    });
  }

  it('applies a large first snapshot in slices, and is live only once all of it is in the books', async () => {
    const { positions, triggers, books, cache, service } = setUp();
    service.onApplicationBootstrap();
    triggers.emit([]);
    positions.emit(bigSnapshot());
    await Promise.resolve();
    await Promise.resolve();
    const firstTurn = books.count('position');
    expect(firstTurn).toBeGreaterThan(0);
    expect(firstTurn).toBeLessThan(5_000);
    expect(cache.stats().listeners.openPositions).toBe(false);
    await waitUntil(() => cache.stats().listeners.openPositions);
    expect(books.count('position')).toBe(5_000);
    service.beforeApplicationShutdown();
  });

  it('does not mark a listener live when its subscription failed while its snapshot was being applied', async () => {
    const { positions, books, cache, service } = setUp();
    service.onApplicationBootstrap();
    positions.emit(bigSnapshot());
    positions.handlers?.onError(new Error('UNAVAILABLE'));
    await waitUntil(() => books.count('position') === 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.stats().listeners.openPositions).toBe(false);
    service.beforeApplicationShutdown();
  });

  it('is live only after the last slice of a snapshot a watch thread sends in several', () => {
    const { positions, books, cache, service } = setUp();
    service.onApplicationBootstrap();
    positions.emit([{ type: 'added', path: PATH, version: 10, result: ok(POSITION) }], true);
    expect(books.count('position')).toBe(1);
    expect(cache.stats().listeners.openPositions).toBe(false);
    positions.emit([], false);
    expect(cache.stats().listeners.openPositions).toBe(true);
    service.beforeApplicationShutdown();
  });

  it('does not listen in poll mode', () => {
    const { positions, service } = setUp('poll');
    service.onApplicationBootstrap();
    expect(positions.subscriptions).toBe(0);
  });
});

/** Gives the loop turns until `done` holds (the listener yields between slices with setImmediate). */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}
