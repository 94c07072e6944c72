import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { OpenPosition } from '../domain/position';
import type { TradeTrigger } from '../domain/trade-trigger';
import type { CollectionRead, TakeParsed } from '../firestore/document-change';
import type { Gathered } from '../../test/support/gathered';
import type { PositionRepository } from '../firestore/position.repository';
import type { TradeTriggerRepository } from '../firestore/trade-trigger.repository';
import type { FeedGateway } from '../market-feed/feed-gateway';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { CacheCore } from './cache-core';
import { COLLECTOR_JOB, DEFAULT_CACHE_TIMING } from './cache.constants';
import type { LiquidationPolicy } from './liquidation-policy';
import { RejectReporter } from './reject-reporter';
import { SymbolCache } from './symbol-cache';
import { SymbolCollectorService } from './symbol-collector.service';
import { WatchedSymbolsService } from './watched-symbols.service';
import { waitFor } from '../../test/support/wait-for';

const READ_OPTIONS = {
  firstSnapshotTimeoutMs: 300_000,
  pageSize: 5_000,
  pageTimeoutMs: DEFAULT_CACHE_TIMING.pageTimeoutMs,
  probeTimeoutMs: DEFAULT_CACHE_TIMING.probeTimeoutMs,
};

const POSITION: OpenPosition = {
  path: 'users/u1/openPositions/p1',
  uid: 'u1',
  id: 'p1',
  symbol: 'BTC-USDT',
  marketType: 'spot',
  side: 'long',
  size: 1,
  entryPrice: 100,
  leverage: 1,
  stopLoss: 90,
  takeProfit: 120,
  triggerPriceType: 'last',
  liquidationPrice: null,
  trailingStop: null,
  status: 'open',
};
const BAD = {
  path: 'users/u2/openPositions/bad',
  collection: 'openPositions',
  rejection: { field: 'size', problem: 'not_positive', reason: 'size.not_positive' },
} as const;

function gateway(): FeedGateway & { desired: string[] } {
  const fake = {
    desired: [] as string[],
    updateDesired: (symbols: Iterable<string>) => (fake.desired = [...symbols]),
    desiredSymbols: () => new Set(fake.desired),
    recoverFrom: () => undefined,
  };
  return fake as unknown as FeedGateway & { desired: string[] };
}

/** These specs are about reading and listening; liquidation levels have specs of their own. */
const NO_LIQUIDATION = {
  levelOf: () => null,
  onChange: () => () => undefined,
} as unknown as LiquidationPolicy;

function setUp(liquidation: LiquidationPolicy = NO_LIQUIDATION, cacheMode: 'poll' | 'listen' = 'poll') {
  const reads: Array<() => Promise<Read<OpenPosition>>> = [];
  const positions = {
    loadOpen: jest.fn((_pages: unknown, take: TakeParsed<OpenPosition>) =>
      (reads.shift() ?? (() => Promise.resolve(read([POSITION]))))().then((done) => handed(done, take)),
    ),
    probe: jest.fn(() => Promise.resolve()),
  };
  const triggers = {
    loadAll: jest.fn((_pages: unknown, take: TakeParsed<TradeTrigger>) =>
      Promise.resolve(handed(read<TradeTrigger>([]), take)),
    ),
  };
  const books = new CacheCore();
  const cache = new SymbolCache(books);
  const metrics = new WorkerMetrics();
  const spot = gateway();
  const scheduler = new SchedulerRegistry();
  const watched = new WatchedSymbolsService(books, cache, metrics, spot, gateway(), gateway());
  const collector = new SymbolCollectorService(
    { cron: '*/30 * * * * *', cacheMode, reconcileIntervalMs: 3_600_000, ...READ_OPTIONS },
    DEFAULT_CACHE_TIMING,
    scheduler,
    positions as unknown as PositionRepository,
    triggers as unknown as TradeTriggerRepository,
    books,
    cache,
    new RejectReporter(metrics),
    watched,
    metrics,
    liquidation,
  );
  return { reads, positions, books, cache, metrics, spot, scheduler, collector };
}

type Read<T> = Gathered<T>;

/** What the repository does with a read: hands each parsed document to the caller, then returns the rest. */
function handed<T>({ values, ...done }: Read<T>, take: TakeParsed<T>): CollectionRead {
  for (const { value, version } of values) take(value, version);
  return done;
}

function read<T>(values: T[], rejects: Read<T>['rejects'] = []): Read<T> {
  return {
    values: values.map((value) => ({ value, version: 10 })),
    rejects,
    documentsRead: values.length + rejects.length,
    readVersion: 20,
  };
}

describe('SymbolCollectorService', () => {
  it('fills the books, subscribes the feeds to their symbols, and records the run', async () => {
    const { collector, books, cache, spot } = setUp();
    expect(await collector.collectAllSymbols()).toMatchObject({ kind: 'collected', documentsRead: 1 });
    expect(books.positionBook('spot', 'BTC-USDT')?.size).toBe(1);
    expect(books.positionBook('spot', 'BTC-USDT')?.versionOf(POSITION.path)).toBe(10);
    expect(spot.desired).toEqual(['BTC-USDT']);
    expect(cache.stats()).toMatchObject({ collections: 1, lastDocumentsRead: 1, consecutiveFailures: 0 });
  });

  it('never runs twice at once: an overlapping call is skipped and counted', async () => {
    const { collector, cache, reads, positions } = setUp();
    let release: (value: Read<OpenPosition>) => void = () => undefined;
    reads.push(() => new Promise((resolve) => (release = resolve)));
    const first = collector.collectAllSymbols();
    expect(await collector.collectAllSymbols()).toEqual({ kind: 'skipped_overlap' });
    release(read([POSITION]));
    expect(await first).toMatchObject({ kind: 'collected' });
    expect(positions.loadOpen).toHaveBeenCalledTimes(1);
    expect(cache.stats().skippedRuns).toBe(1);
  });

  it('keeps the previous books when a run fails, and succeeds again at the next run', async () => {
    const { collector, books, cache, reads } = setUp();
    await collector.collectAllSymbols();
    reads.push(() => Promise.reject(new Error('UNAVAILABLE')));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(await collector.collectAllSymbols()).toEqual({ kind: 'failed', error: 'UNAVAILABLE' });
    expect(books.positionBook('spot', 'BTC-USDT')?.size).toBe(1);
    expect(cache.stats()).toMatchObject({ consecutiveFailures: 1, lastError: 'UNAVAILABLE' });
    expect(await collector.collectAllSymbols()).toMatchObject({ kind: 'collected' });
    expect(cache.stats().consecutiveFailures).toBe(0);
  });

  it('turns a repository that throws at once (a terminated client) into a failed run, not a crash', async () => {
    const { collector, positions, cache } = setUp();
    positions.loadOpen.mockImplementationOnce(() => {
      throw new Error('The client has already been terminated');
    });
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const run = await collector.collectAllSymbols();
    expect(run).toEqual({ kind: 'failed', error: 'The client has already been terminated' });
    expect(cache.stats().consecutiveFailures).toBe(1);
  });

  it('counts rejected documents on every read but logs each one once', async () => {
    const { collector, reads, metrics } = setUp();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    for (let i = 0; i < 3; i++) reads.push(() => Promise.resolve(read([POSITION], [BAD])));
    for (let i = 0; i < 3; i++) await collector.collectAllSymbols();
    const counted = await metrics.documentsRejected.get();
    expect(counted.values).toEqual([
      expect.objectContaining({
        labels: { collection: 'openPositions', reason: 'size.not_positive' },
        value: 3,
      }),
    ]);
    expect(warn.mock.calls.filter(([message]) => String(message).includes(BAD.path))).toHaveLength(1);
  });

  it('reads everything again once the run under way ends, when the contract margins change', async () => {
    const futures: OpenPosition = { ...POSITION, symbol: 'XBTUSDTM', marketType: 'futures', leverage: 10 };
    let level: number | null = null;
    let marginsChanged: () => void = () => undefined;
    const policy = {
      levelOf: () => level,
      onChange: (listener: () => void) => ((marginsChanged = listener), () => undefined),
    } as unknown as LiquidationPolicy;
    const { collector, books, reads, positions } = setUp(policy);
    let release: (value: Read<OpenPosition>) => void = () => undefined;
    reads.push(() => new Promise((resolve) => (release = resolve)));
    reads.push(() => Promise.resolve(read([futures])));
    collector.onApplicationBootstrap(); // the first run starts, its read pending
    level = 95;
    marginsChanged();
    await new Promise((resolve) => setImmediate(resolve));
    expect(positions.loadOpen).toHaveBeenCalledTimes(1); // no overlapping run
    release(read([futures])); // read before the change: no level yet
    await waitFor('the second run', () => positions.loadOpen.mock.calls.length === 2);
    await waitFor(
      'its level in the mark book',
      () => books.positionBook('mark', 'XBTUSDTM')?.get(futures.path)?.liquidation === 95,
    );
    await collector.beforeApplicationShutdown();
  });

  it("in listen mode reads nothing at start: the listeners' first snapshots are the first load", async () => {
    const { collector, positions } = setUp(NO_LIQUIDATION, 'listen');
    collector.onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(positions.loadOpen).not.toHaveBeenCalled();
    await collector.beforeApplicationShutdown();
  });

  it('reads nothing when the margins change with no futures position in the books, and no run under way', async () => {
    let marginsChanged: () => void = () => undefined;
    const policy = {
      levelOf: () => null,
      onChange: (listener: () => void) => ((marginsChanged = listener), () => undefined),
    } as unknown as LiquidationPolicy;
    const { collector, positions, reads } = setUp(policy, 'listen');
    collector.onApplicationBootstrap();
    marginsChanged(); // the first margins, before any document: levels still to come use them
    await new Promise((resolve) => setImmediate(resolve));
    expect(positions.loadOpen).not.toHaveBeenCalled();
    // With a futures position in the books its level may be stale: everything is read again.
    const futures: OpenPosition = { ...POSITION, symbol: 'XBTUSDTM', marketType: 'futures', leverage: 10 };
    reads.push(() => Promise.resolve(read([futures])));
    await collector.collectAllSymbols();
    marginsChanged();
    await waitFor('the read after the change', () => positions.loadOpen.mock.calls.length === 2);
    await collector.beforeApplicationShutdown();
  });

  it('while a listener is down, a cron run reads in full only once the last read is as old as it was long', async () => {
    const { collector, positions, cache, scheduler } = setUp(NO_LIQUIDATION, 'listen');
    collector.onApplicationBootstrap();
    cache.recordListenerFailure(); // the listeners are not live: the runs fall back to full reads
    const cronRun = async (): Promise<void> => {
      await scheduler.getCronJob(COLLECTOR_JOB).fireOnTick();
      await new Promise((resolve) => setImmediate(resolve));
    };
    cache.recordCollection({ ok: true, durationMs: 600_000, documentsRead: 1 }); // a 10-minute read, just ended
    await cronRun();
    expect(positions.loadOpen).not.toHaveBeenCalled();
    expect(positions.probe).toHaveBeenCalledTimes(1); // the run between reads still probes
    cache.recordCollection({ ok: true, durationMs: 0, documentsRead: 1 });
    await cronRun();
    expect(positions.loadOpen).toHaveBeenCalledTimes(1);
    await collector.beforeApplicationShutdown();
  });

  it('waits at shutdown for a probe under way: the client must not close under a starting query', async () => {
    const { collector, positions, cache, scheduler } = setUp(NO_LIQUIDATION, 'listen');
    let answer: () => void = () => undefined;
    positions.probe.mockImplementationOnce(() => new Promise<void>((resolve) => (answer = resolve)));
    collector.onApplicationBootstrap();
    cache.setListenerLive('openPositions', true);
    cache.setListenerLive('tradeTriggers', true);
    cache.recordCollection({ ok: true, durationMs: 10, documentsRead: 1 }); // reconciled just now: probe
    await scheduler.getCronJob(COLLECTOR_JOB).fireOnTick();
    expect(positions.probe).toHaveBeenCalledTimes(1);
    let shutDown = false;
    const shutdown = collector.beforeApplicationShutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shutDown).toBe(false);
    answer();
    await shutdown;
    expect(positions.loadOpen).not.toHaveBeenCalled();
  });

  it('registers a cron job at start-up and removes it at shutdown', async () => {
    const { collector, scheduler, cache } = setUp();
    collector.onApplicationBootstrap();
    expect(scheduler.getCronJob(COLLECTOR_JOB).isActive).toBe(true);
    await collector.beforeApplicationShutdown();
    expect(scheduler.doesExist('cron', COLLECTOR_JOB)).toBe(false);
    expect(cache.stats().collections).toBe(1);
  });
});
