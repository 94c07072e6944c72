import {
  P1,
  T1,
  positionAt,
  positionHit,
  seenGone,
  seenOpen,
  tickAt,
  triggerAt,
  triggerHit,
} from '../../test/support/crossings';
import type { Hit, Located, PendingCrossing, PositionEntry, TriggerEntry } from '../domain/crossing';
import { type TurnBudget } from './book/stepwise';
import { type FullReadOf, collectInto, fullRead } from '../../test/support/collections';
import { CacheCore, type CollectionTicket } from './cache-core';

function collect(
  cache: CacheCore,
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[] = [],
  readAt = 50,
) {
  return collectInto(cache, fullRead(positions, triggers, readAt));
}

/** A collection whose read finds `input`, running `during` before its first document is taken. */
async function collectWith(
  cache: CacheCore,
  ticket: CollectionTicket,
  input: FullReadOf,
  during: () => void,
) {
  return collectInto(cache, input, { ticket, beforeDocument: (n) => n === 0 && during() });
}

const CRASH = tickAt(85);

describe('CacheCore', () => {
  let cache: CacheCore;
  beforeEach(async () => {
    cache = new CacheCore();
    await collect(cache, [positionAt()], [triggerAt()]);
  });

  it("merges a first snapshot's waiting inserts a book at a time, within the turn's budget", () => {
    const listened = new CacheCore();
    for (const symbol of ['BTC-USDT', 'ETH-USDT'])
      for (let i = 0; i < 200; i++) {
        const path = `users/u/openPositions/${symbol}-${i}`;
        // Stops below each other: every insert lands at the head, far from the tail, and waits.
        const item = positionAt({ path, stopLoss: 90 - i * 0.1, takeProfit: null }, { symbol, version: 10 });
        listened.applyPosition(path, seenOpen(item));
      }
    // Waiting inserts leave a book's highest key unknown: any tick, however far above every stop, walks it.
    const pending = () =>
      ['BTC-USDT', 'ETH-USDT'].filter((symbol) => listened.positionBook('spot', symbol)?.mayCross(1e9));
    expect(pending()).toEqual(['BTC-USDT', 'ETH-USDT']);
    let now = 0;
    const slowClock = () => (now += 30); // every look at the clock finds a 25 ms budget spent
    expect(listened.mergePendingInserts(25, slowClock)).toBe(false);
    expect(pending()).toHaveLength(1);
    expect(listened.mergePendingInserts(25, slowClock)).toBe(false);
    expect(pending()).toEqual([]);
    expect(listened.mergePendingInserts(25, slowClock)).toBe(true);
    // Merged, the books cross as before: the 200 stops of one symbol from 90 down to 70.1.
    const out: Hit[] = [];
    expect(listened.positionBook('spot', 'BTC-USDT')?.mayCross(95)).toBe(false);
    expect(listened.crossedBy(tickAt(80, { symbol: 'BTC-USDT' }), out)).toBe(101);
  });

  it("merges a book's two ladders in separate steps", () => {
    const listened = new CacheCore();
    for (let i = 0; i < 200; i++) {
      const path = `users/u/openPositions/p${i}`;
      // Stops ever lower, take-profits ever higher: both ladders' inserts land far from their tails and wait.
      const levels = { path, stopLoss: 90 - i * 0.1, takeProfit: 110 + i * 0.1 };
      listened.applyPosition(path, seenOpen(positionAt(levels, { symbol: 'BTC-USDT', version: 10 })));
    }
    // No level is near 100: only waiting inserts (a ladder's highest key unknown) make it a maybe.
    const waiting = () => listened.positionBook('spot', 'BTC-USDT')?.mayCross(100);
    let now = 0;
    const slowClock = () => (now += 30); // every look at the clock finds a 25 ms budget spent
    expect(waiting()).toBe(true);
    expect(listened.mergePendingInserts(25, slowClock)).toBe(false);
    expect(waiting()).toBe(true); // one ladder merged, the other's inserts still wait
    expect(listened.mergePendingInserts(25, slowClock)).toBe(false);
    expect(waiting()).toBe(false);
    expect(listened.mergePendingInserts(25, slowClock)).toBe(true);
    const out: Hit[] = [];
    expect(listened.crossedBy(tickAt(80, { symbol: 'BTC-USDT' }), out)).toBe(101);
    expect(listened.crossedBy(tickAt(120, { symbol: 'BTC-USDT' }), out)).toBe(101);
  });

  it('serves books by market and symbol, and watches symbols with anything in them', () => {
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(positionAt().entry);
    expect(cache.positionBook('futures', 'BTC-USDT')).toBeUndefined();
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.size).toBe(1);
    expect(cache.watchedSymbols('spot')).toEqual(['BTC-USDT']);
    expect(cache.watchedSymbols('futures')).toEqual(['XBTUSDTM']);
  });

  it('evaluates a document only on the price it watches: trades the last-price books, mark ticks the mark books', async () => {
    const onMark = positionAt(
      { path: 'users/u2/openPositions/mark' },
      { symbol: 'XBTUSDTM', marketType: 'futures', priceType: 'mark' },
    );
    const onLast = positionAt(
      { path: 'users/u2/openPositions/last' },
      { symbol: 'XBTUSDTM', marketType: 'futures' },
    );
    await collect(cache, [onMark, onLast], []);
    expect(cache.positionBook('mark', 'XBTUSDTM')?.get(onMark.entry.path)).toBeDefined();
    expect(cache.positionBook('futures', 'XBTUSDTM')?.get(onMark.entry.path)).toBeUndefined();
    expect(cache.watchedSymbols('mark')).toEqual(['XBTUSDTM']);
    expect(cache.watchedSymbols('index')).toEqual([]);
    expect(cache.watchedSymbols('futures', 'mark', 'index')).toEqual(['XBTUSDTM']);
    const where = { symbol: 'XBTUSDTM', marketType: 'futures' } as const;

    const byTrade: Hit[] = [];
    cache.crossedBy(tickAt(85, where), byTrade);
    expect(byTrade.map((hit) => hit.entry.path)).toEqual([onLast.entry.path]);
    const byIndex: Hit[] = [];
    expect(cache.crossedBy(tickAt(85, { ...where, priceType: 'index' }), byIndex)).toBe(0);
    const byMark: Hit[] = [];
    cache.crossedBy(tickAt(85, { ...where, priceType: 'mark' }), byMark);
    expect(byMark).toEqual([expect.objectContaining({ priceType: 'mark', entry: onMark.entry, level: 90 })]);
  });

  it('ends a pending crossing whose document moved to another price type: its price no longer applies', () => {
    const onMark = positionAt({}, { symbol: 'XBTUSDTM', marketType: 'futures', priceType: 'mark' });
    const crossing = cache.checkOut(
      positionHit(onMark),
      tickAt(85, { symbol: 'XBTUSDTM', marketType: 'futures', priceType: 'mark' }),
    );
    expect(crossing).toBeDefined();
    const nowOnLast = positionAt({}, { symbol: 'XBTUSDTM', marketType: 'futures', version: 20 });
    expect(cache.putBack(crossing!, seenOpen(nowOnLast))).toBe(false);
    expect(cache.positionBook('futures', 'XBTUSDTM')?.get(P1)).toBeDefined();
  });

  it('finds what a tick crosses, and checks it out as a crossing with that tick', () => {
    const hits: ReturnType<typeof positionHit>[] = [];
    expect(cache.crossedBy(tickAt(95), hits)).toBe(0);
    expect(cache.crossedBy(CRASH, hits)).toBe(1);
    const crossing = cache.checkOut(hits[0], CRASH);
    expect(crossing).toMatchObject({ hit: positionHit(), price: 85, tickTime: 1_000, crossedAt: 1_005 });
    expect(cache.checkOut(hits[0], tickAt(80))).toBeUndefined(); // one crossing per document at a time
    expect(cache.crossedBy(tickAt(80), [])).toBe(0);
    expect(cache.pendingStats()).toEqual({
      count: 1,
      retrying: 0,
      oldestCrossedAt: 1_005,
      earliestTickTime: { spot: 1_000 },
    });
  });

  it('keeps a document out once a transaction saw its levels cleared, whatever older change the listener brings late', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    // The transaction reads the document newer than the listener has delivered: open, nothing to watch.
    const cleared = positionAt({ stopLoss: null, takeProfit: null }, { version: 60 });
    expect(cache.putBack(crossing, seenOpen(cleared))).toBe(false);
    // The listener then delivers an older change, which still had levels (found by the model spec).
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 70 }, { version: 55 })));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toBeUndefined();
    // A newer one is taken.
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 60 }, { version: 61 })));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(60);
  });

  it('keeps a pending document out of the books, even when a collection reads it again', async () => {
    cache.checkOut(positionHit(), CRASH);
    await collect(cache, [positionAt()], [triggerAt()]);
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.watchedSymbols('spot')).toEqual(['BTC-USDT']);
  });

  it('forgets a written crossing, and puts back one whose current levels the price does not cross', () => {
    const position = cache.checkOut(positionHit(), CRASH)!;
    const trigger = cache.checkOut(triggerHit(), tickAt(101, { symbol: 'XBTUSDTM', marketType: 'futures' }))!;
    cache.settle(trigger, seenGone(11));
    expect(cache.putBack(position, seenOpen(positionAt({ stopLoss: 80 }, { version: 12 })))).toBe(false);
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    expect(cache.isPending(position) || cache.isPending(trigger)).toBe(false);
    expect(cache.watchedSymbols('futures')).toEqual([]);
  });

  it('keeps a crossing pending through failures, with its tick', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.keepPending(crossing);
    cache.keepPending(crossing);
    expect(cache.isPending(crossing)).toBe(true);
    expect(cache.pendingStats()).toMatchObject({ count: 1, retrying: 1 });
  });

  it('re-judges a pending crossing on a newer sighting: still crossed stays, moved away ends', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 88 }, { version: 20 }))); // tightened: 85 still crosses
    expect(cache.isPending(crossing)).toBe(true);
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 70 }, { version: 30 }))); // loosened: 85 does not
    expect(cache.isPending(crossing)).toBe(false);
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(70);
  });

  it('ends a pending crossing whose document a listener saw leave, and a late put-back does not revive it', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.applyPosition(P1, seenGone(20));
    expect(cache.isPending(crossing)).toBe(false);
    cache.putBack(crossing, seenOpen(positionAt({ stopLoss: 80 }, { version: 15 })));
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
  });

  it('stays pending when a transaction read an older version than a sighting that still crosses', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 88 }, { version: 20 })));
    expect(cache.putBack(crossing, seenOpen(positionAt({ stopLoss: 80 }, { version: 15 })))).toBe(true);
    expect(cache.isPending(crossing)).toBe(true);
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
  });

  it('takes a full read as proof a pending document is gone only if read after its version', async () => {
    const late = positionAt({}, { version: 60 }); // created after the read below
    cache.applyPosition(P1, seenOpen(late));
    const crossing = cache.checkOut(positionHit(late), CRASH)!;
    await collect(cache, [], [triggerAt()], 50);
    expect(cache.isPending(crossing)).toBe(true);
    await collect(cache, [], [triggerAt()], 70);
    expect(cache.isPending(crossing)).toBe(false);
    cache.release(crossing);
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
  });

  // The read, at 70, does not find P1 (version 10). The sweep passes the books while P1 is still pending,
  // and the crossing ends at the sweep's first pause with a sighting older than the read.
  const loosenedBeforeTheRead = () => seenOpen(positionAt({ stopLoss: 70 }, { version: 20 })); // 85 no longer crosses
  it.each<[string, (crossing: PendingCrossing) => void]>([
    ['released (a shutdown)', (crossing) => cache.release(crossing)],
    [
      'put back (the write found it uncrossed)',
      (crossing) => cache.putBack(crossing, loosenedBeforeTheRead()),
    ],
    ["ended by a listener's late change", () => cache.applyPosition(P1, loosenedBeforeTheRead())],
  ])(
    'does not let a crossing %s during the sweep bring back a document the swept read did not find',
    async (_, end) => {
      const other = positionAt({ path: 'users/u2/openPositions/p2' });
      cache.applyPosition(other.entry.path, seenOpen(other));
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      const ticket = cache.beginCollection();
      cache.takeRead(ticket, 'position', other);
      cache.takeRead(ticket, 'trigger', triggerAt());
      let endedAtPause = false;
      const outcome = await cache.finishCollectionInSteps(ticket, { positions: 70, triggers: 70 }, () => {
        if (!endedAtPause) end(crossing);
        endedAtPause = true;
        return Promise.resolve();
      });
      expect(outcome.kind).toBe('reconciled');
      expect(endedAtPause).toBe(true);
      expect(cache.isPending(crossing)).toBe(false);
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toBeUndefined();
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(other.entry.path)).toEqual(other.entry);
    },
  );

  it('releases a crossing at shutdown into the books in its newest version', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.release(crossing);
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(positionAt().entry);
    expect(cache.pendingStats().count).toBe(0);
  });

  it('does not let a late sighting older than the last full read bring back a document it did not find', async () => {
    await collect(cache, [], [], 70);
    cache.applyPosition(P1, seenOpen(positionAt({}, { version: 60 })));
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    cache.applyPosition(P1, seenOpen(positionAt({}, { version: 80 })));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(positionAt().entry);
  });

  it('does not let a listener change older than a written crossing bring the position back', () => {
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.settle(crossing, seenGone(61)); // written over the version 60 the transaction read
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 88 }, { version: 60 }))); // the listener, late
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    cache.applyPosition(P1, seenOpen(positionAt({}, { version: 70 }))); // reopened later: watched again
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(positionAt().entry);
  });

  it('never lets an older sighting overwrite a newer one in the books', () => {
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 80 }, { version: 30 })));
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 70 }, { version: 20 })));
    cache.applyPosition(P1, seenGone(25));
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);
  });

  it('keeps changes that arrive during a read over what the read found, by version', async () => {
    const ticket = cache.beginCollection();
    cache.applyTrigger(T1, seenGone(65));
    const added = positionAt({ path: 'users/u2/openPositions/p2' }, { symbol: 'SOL-USDT', version: 62 });
    cache.applyPosition(added.entry.path, seenOpen(added));
    const stale = positionAt({ path: 'users/u3/openPositions/p3' }, { symbol: 'ADA-USDT', version: 56 });
    cache.applyPosition(stale.entry.path, seenOpen(stale));
    // The read did not find p3.
    const outcome = await collectInto(cache, fullRead([positionAt()], [triggerAt()], 60), { ticket });
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    expect(cache.positionBook('spot', 'SOL-USDT')?.size).toBe(1);
    expect(cache.positionBook('spot', 'ADA-USDT')).toBeUndefined();
    expect(outcome).toEqual({
      kind: 'reconciled',
      positions: { added: 0, removed: 1, updated: 0 },
      triggers: { added: 0, removed: 0, updated: 0 },
    });
  });

  it('sweeps out only what the read did not find and nothing changed since its first page', async () => {
    const ticket = cache.beginCollection();
    const later = positionAt({ path: 'users/u2/openPositions/p2' }, { symbol: 'SOL-USDT', version: 70 });
    let pauses = 0;
    const outcome = await collectInto(cache, fullRead([], [], 60), {
      ticket,
      beforeDocument: () => undefined,
      pause: () => {
        if (++pauses === 1) {
          cache.applyPosition(later.entry.path, seenOpen(later)); // opened after the read began: kept
          const stale = positionAt(
            { path: 'users/u3/openPositions/p3' },
            { symbol: 'ADA-USDT', version: 55 },
          );
          cache.applyPosition(stale.entry.path, seenOpen(stale)); // older than the read, which did not find it
        }
        return Promise.resolve();
      },
    });
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.positionBook('spot', 'SOL-USDT')?.size).toBe(1);
    expect(cache.positionBook('spot', 'ADA-USDT')).toBeUndefined();
    expect(outcome).toMatchObject({ positions: { removed: 1 }, triggers: { removed: 1 } });
  });

  it('leaves the sweep to the newest collection, and counts what a failed one repaired', async () => {
    const first = cache.beginCollection();
    cache.takeRead(first, 'position', positionAt({ stopLoss: 80 }, { version: 20 }));
    const second = cache.beginCollection();
    cache.takeRead(first, 'position', positionAt({ stopLoss: 70 }, { version: 30 })); // too late: ignored
    expect(
      await cache.finishCollectionInSteps(first, fullRead([]).readTimes, () => Promise.resolve()),
    ).toEqual({
      kind: 'superseded',
    });
    expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);
    expect(cache.abortCollection(first)).toBeUndefined();
    expect(cache.abortCollection(second)?.position).toEqual({ added: 0, removed: 0, updated: 0 });
  });

  it('applies a recovered trade or candle only to documents last updated at or before its time', () => {
    cache.applyPosition(P1, seenOpen(positionAt({}, { version: 1_700_000_000_000_000 + 60 })));
    const old = tickAt(85, { exchangeTime: 1_700_000_000_000 });
    expect(cache.crossedBy({ ...old, source: 'backfill' }, [])).toBe(0);
    expect(cache.crossedBy(old, [])).toBe(1); // a live trade is judged on the levels as they are
    expect(cache.crossedBy({ ...old, exchangeTime: 1_700_000_000_001, source: 'backfill' }, [])).toBe(1);
  });

  it('repairs the live books as the read arrives, and sweeps in turns while ticks are served', async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      positionAt({ path: `users/u/openPositions/${i}` }, { symbol: `S${i}-USDT` }),
    );
    let pauses = 0;
    const outcome = await collectInto(cache, fullRead([positionAt(), ...many], [triggerAt()]), {
      beforeDocument: (n) => {
        if (n !== 30) return;
        expect(cache.positionBook('spot', 'S1-USDT')?.size).toBe(1); // repaired already
        cache.applyPosition(many[1].entry.path, seenGone(60)); // closed meanwhile
        cache.checkOut(positionHit(), CRASH); // crossed meanwhile
        cache.applyTrigger(T1, seenOpen(triggerAt({ targetPrice: 150 }, { version: 61 }))); // modified meanwhile
      },
      pause: () => {
        pauses += 1;
        expect(cache.positionBook('spot', 'S0-USDT')?.size).toBe(1); // served while the sweep runs
        return Promise.resolve();
      },
    });
    expect(pauses).toBeGreaterThanOrEqual(60); // a turn at least per book
    expect(cache.positionBook('spot', 'S0-USDT')?.size).toBe(1);
    expect(cache.positionBook('spot', 'S1-USDT')).toBeUndefined();
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.get(T1)?.targetPrice).toBe(150);
    // S1 was missing when the read found it: a repair, though a listener closed it since.
    expect(outcome).toMatchObject({ kind: 'reconciled', positions: { added: 60, removed: 0, updated: 0 } });
    expect(cache.pendingStats().count).toBe(1);
  });

  describe('changes to a pending crossing before the read reaches it', () => {
    it('a put-back with moved levels is kept', async () => {
      const ticket = cache.beginCollection();
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, ticket, fullRead([positionAt()], [triggerAt()]), () => {
        cache.putBack(crossing, seenOpen(positionAt({ stopLoss: 80 }, { version: 55 })));
      });
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);
    });

    it('a put-back of the version the read saw is kept', async () => {
      const ticket = cache.beginCollection();
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, ticket, fullRead([positionAt({ stopLoss: 80 }, { version: 45 })]), () => {
        cache.putBack(crossing, seenOpen(positionAt({ stopLoss: 80 }, { version: 45 })));
      });
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(80);
    });

    it('a release (shutdown) is kept', async () => {
      const ticket = cache.beginCollection();
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, ticket, fullRead([positionAt()]), () => cache.release(crossing));
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)).toEqual(positionAt().entry);
    });

    it('a listener change that moves the levels away installs the new level, not the read one', async () => {
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, cache.beginCollection(), fullRead([positionAt()]), () => {
        cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 70 }, { version: 55 })));
      });
      expect(cache.isPending(crossing)).toBe(false);
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(70);
    });

    it('a listener change that keeps it crossed is kept for the crossing, and the read does not undo it', async () => {
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, cache.beginCollection(), fullRead([positionAt()]), () => {
        cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 95 }, { version: 55 })));
      });
      expect(cache.isPending(crossing)).toBe(true);
      expect(cache.putBack(crossing, seenOpen(positionAt({ stopLoss: 90 }, { version: 10 })))).toBe(true);
      cache.release(crossing);
      expect(cache.positionBook('spot', 'BTC-USDT')?.get(P1)?.stopLoss).toBe(95);
    });

    it('a written crossing is not brought back by the read that saw it open', async () => {
      const crossing = cache.checkOut(positionHit(), CRASH)!;
      await collectWith(cache, cache.beginCollection(), fullRead([positionAt()]), () => {
        cache.settle(crossing, seenGone(11));
      });
      expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    });
  });

  it('counts what a collection changes as repairs, and nothing for an unchanged read', async () => {
    const other = positionAt({ path: 'users/u3/openPositions/p3' });
    expect(await collect(cache, [positionAt({ takeProfit: 120 }), other], [])).toEqual({
      kind: 'reconciled',
      positions: { added: 1, removed: 0, updated: 1 },
      triggers: { added: 0, removed: 1, updated: 0 },
    });
    expect(await collect(cache, [positionAt({ takeProfit: 120 }), other], [])).toMatchObject({
      positions: { added: 0, removed: 0, updated: 0 },
    });
  });

  it('refuses a trigger whose id was reused until its document goes, without counting repairs', async () => {
    const refused: string[] = [];
    cache = new CacheCore((path) => refused.push(path));
    await collect(cache, [], [triggerAt()]);
    const crossing = cache.checkOut(
      triggerHit(),
      tickAt(101, { symbol: 'XBTUSDTM', marketType: 'futures' }),
    )!;
    cache.refuse(crossing);
    expect(refused).toEqual([T1]);
    cache.applyTrigger(T1, seenOpen(triggerAt({ targetPrice: 120 }, { version: 60 })));
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    expect(await collect(cache, [], [triggerAt()], 70)).toMatchObject({
      triggers: { added: 0, removed: 0, updated: 0 },
    });
    expect(cache.triggerBook('futures', 'XBTUSDTM')).toBeUndefined();
    cache.applyTrigger(T1, seenGone(80)); // deleted: a new document with this id is judged afresh
    cache.applyTrigger(T1, seenOpen(triggerAt({}, { version: 90 })));
    expect(cache.triggerBook('futures', 'XBTUSDTM')?.size).toBe(1);
    expect(refused).toEqual([T1]);
  });

  it('drops a position whose levels are both removed, and its symbol with it', () => {
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: null, takeProfit: null }, { version: 20 })));
    expect(cache.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    expect(cache.watchedSymbols('spot')).toEqual([]);
  });

  it('tells watchers when something changed', () => {
    const watcher = jest.fn();
    const stop = cache.onChange(watcher);
    const crossing = cache.checkOut(positionHit(), CRASH)!;
    cache.release(crossing);
    stop();
    cache.applyPosition(P1, seenGone(20));
    expect(watcher).toHaveBeenCalledTimes(2);
  });
});

describe('CacheCore.finishCollectionInSteps: the sweep with a turn budget', () => {
  const positions = Array.from({ length: 9_000 }, (_, n) =>
    positionAt({ path: `users/u/openPositions/p${n}`, stopLoss: 50 + (n % 40) }),
  );

  it('pauses only once a turn has run for the budget, and otherwise at every step', async () => {
    const every = await countPauses();
    // Every look at this clock advances it 1 ms, so a step costs 1 ms: a pause every 5 steps or so.
    let clock = 0;
    const budgeted = await countPauses({ ms: 5, now: () => clock++ });
    expect(every).toBeGreaterThan(10);
    expect(budgeted).toBeGreaterThan(0);
    expect(budgeted).toBeLessThanOrEqual(Math.ceil(every / 4));
  });

  async function countPauses(budget?: TurnBudget): Promise<number> {
    const cache = new CacheCore();
    let pauses = 0;
    await collectInto(cache, fullRead(positions, [], 50)); // the read fills the books
    const outcome = await collectInto(cache, fullRead([], [], 50), {
      pause: () => ((pauses += 1), Promise.resolve()),
      budget,
    });
    expect(outcome).toMatchObject({ kind: 'reconciled', positions: { removed: 9_000 } });
    expect(cache.count('position')).toBe(0);
    return pauses;
  }
});
