import { positionAt, seenOpen } from '../../test/support/crossings';
import { rate } from '../../test/support/trailing-stops';
import type { FeedGateway } from '../market-feed/feed-gateway';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { CacheCore } from './cache-core';
import { SymbolCache } from './symbol-cache';
import { WatchedSymbolsService } from './watched-symbols.service';

/** A gateway that records what it is asked; the feeds themselves have specs of their own. */
function gateway() {
  const fake = {
    desired: new Set<string>(),
    recovered: [] as [string, number][],
    updateDesired: (symbols: Iterable<string>) => (fake.desired = new Set(symbols)),
    desiredSymbols: () => fake.desired,
    recoverFrom: (symbol: string, time: number) => fake.recovered.push([symbol, time]),
  };
  return fake;
}

function setUp() {
  const books = new CacheCore();
  const cache = new SymbolCache(books);
  const [spot, futures, instrument] = [gateway(), gateway(), gateway()];
  const as = (g: ReturnType<typeof gateway>) => g as unknown as FeedGateway;
  const service = new WatchedSymbolsService(
    books,
    cache,
    new WorkerMetrics(),
    as(spot),
    as(futures),
    as(instrument),
  );
  const load = () => cache.recordCollection({ ok: true, durationMs: 1, documentsRead: 1 });
  return { books, cache, spot, futures, instrument, service, load };
}

const UPDATED_MS = 1_700_000_000_000;
const withTrailing = (path: string, symbol: string, updatedMs: number) =>
  positionAt(
    { path, stopLoss: 90, takeProfit: null, trailing: rate(0.05) },
    { symbol, version: updatedMs * 1_000 },
  );

describe('WatchedSymbolsService: first load', () => {
  it('subscribes nothing until the books were filled whole, then everything at once', () => {
    const { books, cache, spot, service, load } = setUp();
    service.onModuleInit();
    books.applyPosition('users/u/openPositions/c', seenOpen(positionAt({ path: 'users/u/openPositions/c' })));
    service.sync();
    expect(spot.desired.size).toBe(0);
    const synced = jest.spyOn(service, 'sync');
    jest.useFakeTimers();
    try {
      load(); // the first full read: the service is told, and syncs on the next turn
      expect(cache.hasLoaded()).toBe(true);
      jest.runOnlyPendingTimers();
    } finally {
      jest.useRealTimers();
    }
    expect(synced).toHaveBeenCalled();
    expect([...spot.desired]).toEqual(['BTC-USDT']);
    service.onModuleDestroy();
  });

  it('counts both listeners’ first snapshots as a load too', () => {
    const { books, cache, spot, service } = setUp();
    books.applyPosition('users/u/openPositions/c', seenOpen(positionAt({ path: 'users/u/openPositions/c' })));
    cache.setCacheMode('listen');
    cache.setListenerLive('openPositions', true);
    service.sync();
    expect(spot.desired.size).toBe(0);
    cache.setListenerLive('tradeTriggers', true);
    service.sync();
    expect([...spot.desired]).toEqual(['BTC-USDT']);
  });
});

describe('WatchedSymbolsService: trailing stops', () => {
  it('asks a new symbol to recover from its oldest trailing stop’s update, before subscribing it', () => {
    const { books, spot, service, load } = setUp();
    load();
    const older = withTrailing('users/u/openPositions/a', 'ETH-USDT', UPDATED_MS);
    const newer = withTrailing('users/u/openPositions/b', 'ETH-USDT', UPDATED_MS + 60_000);
    books.applyPosition(older.entry.path, seenOpen(older));
    books.applyPosition(newer.entry.path, seenOpen(newer));
    books.applyPosition('users/u/openPositions/c', seenOpen(positionAt({ path: 'users/u/openPositions/c' })));
    service.sync();
    expect(spot.recovered).toEqual([['ETH-USDT', UPDATED_MS]]);
    expect([...spot.desired].sort()).toEqual(['BTC-USDT', 'ETH-USDT']);
  });

  it('leaves a symbol already subscribed alone: its live trades reach the stop from now on', () => {
    const { books, spot, service, load } = setUp();
    load();
    books.applyPosition('users/u/openPositions/c', seenOpen(positionAt({ path: 'users/u/openPositions/c' })));
    service.sync();
    const late = withTrailing('users/u/openPositions/a', 'BTC-USDT', UPDATED_MS);
    books.applyPosition(late.entry.path, seenOpen(late));
    service.sync();
    expect(spot.recovered).toEqual([]);
  });

  it('asks the instrument feed to rebuild an index trailing stop’s peak; a mark one has no history to ask', () => {
    const { books, instrument, service, load } = setUp();
    load();
    const trailing = (path: string, priceType: 'mark' | 'index', updatedMs: number) =>
      positionAt(
        { path, stopLoss: null, takeProfit: null, trailing: rate(0.05) },
        {
          symbol: priceType === 'index' ? 'XBTUSDTM' : 'ETHUSDTM',
          marketType: 'futures',
          priceType,
          version: updatedMs * 1_000,
        },
      );
    const onIndex = trailing('users/u/openPositions/i', 'index', UPDATED_MS);
    const onMark = trailing('users/u/openPositions/m', 'mark', UPDATED_MS - 60_000);
    books.applyPosition(onIndex.entry.path, seenOpen(onIndex));
    books.applyPosition(onMark.entry.path, seenOpen(onMark));
    service.sync();
    expect(instrument.recovered).toEqual([['XBTUSDTM', UPDATED_MS]]);
    expect([...instrument.desired].sort()).toEqual(['ETHUSDTM', 'XBTUSDTM']);
  });
});
