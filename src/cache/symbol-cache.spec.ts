import type { Located } from './book-set';
import type { PositionEntry, PositionHit, TriggerEntry, TriggerHit } from './book/book.types';
import { SymbolCache } from './symbol-cache';

const P1 = 'users/u1/openPositions/p1';
const T1 = 'users/u1/tradeTriggers/t1';

function position(overrides: Partial<PositionEntry> = {}, symbol = 'BTC-USDT'): Located<PositionEntry> {
  return {
    marketType: 'spot',
    symbol,
    entry: { path: P1, side: 'long', size: 1, stopLoss: 90, takeProfit: 110, ...overrides },
  };
}

function trigger(overrides: Partial<TriggerEntry> = {}): Located<TriggerEntry> {
  return {
    marketType: 'futures',
    symbol: 'XBTUSDTM',
    entry: { path: T1, condition: 'above', targetPrice: 100, ...overrides },
  };
}

function positionHit(item = position()): PositionHit {
  return { kind: 'position', ...item, reason: 'stop_loss', level: item.entry.stopLoss ?? 0 };
}

function triggerHit(item = trigger()): TriggerHit {
  return { kind: 'trigger', ...item, level: item.entry.targetPrice };
}

function collect(
  cache: SymbolCache,
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[] = [],
) {
  return cache.finishCollection(cache.beginCollection(), positions, triggers);
}

describe('SymbolCache', () => {
  let cache: SymbolCache;
  beforeEach(() => {
    cache = new SymbolCache();
    collect(cache, [position()], [trigger()]);
  });

  it('serves books by market and symbol, and watches symbols with anything in them', () => {
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(position().entry);
    expect(cache.positionBook('futures', 'BTC-USDT')).toBeUndefined();
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.size).toBe(1);
    expect(cache.watchedSymbols('spot')).toEqual(['BTC-USDT']);
    expect(cache.watchedSymbols('futures')).toEqual(['XBTUSDTM']);
    expect(cache.stats()).toMatchObject({ positions: 1, triggers: 1, symbols: { spot: 1, futures: 1 } });
  });

  it('keeps a checked-out entry out of the book, even when a collection reads it again', () => {
    cache.checkOut(positionHit());
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    collect(cache, [position()]);
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.stats().inFlight).toBe(1);
    expect(cache.watchedSymbols('spot')).toEqual(['BTC-USDT']);
  });

  it('forgets a settled entry, and restores a retried one', () => {
    cache.checkOut(positionHit());
    cache.checkOut(triggerHit());
    cache.settle(triggerHit());
    cache.restore(positionHit());
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(position().entry);
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    expect(cache.stats().inFlight).toBe(0);
    expect(cache.watchedSymbols('futures')).toEqual([]);
  });

  it('restores the latest version a listener delivered while the entry was in flight, in its new book', () => {
    cache.checkOut(positionHit());
    cache.applyPosition(P1, position({ stopLoss: 80 }, 'ETH-USDT'));
    expect(cache.positionBook('spot', 'ETH-USDT')).toBeUndefined();
    cache.restore(positionHit());
    expect(cache.positionBook('spot', 'ETH-USDT')?.get(P1)?.stopLoss).toBe(80);
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
  });

  it('restores the version an execution just read, when nothing newer is known', () => {
    cache.checkOut(positionHit());
    cache.restore(positionHit(), position({ stopLoss: 70 }));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(70);

    cache.checkOut(triggerHit());
    cache.restore(triggerHit(), trigger({ targetPrice: 120 }));
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.get(T1)?.targetPrice).toBe(120);
  });

  it('keeps a listener change over the version an execution read, as either may be the newer', () => {
    cache.checkOut(positionHit());
    cache.applyPosition(P1, position({ stopLoss: 80 }));
    cache.restore(positionHit(), position({ stopLoss: 70 }));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);

    cache.checkOut(positionHit());
    cache.applyPosition(P1);
    cache.restore(positionHit(), position({ stopLoss: 70 }));
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
  });

  it('does not restore an entry that left Firestore while in flight (listener or later collection)', () => {
    cache.checkOut(positionHit());
    cache.applyPosition(P1);
    cache.restore(positionHit());
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();

    cache.checkOut(triggerHit());
    collect(cache, [], []);
    cache.restore(triggerHit());
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
  });

  it('does not take a read that started before the checkout as proof the entry is gone', () => {
    const ticket = cache.beginCollection();
    cache.checkOut(positionHit());
    cache.finishCollection(ticket, [], [trigger()]);
    cache.restore(positionHit());
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toBeDefined();
  });

  it('replays listener changes that arrive during a read onto the books it swaps in', () => {
    const ticket = cache.beginCollection();
    cache.applyTrigger(T1);
    const added = position({ path: 'users/u2/openPositions/p2' }, 'SOL-USDT');
    cache.applyPosition(added.entry.path, added);
    const outcome = cache.finishCollection(ticket, [position()], [trigger()]);
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    expect(cache.positionBook('spot', 'SOL-USDT')?.size).toBe(1);
    expect(outcome).toEqual({
      kind: 'swapped',
      positions: { added: 0, removed: 0, updated: 0 },
      triggers: { added: 0, removed: 0, updated: 0 },
    });
  });

  it('keeps serving the live books while building in steps, and swaps in changes made meanwhile', async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      position({ path: `users/u/openPositions/${i}` }, `S${i}-USDT`),
    );
    let pauses = 0;
    const done = cache.finishCollectionInSteps(
      cache.beginCollection(),
      [position(), ...many],
      [trigger()],
      () => {
        pauses++;
        if (pauses === 3) {
          expect(cache.positionBook('spot', 'S1-USDT')).toBeUndefined(); // not swapped in yet
          cache.applyPosition(many[1].entry.path); // closed meanwhile
          cache.checkOut(positionHit()); // checked out meanwhile
          cache.applyTrigger(T1, trigger({ targetPrice: 150 })); // modified meanwhile
        }
        return Promise.resolve();
      },
    );
    const outcome = await done;
    expect(pauses).toBeGreaterThan(60);
    expect(cache.positionBook('spot', 'S0-USDT')?.size).toBe(1);
    expect(cache.positionBook('spot', 'S1-USDT')).toBeUndefined();
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.get(T1)?.targetPrice).toBe(150);
    expect(outcome).toMatchObject({ kind: 'swapped', positions: { added: 59, removed: 0, updated: 0 } });
    cache.restore(positionHit());
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(position().entry);
  });

  it('counts what a collection changes as repairs', () => {
    const other = position({ path: 'users/u3/openPositions/p3' });
    const outcome = collect(cache, [position({ takeProfit: 120 }), other], []);
    expect(outcome).toEqual({
      kind: 'swapped',
      positions: { added: 1, removed: 0, updated: 1 },
      triggers: { added: 0, removed: 1, updated: 0 },
    });
  });

  it('drops a position whose levels are both removed, and its symbol with it', () => {
    cache.applyPosition(P1, position({ stopLoss: null, takeProfit: null }));
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.watchedSymbols('spot')).toEqual([]);
  });

  it('tells watchers when something changed', () => {
    const watcher = jest.fn();
    const stop = cache.onChange(watcher);
    cache.checkOut(positionHit());
    cache.restore(positionHit());
    stop();
    cache.applyPosition(P1);
    expect(watcher).toHaveBeenCalledTimes(2);
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
