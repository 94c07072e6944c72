import fc from 'fast-check';
import { OPEN_POSITIONS } from './document-paths';
import { parseUserDocument } from './parse-document';
import { reject } from './parse-result';
import type { Side } from './position';
import {
  NOT_ACTIVATED,
  type PricePoint,
  type TrailingSpec,
  type TrailingStop,
  foldTrailing,
  isActivatedBy,
  optionalTrailingStop,
  parseTrailingStop,
  trailingCrossed,
  trailingLevel,
} from './trailing-stop';
import { amount, rate } from '../../test/support/trailing-stops';

const points = (...prices: number[]): PricePoint[] => prices.map((price, i) => ({ price, time: 1_000 + i }));

describe('parseTrailingStop: the trailingStop field', () => {
  const parse = (trailingStop: unknown) => parseTrailingStop({ trailingStop });

  it('reads a rate, an amount, and an optional activation price', () => {
    expect(parse({ callbackRate: 0.02 })).toEqual({ ok: true, value: rate(0.02) });
    expect(parse({ callbackAmount: 150, activationPrice: 65_000 })).toEqual({
      ok: true,
      value: amount(150, 65_000),
    });
    expect(parse({ callbackRate: 0.5, activationPrice: null, note: 'ignored' })).toEqual({
      ok: true,
      value: rate(0.5),
    });
  });

  it('treats an absent or null field as no trailing stop', () => {
    expect(parseTrailingStop({})).toEqual({ ok: true, value: null });
    expect(parse(null)).toEqual({ ok: true, value: null });
  });

  it.each<[string, unknown, string]>([
    ['a number', 0.02, 'trailingStop.invalid_value'],
    ['an array', [0.02], 'trailingStop.invalid_value'],
    ['a timestamp-like object', new Date(0), 'trailingStop.invalid_value'],
    ['neither rate nor amount', { activationPrice: 100 }, 'trailingStop.missing'],
    ['both rate and amount', { callbackRate: 0.01, callbackAmount: 5 }, 'trailingStop.invalid_value'],
    ['a rate of 0', { callbackRate: 0 }, 'trailingStop.callbackRate.not_positive'],
    ['a negative rate', { callbackRate: -0.1 }, 'trailingStop.callbackRate.not_positive'],
    ['a rate above 0.5', { callbackRate: 0.51 }, 'trailingStop.callbackRate.invalid_value'],
    ['a rate as text', { callbackRate: '0.1' }, 'trailingStop.callbackRate.not_a_number'],
    ['an infinite amount', { callbackAmount: Infinity }, 'trailingStop.callbackAmount.not_finite'],
    ['a zero amount', { callbackAmount: 0 }, 'trailingStop.callbackAmount.not_positive'],
    [
      'a zero activation price',
      { callbackRate: 0.1, activationPrice: 0 },
      'trailingStop.activationPrice.not_positive',
    ],
    [
      'an activation price as text',
      { callbackAmount: 1, activationPrice: 'x' },
      'trailingStop.activationPrice.not_a_number',
    ],
  ])('rejects %s as %s', (_name, value, reason) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection.reason).toBe(reason);
  });

  it('rejects with the typed reason position documents use (field and problem)', () => {
    expect(parse({ callbackRate: 0.9 })).toEqual({
      ok: false,
      rejection: {
        field: 'trailingStop.callbackRate',
        problem: 'invalid_value',
        reason: 'trailingStop.callbackRate.invalid_value',
      },
    });
  });
  it('works as a field reader inside a document parser, as position.ts would call it', () => {
    const parse = (data: object) =>
      parseUserDocument('users/u1/openPositions/p1', OPEN_POSITIONS, data, (doc) =>
        optionalTrailingStop(doc),
      );
    expect(parse({ trailingStop: { callbackAmount: 5 } })).toEqual({ ok: true, value: amount(5) });
    expect(parse({ trailingStop: { callbackAmount: -5 } })).toEqual(
      reject('trailingStop.callbackAmount', 'not_positive'),
    );
  });
});

describe('trailing level, activation and firing', () => {
  it.each<[string, Side, TrailingStop, number, number]>([
    ['long rate: 200 × (1 − 0.05)', 'long', rate(0.05), 200, 190],
    ['short rate: 200 × (1 + 0.05)', 'short', rate(0.05), 200, 210],
    ['long amount: 200 − 7.5', 'long', amount(7.5), 200, 192.5],
    ['short amount: 200 + 7.5', 'short', amount(7.5), 200, 207.5],
  ])('%s', (_name, side, stop, best, level) => {
    expect(trailingLevel(side, stop.distance, best)).toBeCloseTo(level, 9);
  });

  it('activates a long at price >= activation, a short at price <= activation, equal counting', () => {
    expect([99, 100, 101].map((p) => isActivatedBy('long', 100, p))).toEqual([false, true, true]);
    expect([99, 100, 101].map((p) => isActivatedBy('short', 100, p))).toEqual([true, true, false]);
    expect(isActivatedBy('long', null, 1)).toBe(true);
  });

  it('fires a long at price <= level and a short at price >= level, like a stop-loss', () => {
    expect([189, 190, 191].map((p) => trailingCrossed('long', 190, p))).toEqual([true, true, false]);
    expect([209, 210, 211].map((p) => trailingCrossed('short', 210, p))).toEqual([false, true, true]);
  });
});

describe('foldTrailing', () => {
  const long: TrailingSpec = { side: 'long', stop: rate(0.1, 110) };
  const short: TrailingSpec = { side: 'short', stop: amount(5) };

  it('waits for activation, follows the highest price, and fires at the level in force', () => {
    // 105 waits; 110 activates (best 110, level 99); 120 lifts it to 108; 109 holds; 108 fires at 108.
    expect(foldTrailing(long, NOT_ACTIVATED, points(105, 95, 110, 120, 109, 108, 50))).toEqual({
      state: { best: 120 },
      fire: { level: 108, price: 108, time: 1_005, fromCandle: false },
    });
  });

  it('never fires on a price below the level before activation', () => {
    expect(foldTrailing(long, NOT_ACTIVATED, points(105, 50, 109.9))).toEqual({
      state: { best: null },
      fire: null,
    });
  });

  it('fills a gap through the level at the crossing price, the level as trigger price', () => {
    expect(foldTrailing(short, NOT_ACTIVATED, points(100, 90, 94, 97)).fire).toEqual({
      level: 95,
      price: 97,
      time: 1_003,
      fromCandle: false,
    });
  });

  it('continues from a given state and skips prices that are not actionable', () => {
    expect(foldTrailing(short, { best: 90 }, points(0, NaN, -1, 94.9))).toEqual({
      state: { best: 90 },
      fire: null,
    });
  });

  it('equals a plain model, one price at a time, on random paths (property)', () => {
    fc.assert(
      fc.property(specArb(), pathArb(), fc.integer({ min: 0, max: 60 }), (spec, prices, cut) => {
        const all = points(...prices);
        const live = foldTrailing(spec, NOT_ACTIVATED, all);
        expect(live).toEqual(model(spec, prices, all));
        // Folding in two parts, from the state the first part left, gives the same outcome.
        const first = foldTrailing(spec, NOT_ACTIVATED, all.slice(0, cut));
        const resumed = first.fire ?? foldTrailing(spec, first.state, all.slice(cut)).fire;
        expect(resumed).toEqual(live.fire);
      }),
      { numRuns: 1_000 },
    );
  });
});

/** A random walk of positive prices on a half-unit grid, so equal prices and ties happen. */
function pathArb(maxLength = 60): fc.Arbitrary<number[]> {
  return fc
    .array(fc.integer({ min: -12, max: 12 }), { maxLength, size: 'max' })
    .map((steps) =>
      steps.reduce<number[]>((out, step) => [...out, Math.max(0.5, (out.at(-1) ?? 100) + step / 2)], []),
    );
}

function specArb(): fc.Arbitrary<TrailingSpec> {
  return fc.record({
    side: fc.constantFrom<Side>('long', 'short'),
    stop: fc.record({
      distance: fc.oneof(
        fc.record({ kind: fc.constant('rate' as const), rate: fc.constantFrom(0.005, 0.01, 0.03, 0.1, 0.5) }),
        fc.record({ kind: fc.constant('amount' as const), amount: fc.constantFrom(0.5, 1, 2.5, 4, 10) }),
      ),
      activationPrice: fc.option(fc.integer({ min: 180, max: 220 }).map((n) => n / 2)),
    }),
  });
}

/** Recomputes everything from the array: activation index, then the best over each prefix since it. */
function model(spec: TrailingSpec, prices: number[], all: PricePoint[]) {
  const { side, stop } = spec;
  const start = prices.findIndex((p) => isActivatedBy(side, stop.activationPrice, p));
  if (start < 0) return { state: { best: null }, fire: null };
  const bestOf = (xs: number[]): number => (side === 'long' ? Math.max(...xs) : Math.min(...xs));
  for (let i = start + 1; i < prices.length; i++) {
    const best = bestOf(prices.slice(start, i));
    const level = trailingLevel(side, stop.distance, best);
    if (trailingCrossed(side, level, prices[i]))
      return { state: { best }, fire: { level, price: prices[i], time: all[i].time, fromCandle: false } };
  }
  return { state: { best: bestOf(prices.slice(start)) }, fire: null };
}
