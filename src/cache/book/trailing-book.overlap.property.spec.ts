import fc from 'fast-check';
import { smallPrice as price, trailingStopArbitrary as stop } from '../../../test/support/trailing-stops';
import { type MinuteCandle, MINUTE_MS } from '../../domain/gap-plan';
import { recoverTrailing } from '../../domain/trailing-recovery';
import { NOT_ACTIVATED } from '../../domain/trailing-stop';
import { TrailingBook } from './trailing-book';

/**
 * A gap's last candle and the recovered trades inside its minute, against recoverTrailing: the candle gives
 * only its open and the extremes the trades do not reach, the trades the rest, so a price is never judged
 * twice on a level raised after it.
 */
const START = 10 * MINUTE_MS;

describe('TrailingBook: a candle the recovered trades overlap', () => {
  it('fires and moves each stop as recoverTrailing does over the candle and the trades', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('long' as const, 'short' as const),
        stop,
        fc.array(price, { minLength: 1, maxLength: 6, size: 'max' }),
        fc.array(price, { minLength: 1, maxLength: 8, size: 'max' }),
        (side, s, prefix, tradePrices) => {
          const all = [...prefix, ...tradePrices];
          const candle: MinuteCandle = {
            start: START,
            open: prefix[0],
            high: Math.max(...all),
            low: Math.min(...all),
            close: tradePrices[tradePrices.length - 1],
          };
          const trades = tradePrices.map((p, i) => ({
            sequence: String(100 + i),
            time: START + 1 + i,
            price: p,
          }));
          const overlap = { high: Math.max(...tradePrices), low: Math.min(...tradePrices) };
          const book = new TrailingBook();
          const path = 'users/u/openPositions/p';
          book.add({ path, side, stop: s });
          let fire: { level: number; price: number } | undefined;
          book.advanceCandle({ ...candle, overlap }, (_e, level, fill) => (fire ??= { level, price: fill }));
          for (const t of trades) book.advance(t.price, (_e, level) => (fire ??= { level, price: t.price }));
          const model = recoverTrailing({
            spec: { side, stop: s },
            state: NOT_ACTIVATED,
            from: START,
            candles: [candle],
            trades,
            tradesReachFrom: false,
          });
          expect(fire).toEqual(
            model.fire === null ? undefined : { level: model.fire.level, price: model.fire.price },
          );
          if (model.fire === null) expect(book.stateOf(path)).toEqual(model.state);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
