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
  const [spot, futures, instrument] = [gateway(), gateway(), gateway()];
  const as = (g: ReturnType<typeof gateway>) => g as unknown as FeedGateway;
  const service = new WatchedSymbolsService(
    books,
    new SymbolCache(books),
    new WorkerMetrics(),
    as(spot),
    as(futures),
    as(instrument),
  );
  return { books, spot, futures, service };
}

const UPDATED_MS = 1_700_000_000_000;
const withTrailing = (path: string, symbol: string, updatedMs: number) =>
  positionAt(
    { path, stopLoss: 90, takeProfit: null, trailing: rate(0.05) },
    { symbol, version: updatedMs * 1_000 },
  );

describe('WatchedSymbolsService: trailing stops', () => {
  it('asks a new symbol to recover from its oldest trailing stop’s update, before subscribing it', () => {
    const { books, spot, service } = setUp();
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
    const { books, spot, service } = setUp();
    books.applyPosition('users/u/openPositions/c', seenOpen(positionAt({ path: 'users/u/openPositions/c' })));
    service.sync();
    const late = withTrailing('users/u/openPositions/a', 'BTC-USDT', UPDATED_MS);
    books.applyPosition(late.entry.path, seenOpen(late));
    service.sync();
    expect(spot.recovered).toEqual([]);
  });
});
