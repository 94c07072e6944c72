import type { Located, PositionEntry } from './crossing';
import { joinPositionLegs, levelsOn, positionExitOn, positionLegs } from './price-legs';

const PATH = 'users/u1/openPositions/p1';
const entry: PositionEntry = {
  path: PATH,
  side: 'long',
  size: 2,
  stopLoss: 90,
  takeProfit: 130,
  liquidation: 85,
};
const onLast: Located<PositionEntry> = { marketType: 'futures', symbol: 'XBTUSDTM', entry, version: 5 };
const trade = { marketType: 'futures', symbol: 'XBTUSDTM' } as const;
const mark = { ...trade, priceType: 'mark' } as const;
const index = { ...trade, priceType: 'index' } as const;

describe('price legs of a position', () => {
  it('watches the stops on its own price and the liquidation on the mark', () => {
    expect(levelsOn(onLast, trade)).toEqual({
      path: PATH,
      side: 'long',
      size: 2,
      stopLoss: 90,
      takeProfit: 130,
    });
    expect(levelsOn(onLast, mark)).toEqual({
      path: PATH,
      side: 'long',
      size: 2,
      stopLoss: null,
      takeProfit: null,
      liquidation: 85,
    });
    expect(levelsOn(onLast, index)).toBeNull();
    expect(levelsOn(onLast, { ...mark, symbol: 'ETHUSDTM' })).toBeNull();
    expect(positionExitOn(onLast, trade, 84)).toEqual({ reason: 'stop_loss', level: 90 });
    expect(positionExitOn(onLast, mark, 84)).toEqual({ reason: 'liquidation', level: 85 });
    expect(positionExitOn(onLast, mark, 86)).toBeNull();
  });

  it('keeps every level in one entry when the position watches the mark itself', () => {
    const onMark = { ...onLast, priceType: 'mark' as const };
    expect(positionLegs(onMark)).toEqual([onMark]);
    expect(levelsOn(onMark, mark)).toBe(entry);
    expect(levelsOn(onMark, trade)).toBeNull();
    // The stop-loss (90) is nearer than the liquidation (85): a falling mark reaches it first.
    expect(positionExitOn(onMark, mark, 80)).toEqual({ reason: 'stop_loss', level: 90 });
    const liquidationNearer = { ...onMark, entry: { ...entry, stopLoss: 80 } };
    expect(positionExitOn(liquidationNearer, mark, 79)).toEqual({ reason: 'liquidation', level: 85 });
  });

  it('splits a position watching another price into legs that join back into its entry', () => {
    const legs = positionLegs(onLast);
    expect(legs.map((l) => l.priceType)).toEqual([undefined, 'mark']);
    expect(joinPositionLegs(legs.map((l) => l.entry))).toEqual(entry);
    // A leg its book does not keep (no stops) still joins to the document's levels.
    expect(joinPositionLegs([undefined, legs[1].entry])).toEqual({
      ...entry,
      stopLoss: null,
      takeProfit: null,
    });
  });

  it('has one leg without a liquidation level, and on spot', () => {
    const plain = { ...onLast, entry: { ...entry, liquidation: null } };
    expect(positionLegs(plain)).toEqual([plain]);
    const spot = { ...onLast, marketType: 'spot' as const, symbol: 'BTC-USDT' };
    expect(positionLegs(spot)).toEqual([spot]);
    expect(levelsOn(spot, { marketType: 'futures', symbol: 'BTC-USDT', priceType: 'mark' })).toBeNull();
  });
});
