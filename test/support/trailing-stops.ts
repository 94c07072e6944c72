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
