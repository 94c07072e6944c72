import fc from 'fast-check';
import { smallPrice as price, trailingStopArbitrary as stop } from '../../../test/support/trailing-stops';
import { type MinuteCandle, MINUTE_MS } from '../../domain/gap-plan';
import { recoverTrailing } from '../../domain/trailing-recovery';
import { NOT_ACTIVATED, type TrailingState, foldTrailing } from '../../domain/trailing-stop';
import { type TrailingEntry, TrailingBook } from './trailing-book';

/**
 * Recovered candles and dormant stops against the plain models: a candle applied by advanceCandle fires and
 * moves each stop exactly as recoverTrailing folds that one whole candle; a dormant stop sees only the
 * prices from its start time on, as foldTrailing over those prices alone.
 */
const entries = fc.uniqueArray(
  fc.record({
    id: fc.integer({ min: 0, max: 40 }),
    side: fc.constantFrom('long' as const, 'short' as const),
    stop,
  }),
  { selector: (e) => e.id, minLength: 1, maxLength: 12, size: 'max' },
);
/** Open, close and two more prices: the extremes are the range of the four. */
const candle = fc.tuple(price, price, price, price).map(([open, close, a, b]) => ({
  open,
  close,
  high: Math.max(open, close, a, b),
  low: Math.min(open, close, a, b),
}));

describe('TrailingBook candles and dormant stops', () => {
  it('applies each candle as recoverTrailing folds it, firing each stop once with its fill', () => {
    fc.assert(
      fc.property(
        entries,
        fc.array(candle, { minLength: 1, maxLength: 20, size: 'max' }),
        (specs, candles) => {
          const book = new TrailingBook();
          const states = new Map<string, TrailingState>();
          const live = new Map<string, TrailingEntry>();
          for (const { id, side, stop: s } of specs) {
            const entry = { path: `users/u/openPositions/p${id}`, side, stop: s };
            book.add(entry);
            states.set(entry.path, NOT_ACTIVATED);
            live.set(entry.path, entry);
          }
          candles.forEach((c, minute) => {
            const start = minute * MINUTE_MS;
            const fired = new Map<string, { level: number; fill: number }>();
            book.advanceCandle(c, (entry, level, fill) => {
              expect(fired.has(entry.path)).toBe(false);
              fired.set(entry.path, { level, fill });
            });
            for (const [path, entry] of [...live]) {
              const whole: MinuteCandle = { ...c, start };
              const model = recoverTrailing({
                spec: entry,
                state: states.get(path) as TrailingState,
                from: start,
                candles: [whole],
                trades: [],
                tradesReachFrom: false,
              });
              if (model.fire === null) {
                expect(fired.get(path)).toBeUndefined();
                expect(book.stateOf(path)).toEqual(model.state);
                states.set(path, model.state);
              } else {
                expect(fired.get(path)).toEqual({ level: model.fire.level, fill: model.fire.price });
                // A fired stop is checked out, as the cache does.
                book.remove(path);
                live.delete(path);
              }
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applies to a dormant stop only the prices from its start on', () => {
    const timed = fc.array(fc.tuple(price, fc.integer({ min: 0, max: 5 })), {
      minLength: 1,
      maxLength: 30,
      size: 'max',
    });
    fc.assert(
      fc.property(
        entries,
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 12, maxLength: 12 }),
        timed,
        (specs, starts, steps) => {
          const book = new TrailingBook();
          let time = 0;
          const points = steps.map(([p, dt]) => ({ price: p, time: (time += dt) }));
          const fires = new Map<string, number>();
          specs.forEach(({ id, side, stop: s }, i) =>
            book.add({ path: `p${id}`, side, stop: s }, 0, NOT_ACTIVATED, starts[i]),
          );
          for (const { price: p, time: t } of points) {
            book.wake(t);
            book.advance(p, (entry, level) => {
              if (!fires.has(entry.path)) fires.set(entry.path, level);
            });
          }
          specs.forEach(({ id, side, stop: s }, i) => {
            const seen = points.filter((point) => point.time >= starts[i]);
            const model = foldTrailing({ side, stop: s }, NOT_ACTIVATED, seen);
            expect(fires.get(`p${id}`)).toBe(model.fire?.level);
            if (model.fire === null) expect(book.stateOf(`p${id}`)).toEqual(model.state);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
