import fc from 'fast-check';
import {
  MINUTE_MS,
  type MinuteCandle,
  type RecoveredTrade,
  candlesToApply,
  isAfter,
  planGap,
  tradesInMinute,
} from './gap-plan';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE_MS); // a minute boundary
const HOUR = 3_600_000;

function trade(sequence: number, time: number, price = 100): RecoveredTrade {
  return { sequence: String(sequence), time, price };
}

function candle(start: number, overrides: Partial<MinuteCandle> = {}): MinuteCandle {
  return { start, open: 100, high: 101, low: 99, close: 100, ...overrides };
}

describe('planGap: which source covers which window', () => {
  it('has nothing to recover without a mark, or when no trade came after it', () => {
    expect(planGap(undefined, [trade(5, T0)], T0, HOUR)).toEqual({ kind: 'none' });
    expect(planGap({ sequence: '9', time: T0 }, [trade(8, T0 - 5), trade(9, T0)], T0, HOUR)).toEqual({
      kind: 'none',
    });
    expect(planGap({ sequence: '9', time: T0 }, [], T0 + HOUR, HOUR)).toEqual({ kind: 'none' });
  });

  it('replays the trade history after the mark, oldest first, when it reaches back to the mark', () => {
    const history = [trade(12, T0 + 30), trade(10, T0 + 10), trade(9, T0), trade(11, T0 + 20)];
    expect(planGap({ sequence: '10', time: T0 + 10 }, history, T0 + 60, HOUR)).toEqual({
      kind: 'trades',
      trades: [trade(11, T0 + 20), trade(12, T0 + 30)],
    });
  });

  it('asks for candles from the mark to the oldest recovered trade when the history does not reach back', () => {
    const history = [trade(50, T0 + 5 * MINUTE_MS + 7), trade(51, T0 + 6 * MINUTE_MS)];
    expect(planGap({ sequence: '10', time: T0 + 30_000 }, history, T0 + 7 * MINUTE_MS, HOUR)).toEqual({
      kind: 'candles_then_trades',
      from: T0,
      to: T0 + 5 * MINUTE_MS,
      trades: history,
    });
  });

  it('caps the candle window at the horizon', () => {
    const now = T0 + 48 * HOUR + 30_000;
    const plan = planGap({ time: T0 }, [trade(1, now - 1_000)], now, 24 * HOUR);
    expect(plan).toMatchObject({ kind: 'candles_then_trades', from: T0 + 24 * HOUR, to: T0 + 48 * HOUR });
  });

  it('orders by time when the mark has no sequence (a restart watermark)', () => {
    const history = [trade(7, T0 - 10), trade(8, T0 + 10)];
    expect(planGap({ time: T0 }, history, T0 + 60, HOUR)).toEqual({
      kind: 'trades',
      trades: [trade(8, T0 + 10)],
    });
  });

  it('compares sequences as numbers, also beyond 2^53 and across digit counts', () => {
    expect(
      isAfter({ sequence: '11067996711960578', time: 0 }, { sequence: '11067996711960577', time: 9 }),
    ).toBe(true);
    expect(isAfter({ sequence: '100', time: 0 }, { sequence: '99', time: 0 })).toBe(true);
    expect(isAfter({ sequence: '99', time: 9 }, { sequence: '100', time: 0 })).toBe(false);
  });

  it('never plans a trade at or before the mark, and always covers every trade after it (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 100, size: 'max' }),
        fc.integer({ min: 0, max: 520 }),
        (sequences, markSequence) => {
          const history = sequences.map((s) => trade(s, T0 + s * 1_000));
          const mark = { sequence: String(markSequence), time: T0 + markSequence * 1_000 };
          const plan = planGap(mark, history, T0 + 600_000, HOUR);
          const expected = sequences
            .filter((s) => s > markSequence)
            .sort((a, b) => a - b)
            .map(String);
          const planned = plan.kind === 'none' ? [] : plan.trades.map((t) => t.sequence);
          expect(planned).toEqual(expected);
          const reachesBack = sequences.some((s) => s <= markSequence) || sequences.length === 0;
          expect(plan.kind === 'candles_then_trades').toBe(!reachesBack);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('candlesToApply: the ordering rule for candles', () => {
  const mark = { sequence: '10', time: T0 + 90_000 }; // inside the second minute

  it('keeps the window, oldest first, and drops candles that ended before the mark', () => {
    const candles = [
      candle(T0 + 3 * MINUTE_MS),
      candle(T0),
      candle(T0 + MINUTE_MS),
      candle(T0 + 2 * MINUTE_MS),
    ];
    expect(candlesToApply(candles, T0, T0 + 2 * MINUTE_MS, mark).map((c) => c.start)).toEqual([
      T0 + MINUTE_MS,
      T0 + 2 * MINUTE_MS,
    ]);
  });

  it('leaves out impossible candles and duplicates', () => {
    const candles = [
      candle(T0 + MINUTE_MS),
      candle(T0 + MINUTE_MS),
      candle(T0 + 2 * MINUTE_MS, { low: 102 }),
      candle(T0 + 3 * MINUTE_MS, { open: 0 }),
    ];
    expect(candlesToApply(candles, T0, T0 + 3 * MINUTE_MS, mark).map((c) => c.start)).toEqual([
      T0 + MINUTE_MS,
    ]);
  });
});

describe('tradesInMinute: how far the trades inside one minute reach', () => {
  it('takes only the trades of that minute, in any order, its start included and its end not', () => {
    const trades = [
      { time: T0 - 1, price: 50 },
      { time: T0 + 30_000, price: 101 },
      { time: T0, price: 99 },
      { time: T0 + MINUTE_MS - 1, price: 100 },
      { time: T0 + MINUTE_MS, price: 150 },
    ];
    expect(tradesInMinute(trades, T0)).toEqual({ high: 101, low: 99 });
    expect(tradesInMinute(trades, T0 + 2 * MINUTE_MS)).toBeUndefined();
  });
});
