import fc from 'fast-check';
import { MINUTE_MS, type MinuteCandle, type RecoveredTrade, floorMinute } from './gap-plan';
import type { Side } from './position';
import { type TrailingRecovery, type TrailingRecoveryInput, recoverTrailing } from './trailing-recovery';
import {
  NOT_ACTIVATED,
  type TrailingSpec,
  type TrailingState,
  type TrailingStop,
  foldTrailing,
} from './trailing-stop';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE_MS); // a minute boundary
const LONG_10: TrailingSpec = {
  side: 'long',
  stop: { distance: { kind: 'rate', rate: 0.1 }, activationPrice: null },
};

function candle(minute: number, open: number, high: number, low: number, close: number): MinuteCandle {
  return { start: T0 + minute * MINUTE_MS, open, high, low, close };
}

function trade(sequence: number, time: number, price: number): RecoveredTrade {
  return { sequence: String(sequence), time, price };
}

function fromCandles(state: TrailingState, candles: MinuteCandle[], spec = LONG_10) {
  return recoverTrailing({ spec, state, from: T0, candles, trades: [], tradesReachFrom: false });
}

describe('recoverTrailing: one candle after a known best (long, 10 %, best 100, level 90)', () => {
  const best = { best: 100 };

  const fired = (level: number, price: number) => ({ level, price, time: T0, fromCandle: true });

  it.each<[string, MinuteCandle, TrailingRecovery]>([
    [
      'no new high, low 91 above the level: nothing',
      candle(0, 95, 99, 91, 96),
      { state: best, fire: null, exact: true },
    ],
    [
      'no new high, low 89: fires at the level 90, filled at it',
      candle(0, 95, 99, 89, 96),
      { state: best, fire: fired(90, 90), exact: true },
    ],
    [
      'opens at 88, beyond the level: fires at the open',
      candle(0, 88, 99, 85, 96),
      { state: best, fire: fired(90, 88), exact: true },
    ],
    [
      'new high 120, low 109 above its level 108: best 120',
      candle(0, 110, 120, 109, 115),
      { state: { best: 120 }, fire: null, exact: true },
    ],
  ])('%s (exact)', (_name, c, expected) => {
    expect(fromCandles(best, [c])).toEqual(expected);
  });

  it('new high 120 and low 105 between 95.4 and 108: the order decides; the rule keeps it open at best 120', () => {
    // Low first (106, 105, 120, 115) never fires; high first fires at 108. The adverse extreme is taken first.
    expect(fromCandles(best, [candle(0, 106, 120, 105, 115)])).toEqual({
      state: { best: 120 },
      fire: null,
      exact: false,
      uncertainFrom: T0,
    });
  });

  it('a close at 107 under the new level 108 fires for sure (the high came before it), at 108 by the rule', () => {
    expect(fromCandles(best, [candle(0, 106, 120, 105, 107)])).toMatchObject({
      fire: { level: 108, price: 108, time: T0, fromCandle: true },
      exact: false,
    });
  });

  it('a low of 85 fires for sure, at a level between 90.9 (after the open) and 108: the rule says 90.9', () => {
    const result = fromCandles(best, [candle(0, 101, 120, 85, 110)]);
    expect(result.fire?.level).toBeCloseTo(90.9, 9); // 101 × 0.9
    expect(result.exact).toBe(false);
  });
});

describe('recoverTrailing: activation inside candles (long, 10 %, activation 110)', () => {
  const spec: TrailingSpec = {
    side: 'long',
    stop: { distance: { kind: 'rate', rate: 0.1 }, activationPrice: 110 },
  };

  it('does not activate while no high reaches 110, then activates at the high of 112 exactly', () => {
    const candles = [candle(0, 100, 109.9, 95, 105), candle(1, 105, 112, 101, 111)];
    // After activation the best is 112 and the level 100.8; the low of 101 is above it either way.
    expect(fromCandles(NOT_ACTIVATED, candles, spec)).toEqual({
      state: { best: 112 },
      fire: null,
      exact: true,
    });
  });

  it('a rally through 110 with a low under the new level is ambiguous: kept open, best 120', () => {
    expect(fromCandles(NOT_ACTIVATED, [candle(0, 100, 120, 95, 119)], spec)).toMatchObject({
      state: { best: 120 },
      fire: null,
      exact: false,
    });
  });

  it('then fires at the first later candle whose low reaches the level 108, at 108', () => {
    const candles = [candle(0, 100, 120, 95, 119), candle(1, 119, 119, 107, 108)];
    expect(fromCandles(NOT_ACTIVATED, candles, spec).fire).toEqual({
      level: 108,
      price: 108,
      time: T0 + MINUTE_MS,
      fromCandle: true,
    });
  });
});

describe('recoverTrailing: the window', () => {
  it('applies no candle starting before `from`, and marks an unaligned `from` as unseen', () => {
    // A dip to 50 in the minute of the mark came before the mark: judged again on best 100 it would fire.
    const result = recoverTrailing({
      spec: LONG_10,
      state: { best: 100 },
      from: T0 + 30_000,
      candles: [candle(0, 99, 100, 50, 99), candle(1, 99, 99, 95, 96)],
      trades: [],
      tradesReachFrom: false,
    });
    expect(result).toEqual({ state: { best: 100 }, fire: null, exact: false, uncertainFrom: T0 + 30_000 });
  });

  it('uses the trades alone when they reach back to `from`', () => {
    const result = recoverTrailing({
      spec: LONG_10,
      state: { best: 100 },
      from: T0 + 30_000,
      candles: [candle(1, 99, 99, 10, 96)],
      trades: [trade(3, T0 + 40_000, 95), trade(2, T0 + 29_000, 50)],
      tradesReachFrom: true,
    });
    expect(result).toEqual({ state: { best: 100 }, fire: null, exact: true });
  });

  it('takes the prefix of the trades’ first minute from its candle, and the rest from the trades', () => {
    // Minute 1: 110 … 120 … 109 before the history, then 115, 112 (inside the candle's range): the prefix
    // certainly held the high and the low. Best 120, level 108; the next minute's 107 fires at 108.
    const trades = [
      trade(7, T0 + MINUTE_MS + 40_000, 115),
      trade(8, T0 + MINUTE_MS + 50_000, 112),
      trade(9, T0 + 2 * MINUTE_MS, 107),
    ];
    const input: TrailingRecoveryInput = {
      spec: LONG_10,
      state: { best: 100 },
      from: T0,
      candles: [candle(0, 100, 100, 99, 100), candle(1, 110, 120, 109, 112), candle(2, 107, 107, 107, 107)],
      trades,
      tradesReachFrom: false,
    };
    expect(recoverTrailing(input)).toEqual({
      state: { best: 120 },
      fire: { level: 108, price: 107, time: T0 + 2 * MINUTE_MS, fromCandle: false },
      exact: true,
    });
  });

  it('leaves an extreme the trades reach to the trades, where its time is known', () => {
    // The high of 120 is the history's own: the prefix (110, 109) only shows 110, and 109 does not fire
    // on its level 99. Then 120 lifts the level to 108 and 108 fires it.
    const trades = [trade(7, T0 + 40_000, 120), trade(8, T0 + 50_000, 108)];
    const result = recoverTrailing({
      spec: LONG_10,
      state: NOT_ACTIVATED,
      from: T0,
      candles: [candle(0, 110, 120, 108, 108)],
      trades,
      tradesReachFrom: false,
    });
    expect(result.fire).toEqual({ level: 108, price: 108, time: T0 + 50_000, fromCandle: false });
  });
});

describe('recoverTrailing against the live fold (property)', () => {
  it('from trades alone equals the live fold of the trades at or after `from`, in any order given', () => {
    fc.assert(
      fc.property(
        specArb(),
        tapeArb(),
        fc.integer({ min: 0, max: 40 }),
        fc.nat(),
        (spec, tape, cut, seed) => {
          const from = tape[cut]?.time ?? T0;
          const shuffled = [...tape].sort(
            (a, b) => ((a.time * 7919 + seed) % 101) - ((b.time * 7919 + seed) % 101),
          );
          const recovered = recoverTrailing({
            spec,
            state: NOT_ACTIVATED,
            from,
            candles: [],
            trades: shuffled,
            tradesReachFrom: true,
          });
          const live = foldTrailing(
            spec,
            NOT_ACTIVATED,
            tape.filter((t) => t.time >= from),
          );
          expect(recovered).toEqual({ ...live, exact: true });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('from candles then trades: never fires falsely, an exact result is the live one, the best is exact', () => {
    fc.assert(
      fc.property(specArb(), tapeArb(), fc.integer({ min: 0, max: 40 }), (spec, tape, cut) => {
        const live = foldTrailing(spec, NOT_ACTIVATED, tape);
        const input = {
          spec,
          state: NOT_ACTIVATED,
          from: T0,
          candles: candlesOf(tape),
          tradesReachFrom: false,
        };
        const recovered = recoverTrailing({ ...input, trades: tape.slice(cut) });
        if (recovered.fire !== null) {
          expect(live.fire).not.toBeNull();
          expect(live.fire!.time).toBeLessThan(
            recovered.fire.time + (recovered.fire.fromCandle ? MINUTE_MS : 1),
          );
        }
        if (live.fire === null) expect(recovered).toMatchObject({ state: live.state, fire: null });
        if (!recovered.exact) return;
        expect(recovered.fire?.level).toBe(live.fire?.level);
        if (recovered.fire === null) expect(recovered.state).toEqual(live.state);
        else if (recovered.fire.fromCandle) expect(recovered.fire.time).toBe(floorMinute(live.fire!.time));
        else expect(recovered.fire).toEqual(live.fire);
      }),
      { numRuns: 2_000 },
    );
  });
});

/** Trades on a random walk, 0–40 s apart from T0, with increasing sequences. */
function tapeArb(): fc.Arbitrary<RecoveredTrade[]> {
  return fc
    .array(fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 0, max: 40_000 })), {
      maxLength: 60,
      size: 'max',
    })
    .map((steps) => {
      let price = 100;
      let time = T0;
      return steps.map(([step, gap], i) => {
        price = Math.max(0.5, price + step / 2);
        time += gap;
        return trade(i + 1, time, price);
      });
    });
}

/** KuCoin's 1-minute candles of a tape: minutes without trades have none. */
function candlesOf(tape: readonly RecoveredTrade[]): MinuteCandle[] {
  const byMinute = new Map<number, MinuteCandle>();
  for (const { time, price } of tape) {
    const start = floorMinute(time);
    const c = byMinute.get(start);
    byMinute.set(
      start,
      c === undefined
        ? { start, open: price, high: price, low: price, close: price }
        : { ...c, high: Math.max(c.high, price), low: Math.min(c.low, price), close: price },
    );
  }
  return [...byMinute.values()];
}

function specArb(): fc.Arbitrary<TrailingSpec> {
  const stop: fc.Arbitrary<TrailingStop> = fc.record({
    distance: fc.oneof(
      fc.record({ kind: fc.constant('rate' as const), rate: fc.constantFrom(0.005, 0.01, 0.03, 0.1, 0.5) }),
      fc.record({ kind: fc.constant('amount' as const), amount: fc.constantFrom(0.5, 1, 2.5, 4, 10) }),
    ),
    activationPrice: fc.option(fc.integer({ min: 180, max: 220 }).map((n) => n / 2)),
  });
  return fc.record({ side: fc.constantFrom<Side>('long', 'short'), stop });
}
