import fc from 'fast-check';
import { isActionablePrice } from '../../domain/crossing';
import {
  NOT_ACTIVATED,
  type PricePoint,
  type TrailingState,
  type TrailingStop,
  afterPrice,
  firingLevel,
  foldTrailing,
} from '../../domain/trailing-stop';
import { type TrailingEntry, TrailingBook } from './trailing-book';

/**
 * The book against the plain model: every stop folded on its own with firingLevel / afterPrice at each
 * price, and foldTrailing over the prices each stop saw since it was last placed (added or given a state).
 */
type Op =
  | { kind: 'add'; entry: TrailingEntry; version: number; best: number | null }
  | { kind: 'remove'; path: string }
  | { kind: 'setState'; path: string; best: number | null }
  | { kind: 'price'; price: number; checkOut: boolean };

/** Few paths and integer-ish prices, so replacements, equal bests, equal levels and ties are common. */
const path = fc.integer({ min: 0, max: 15 }).map((n) => `users/u${n % 3}/openPositions/p${n}`);
const goodPrice = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 30 }) },
  { weight: 2, arbitrary: fc.double({ min: 0.5, max: 30, noNaN: true }) },
);
const price = fc.oneof(
  { weight: 12, arbitrary: goodPrice },
  { weight: 1, arbitrary: fc.constantFrom(0, -3, Number.NaN, Infinity) },
);
const trailingStop: fc.Arbitrary<TrailingStop> = fc.record({
  distance: fc.oneof(
    fc.record({
      kind: fc.constant('rate' as const),
      rate: fc.oneof(
        fc.integer({ min: 1, max: 50 }).map((n) => n / 100),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      ),
    }),
    fc.record({
      kind: fc.constant('amount' as const),
      amount: fc.oneof(fc.integer({ min: 1, max: 15 }), fc.double({ min: 0.01, max: 20, noNaN: true })),
    }),
  ),
  activationPrice: fc.option(goodPrice, { nil: null, freq: 2 }),
});
const entry: fc.Arbitrary<TrailingEntry> = fc.record({
  path,
  side: fc.constantFrom('long' as const, 'short' as const),
  stop: trailingStop,
});
const best = fc.option(goodPrice, { nil: null, freq: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('price' as const), price, checkOut: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('add' as const), entry, version: fc.nat(), best }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), path }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setState' as const), path, best }) },
);

interface Modelled {
  entry: TrailingEntry;
  version: number;
  state: TrailingState;
  /** Since the stop was last placed: its state then, the prices since, and the first fire (price index). */
  placedIn: TrailingState;
  points: PricePoint[];
  firstFire: { index: number; level: number } | null;
}

/** foldTrailing over a stop's prices since it was placed gives the same first fire, or the same state. */
function checkFold(m: Modelled): void {
  const { fire, state } = foldTrailing(m.entry, m.placedIn, m.points);
  const actual = fire === null ? `state ${state.best}` : `fire ${fire.time} ${fire.level}`;
  const expected =
    m.firstFire === null ? `state ${m.state.best}` : `fire ${m.firstFire.index} ${m.firstFire.level}`;
  if (actual !== expected) expect(actual).toBe(expected);
}

function place(model: Map<string, Modelled>, e: TrailingEntry, version: number, state: TrailingState): void {
  model.set(e.path, { entry: e, version, state, placedIn: state, points: [], firstFire: null });
}

function runOps(ops: readonly Op[]): void {
  const book = new TrailingBook();
  const model = new Map<string, Modelled>();
  let index = 0;
  for (const o of ops) {
    if (o.kind === 'add') {
      const state = o.best === null ? NOT_ACTIVATED : { best: o.best };
      book.add(o.entry, o.version, state);
      const old = model.get(o.entry.path);
      if (old) checkFold(old);
      place(model, o.entry, o.version, state);
    } else if (o.kind === 'remove') {
      const old = model.get(o.path);
      expect(book.remove(o.path)).toBe(old?.entry);
      if (old) checkFold(old);
      model.delete(o.path);
    } else if (o.kind === 'setState') {
      const old = model.get(o.path);
      const state = o.best === null ? NOT_ACTIVATED : { best: o.best };
      expect(book.setState(o.path, state)).toBe(old !== undefined);
      if (old) {
        checkFold(old);
        place(model, old.entry, old.version, state);
      }
    } else {
      const at = index++;
      const fired: string[] = [];
      book.advance(o.price, (e, level) => {
        fired.push(`${e.path}|${level}`);
        if (o.checkOut) book.remove(e.path);
      });
      const expected: string[] = [];
      for (const m of model.values()) {
        m.points.push({ price: o.price, time: at });
        if (!isActionablePrice(o.price)) continue;
        const level = firingLevel(m.entry, m.state, o.price);
        if (level !== null) {
          expected.push(`${m.entry.path}|${level}`);
          m.firstFire ??= { index: at, level };
        }
        m.state = afterPrice(m.entry, m.state, o.price);
      }
      fired.sort();
      expected.sort();
      if (fired.join() !== expected.join()) expect(fired).toEqual(expected);
      if (o.checkOut)
        for (const hit of expected) {
          const hitPath = hit.slice(0, hit.indexOf('|'));
          checkFold(model.get(hitPath)!);
          model.delete(hitPath);
        }
    }
    expect(book.size).toBe(model.size);
    // expect() only on a difference: it costs more than the book itself.
    for (const [p, m] of model) {
      const state = book.stateOf(p);
      if (state?.best !== m.state.best) expect(state).toEqual(m.state);
      if (book.versionOf(p) !== m.version) expect(book.versionOf(p)).toBe(m.version);
    }
  }
  for (const m of model.values()) checkFold(m);
}

describe('TrailingBook against the per-stop model', () => {
  it('fires the same stops, at the same prices and levels, and holds the same states', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150, size: 'max' }), (ops) => runOps(ops)),
      { numRuns: 150 },
    );
  });

  it('stays the model over long streams', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1_500, maxLength: 3_000 }), (ops) => runOps(ops)),
      // Shrinking thousands of operations takes minutes: the short property above shrinks well.
      { numRuns: 4, endOnFailure: true },
    );
  });
});
