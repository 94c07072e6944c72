import { INDEX_HISTORY_LIMITS, IndexHistory } from './index-history';

describe('IndexHistory', () => {
  const t0 = 1_731_899_129_000;

  it('keeps points per contract in time order, one per ms, and reads an inclusive range', () => {
    const history = new IndexHistory();
    history.record('XBTUSDTM', t0, 90_000);
    history.record('XBTUSDTM', t0 + 1_000, 90_010);
    history.record('XBTUSDTM', t0 + 1_000, 90_020); // same ms: replaces
    history.record('XBTUSDTM', t0 + 2_000.7, 90_030); // whole ms
    history.record('ETHUSDTM', t0 + 1_000, 3_000);
    expect(history.range('XBTUSDTM', -Infinity, Infinity)).toEqual([
      { time: t0, value: 90_000 },
      { time: t0 + 1_000, value: 90_020 },
      { time: t0 + 2_000, value: 90_030 },
    ]);
    expect(history.range('XBTUSDTM', t0 + 1, t0 + 2_000)).toEqual([
      { time: t0 + 1_000, value: 90_020 },
      { time: t0 + 2_000, value: 90_030 },
    ]);
    expect(history.range('XBTUSDTM', t0, t0 + 999.5)).toEqual([{ time: t0, value: 90_000 }]);
    expect(history.range('XBTUSDTM', t0 + 2_001, Infinity)).toEqual([]);
    expect(history.range('ETHUSDTM', -Infinity, Infinity)).toEqual([{ time: t0 + 1_000, value: 3_000 }]);
    expect(history.has('SOLUSDTM')).toBe(false);
    expect(history.range('SOLUSDTM', -Infinity, Infinity)).toEqual([]);
  });

  it('keeps the series in order when the clock goes back, replacing a point at the same ms', () => {
    const history = new IndexHistory();
    history.record('XBTUSDTM', t0, 1);
    history.record('XBTUSDTM', t0 + 2_000, 3);
    history.record('XBTUSDTM', t0 + 1_000, 2);
    history.record('XBTUSDTM', t0, 4);
    expect(history.range('XBTUSDTM', -Infinity, Infinity).map((p) => [p.time - t0, p.value])).toEqual([
      [0, 4],
      [1_000, 2],
      [2_000, 3],
    ]);
  });

  it('drops points older than 24 h before the newest', () => {
    const history = new IndexHistory();
    const day = INDEX_HISTORY_LIMITS.maxAgeMs;
    expect(day).toBe(86_400_000);
    history.record('XBTUSDTM', t0, 1);
    history.record('XBTUSDTM', t0 + 1, 2);
    history.record('XBTUSDTM', t0 + day, 3);
    expect(history.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([1, 2, 3]);
    history.record('XBTUSDTM', t0 + day + 1, 4);
    expect(history.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([2, 3, 4]);
    // A point from before the window is not kept either.
    history.record('XBTUSDTM', t0, 5);
    expect(history.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([2, 3, 4]);
  });

  it('keeps at most 100 000 points, dropping the oldest, and reads right across a compaction', () => {
    const history = new IndexHistory();
    expect(INDEX_HISTORY_LIMITS.maxPoints).toBe(100_000);
    const values = (): number[] => history.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value);
    // 10 ms apart, all within 24 h. The 200 000th point drops the 100 000th and compacts the front.
    let i = 0;
    for (; i < 200_000; i++) history.record('XBTUSDTM', t0 + i * 10, i);
    let kept = values();
    expect([kept.length, kept[0], kept[kept.length - 1]]).toEqual([100_000, 100_000, 199_999]);
    for (; i < 203_000; i++) history.record('XBTUSDTM', t0 + i * 10, i);
    kept = values();
    expect([kept.length, kept[0], kept[kept.length - 1]]).toEqual([100_000, 103_000, 202_999]);
    expect(history.range('XBTUSDTM', t0, t0 + 1_030_010).map((p) => p.value)).toEqual([103_000, 103_001]);
  });

  it('applies the limits given to it, each on its own', () => {
    const few = new IndexHistory({ maxAgeMs: 86_400_000, maxPoints: 2 });
    for (const time of [0, 1_000, 2_000]) few.record('XBTUSDTM', t0 + time, time);
    expect(few.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([1_000, 2_000]);
    const short = new IndexHistory({ maxAgeMs: 5_000, maxPoints: 100 });
    for (const time of [0, 1_000, 2_000, 6_000]) short.record('XBTUSDTM', t0 + time, time);
    expect(short.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([1_000, 2_000, 6_000]);
    short.record('XBTUSDTM', t0 + 7_001, 7_001);
    expect(short.range('XBTUSDTM', -Infinity, Infinity).map((p) => p.value)).toEqual([6_000, 7_001]);
  });
});
