import { P1, positionAt, seenOpen, tickAt } from '../../test/support/crossings';
import { rate } from '../../test/support/trailing-stops';
import { collectInto, fullRead } from '../../test/support/collections';
import type { Hit, Located, PositionEntry } from '../domain/crossing';
import { CacheCore } from './cache-core';

/** A trailing stop's state lives only in the books: what a full read's swap and an update do to it. */
const trailing = (version: number) =>
  positionAt({ stopLoss: null, takeProfit: null, trailing: rate(0.1) }, { version });

function hitsOf(cache: CacheCore, ...prices: number[]): Hit[] {
  const out: Hit[] = [];
  for (const price of prices) cache.crossedBy(tickAt(price), out);
  return out;
}

async function collect(cache: CacheCore, ...positions: Located<PositionEntry>[]): Promise<void> {
  await collectInto(cache, fullRead(positions));
}

describe('CacheCore: trailing stops', () => {
  it('keeps the peak across a full read that found the same version', async () => {
    const cache = new CacheCore();
    cache.applyPosition(P1, seenOpen(trailing(10)));
    expect(hitsOf(cache, 100, 120)).toEqual([]); // best 120: level 108
    await collect(cache, trailing(10));
    expect(hitsOf(cache, 108)).toEqual([expect.objectContaining({ reason: 'trailing_stop', level: 108 })]);
  });

  it('keeps the peak when a full read finds the same version with another liquidation level', async () => {
    const cache = new CacheCore();
    const leveraged = (liquidation: number) =>
      positionAt(
        { stopLoss: null, takeProfit: null, trailing: rate(0.1), liquidation },
        { version: 10, marketType: 'futures', symbol: 'XBTUSDTM', priceType: 'mark' },
      );
    const mark = (price: number) =>
      tickAt(price, { marketType: 'futures', symbol: 'XBTUSDTM', priceType: 'mark' });
    cache.applyPosition(P1, seenOpen(leveraged(50)));
    for (const price of [100, 120]) cache.crossedBy(mark(price), []); // best 120: level 108
    await collect(cache, leveraged(60)); // the contract's margins changed
    expect(cache.positionBook('mark', 'XBTUSDTM')?.get(P1)?.liquidation).toBe(60);
    const hits: Hit[] = [];
    cache.crossedBy(mark(108), hits);
    expect(hits).toEqual([expect.objectContaining({ reason: 'trailing_stop', level: 108 })]);
  });

  it('restarts the stop when the document was updated: its peak is reckoned from the update', () => {
    const cache = new CacheCore();
    cache.applyPosition(P1, seenOpen(trailing(10)));
    hitsOf(cache, 100, 120);
    cache.applyPosition(P1, seenOpen(trailing(20)));
    // 108 would fire the old peak's level; after the update it only activates the stop (level 97.2).
    expect(hitsOf(cache, 108, 98)).toEqual([]);
    expect(hitsOf(cache, 97)).toEqual([expect.objectContaining({ level: 108 * 0.9 })]);
  });

  it('says from when a symbol’s trades rebuild its trailing stops that no price has reached yet', () => {
    const cache = new CacheCore();
    cache.applyPosition(P1, seenOpen(trailing(1_700_000_000_000_000)));
    expect(cache.trailingSince('spot', 'BTC-USDT')).toBe(1_700_000_000_000);
    hitsOf(cache, 100);
    expect(cache.trailingSince('spot', 'BTC-USDT')).toBeUndefined();
  });
});
