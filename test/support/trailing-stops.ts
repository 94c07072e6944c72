import fc from 'fast-check';
import type { TrailingStop } from '../../src/domain/trailing-stop';

/** A trailing stop at a callback rate, activated at `activationPrice` (null: at once). */
export const rate = (r: number, activationPrice: number | null = null): TrailingStop => ({
  distance: { kind: 'rate', rate: r },
  activationPrice,
});

/** A trailing stop at a callback amount, activated at `activationPrice` (null: at once). */
export const amount = (a: number, activationPrice: number | null = null): TrailingStop => ({
  distance: { kind: 'amount', amount: a },
  activationPrice,
});

/** Prices on a small integer grid, so equal bests, equal levels and ties are common. */
export const smallPrice = fc.integer({ min: 1, max: 40 });

/** A trailing stop on that grid: a rate of 1-50 % or an amount of 1-12, with an activation price or not. */
export const trailingStopArbitrary: fc.Arbitrary<TrailingStop> = fc.record({
  distance: fc.oneof(
    fc.record({
      kind: fc.constant('rate' as const),
      rate: fc.integer({ min: 1, max: 50 }).map((n) => n / 100),
    }),
    fc.record({ kind: fc.constant('amount' as const), amount: fc.integer({ min: 1, max: 12 }) }),
  ),
  activationPrice: fc.option(smallPrice, { nil: null, freq: 2 }),
});
