import fc from 'fast-check';
import type { TriggerEntry } from '../../domain/crossing';
import { TriggerBook } from './trigger-book';

type Op = { kind: 'add'; entry: TriggerEntry } | { kind: 'remove'; path: string };

const path = fc.integer({ min: 0, max: 80 }).map((n) => `users/u${n % 5}/tradeTriggers/t${n}`);
const entry: fc.Arbitrary<TriggerEntry> = fc.record({
  path,
  condition: fc.constantFrom('above' as const, 'below' as const),
  targetPrice: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.5, max: 40, noNaN: true })),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: entry.map((value) => ({ kind: 'add' as const, entry: value })) },
  { weight: 2, arbitrary: path.map((value) => ({ kind: 'remove' as const, path: value })) },
);
const price = fc.oneof(fc.integer({ min: 0, max: 41 }), fc.double({ min: 0, max: 42, noNaN: true }));

function bruteForce(model: Map<string, TriggerEntry>, at: number): string[] {
  return [...model.values()]
    .filter((e) => (e.condition === 'above' ? at >= e.targetPrice : at <= e.targetPrice))
    .map((e) => `${e.path}|${e.condition}|${e.targetPrice}`)
    .sort();
}

/** What the book crosses at `at`; a `mayCross` of false must mean that is nothing. */
function crossedBy(book: TriggerBook, at: number): string[] {
  const mayCross = book.mayCross(at);
  const crossed: string[] = [];
  book.forEachCrossed(at, (e) => crossed.push(`${e.path}|${e.condition}|${e.targetPrice}`));
  if (!mayCross) expect(crossed).toEqual([]);
  return crossed.sort();
}

function apply(book: TriggerBook, model: Map<string, TriggerEntry>, operation: Op): void {
  if (operation.kind === 'add') {
    book.add(operation.entry);
    model.set(operation.entry.path, operation.entry);
  } else {
    expect(book.remove(operation.path)).toEqual(model.get(operation.path));
    model.delete(operation.path);
  }
}

describe('TriggerBook', () => {
  it('crosses exactly what a brute-force scan crosses, after any sequence of adds, replaces and removes', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 400, size: 'max' }),
        fc.array(price, { minLength: 1, maxLength: 20 }),
        (ops, prices) => {
          const book = new TriggerBook();
          const model = new Map<string, TriggerEntry>();
          for (const operation of ops) apply(book, model, operation);
          expect(book.size).toBe(model.size);
          for (const at of prices) expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
          for (const e of model.values()) expect(book.get(e.path)).toEqual(e);
          expect([...book.entries()]).toHaveLength(model.size);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('builds in bulk to the same crossed sets as one add at a time', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 300, size: 'max' }),
        fc.array(op, { maxLength: 100, size: 'max' }),
        price,
        (initial, ops, at) => {
          const book = TriggerBook.from(initial.map((entry) => ({ entry, version: 0 })));
          const model = new Map(initial.map((e) => [e.path, e]));
          expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
          for (const operation of ops) apply(book, model, operation);
          expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
        },
      ),
      { numRuns: 100 },
    );
  });
});
