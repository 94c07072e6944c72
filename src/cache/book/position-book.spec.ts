import fc from 'fast-check';
import type { CloseReason } from '../../domain/position';
import type { PositionEntry } from '../../domain/crossing';
import { PositionBook } from './position-book';

type Op = { kind: 'add'; entry: PositionEntry } | { kind: 'remove'; path: string };

/** Few paths and few distinct levels, so replacements, duplicates and equal levels are common. */
const level = fc.option(fc.integer({ min: 1, max: 40 }), { nil: null, freq: 5 });
const path = fc.integer({ min: 0, max: 80 }).map((n) => `users/u${n % 7}/openPositions/p${n}`);
const entry: fc.Arbitrary<PositionEntry> = fc.record(
  {
    path,
    side: fc.constantFrom('long' as const, 'short' as const),
    size: fc.double({ min: 0.001, max: 10, noNaN: true }),
    stopLoss: level,
    takeProfit: level,
    // Present on some entries only, as on leveraged futures positions.
    liquidation: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: ['path', 'side', 'size', 'stopLoss', 'takeProfit'] },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: entry.map((value) => ({ kind: 'add' as const, entry: value })) },
  { weight: 2, arbitrary: path.map((value) => ({ kind: 'remove' as const, path: value })) },
);
const price = fc.oneof(fc.integer({ min: 0, max: 41 }), fc.double({ min: 0, max: 42, noNaN: true }));

/**
 * The losing-side level of an entry: its stop-loss, or its liquidation when a losing price reaches that
 * first (long: higher, short: lower; a tie is the stop-loss's).
 */
function stopOf(e: PositionEntry): [string, number] | null {
  const liquidation = e.liquidation ?? null;
  if (liquidation === null) return e.stopLoss === null ? null : ['stop_loss', e.stopLoss];
  if (e.stopLoss === null) return ['liquidation', liquidation];
  const liquidationFirst = e.side === 'long' ? liquidation > e.stopLoss : liquidation < e.stopLoss;
  return liquidationFirst ? ['liquidation', liquidation] : ['stop_loss', e.stopLoss];
}

/** The reference: scan every entry. Equal counts as crossed; both crossed means the stop. */
function bruteForce(model: Map<string, PositionEntry>, at: number): string[] {
  const crossed: string[] = [];
  for (const e of model.values()) {
    const stop = stopOf(e);
    const sl = stop !== null && (e.side === 'long' ? at <= stop[1] : at >= stop[1]);
    const tp = e.takeProfit !== null && (e.side === 'long' ? at >= e.takeProfit : at <= e.takeProfit);
    if (sl) crossed.push(`${e.path}|${stop[0]}|${stop[1]}`);
    else if (tp) crossed.push(`${e.path}|take_profit|${e.takeProfit}`);
  }
  return crossed.sort();
}

/** What the book crosses at `at`; a `mayCross` of false must mean that is nothing. */
function crossedBy(book: PositionBook, at: number): string[] {
  const mayCross = book.mayCross(at);
  const crossed: string[] = [];
  book.forEachCrossed(at, (e: PositionEntry, reason: CloseReason, lvl: number) =>
    crossed.push(`${e.path}|${reason}|${lvl}`),
  );
  if (!mayCross) expect(crossed).toEqual([]);
  return crossed.sort();
}

/** The reference for a candle: the levels its range reaches; both in range, the one the open crossed, else the stop. */
function bruteForceRange(
  model: Map<string, PositionEntry>,
  open: number,
  low: number,
  high: number,
): string[] {
  const crossed: string[] = [];
  const reaches = (level: number, falls: boolean): boolean => (falls ? low <= level : high >= level);
  const atOpen = (level: number, falls: boolean): boolean => (falls ? open <= level : open >= level);
  for (const e of model.values()) {
    const long = e.side === 'long';
    const stop = stopOf(e);
    const sl = stop !== null && reaches(stop[1], long);
    const tp = e.takeProfit !== null && reaches(e.takeProfit, !long);
    const tpFirst = tp && sl && atOpen(e.takeProfit, !long) && !atOpen(stop[1], long);
    if (sl && !tpFirst) crossed.push(`${e.path}|${stop[0]}|${stop[1]}`);
    else if (tp) crossed.push(`${e.path}|take_profit|${e.takeProfit}`);
  }
  return crossed.sort();
}

function apply(book: PositionBook, model: Map<string, PositionEntry>, operation: Op): void {
  if (operation.kind === 'add') {
    book.add(operation.entry);
    const { stopLoss, takeProfit, liquidation } = operation.entry;
    if (stopLoss === null && takeProfit === null && liquidation === undefined)
      model.delete(operation.entry.path);
    else model.set(operation.entry.path, operation.entry);
  } else {
    expect(book.remove(operation.path)).toEqual(model.get(operation.path));
    model.delete(operation.path);
  }
}

describe('PositionBook', () => {
  it('crosses exactly what a brute-force scan crosses, after any sequence of adds, replaces and removes', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 400, size: 'max' }),
        fc.array(price, { minLength: 1, maxLength: 20 }),
        (ops, prices) => {
          const book = new PositionBook();
          const model = new Map<string, PositionEntry>();
          for (const operation of ops) apply(book, model, operation);
          expect(book.size).toBe(model.size);
          for (const at of prices) expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
          expect([...book.entries()].sort((a, b) => a.path.localeCompare(b.path))).toEqual(
            [...model.values()].sort((a, b) => a.path.localeCompare(b.path)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("crosses exactly what a candle's range reaches, each entry once, by the rule for both levels", () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300, size: 'max' }),
        fc.array(fc.tuple(price, price, price), { minLength: 1, maxLength: 10 }),
        (ops, candles) => {
          const book = new PositionBook();
          const model = new Map<string, PositionEntry>();
          for (const operation of ops) apply(book, model, operation);
          for (const [a, b, c] of candles) {
            const [low, open, high] = [a, b, c].sort((x, y) => x - y);
            const crossed: string[] = [];
            const may = book.mayCrossRange(low, high);
            book.forEachCrossedInRange(
              low,
              high,
              (e: PositionEntry, reason: CloseReason, lvl: number) =>
                crossed.push(`${e.path}|${reason}|${lvl}`),
              open,
            );
            if (!may) expect(crossed).toEqual([]);
            expect(crossed.sort()).toEqual(bruteForceRange(model, open, low, high));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('stays correct for large books, where far-from-tail inserts wait in the pending list', () => {
    const bigPath = fc.integer({ min: 0, max: 1_500 }).map((n) => `p${n}`);
    const bigEntry = fc.record({
      path: bigPath,
      side: fc.constantFrom('long' as const, 'short' as const),
      size: fc.constant(1),
      stopLoss: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null, freq: 5 }),
      takeProfit: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null, freq: 5 }),
    });
    const bigOp: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: bigEntry.map((value) => ({ kind: 'add' as const, entry: value })) },
      { weight: 1, arbitrary: bigPath.map((value) => ({ kind: 'remove' as const, path: value })) },
    );
    fc.assert(
      fc.property(
        fc.array(bigOp, { minLength: 500, maxLength: 3_000 }),
        fc.array(fc.integer({ min: 0, max: 401 }), { minLength: 1, maxLength: 10 }),
        (ops, prices) => {
          const book = new PositionBook();
          const model = new Map<string, PositionEntry>();
          ops.forEach((operation, i) => {
            apply(book, model, operation);
            if (i % 97 === 0) expect(crossedBy(book, prices[0])).toEqual(bruteForce(model, prices[0]));
          });
          for (const at of prices) expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('builds in bulk to the same book as one add at a time, and stays correct when modified after', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 300, size: 'max' }),
        fc.array(op, { maxLength: 100, size: 'max' }),
        price,
        (initial, ops, at) => {
          const book = PositionBook.from(initial.map((entry) => ({ entry, version: 0 })));
          const model = new Map<string, PositionEntry>();
          for (const e of initial) apply(new PositionBook(), model, { kind: 'add', entry: e });
          expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
          for (const operation of ops) apply(book, model, operation);
          expect(crossedBy(book, at)).toEqual(bruteForce(model, at));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lets a visitor remove and re-add entries while a tick is being walked', () => {
    const book = new PositionBook();
    for (let i = 0; i < 100; i++)
      book.add({ path: `p${i}`, side: 'long', size: 1, stopLoss: 50 + (i % 10), takeProfit: null });
    const seen: string[] = [];
    book.forEachCrossed(55, (e) => {
      seen.push(e.path);
      book.remove(e.path);
      book.add({ ...e, path: `${e.path}-again` });
    });
    expect(seen).toHaveLength(50);
    expect(book.size).toBe(100);
    expect(crossedBy(book, 55)).toHaveLength(50);
  });

  it('does not keep an entry with neither level, and visits an inconsistent one once, as a stop-loss', () => {
    const book = new PositionBook();
    book.add({ path: 'a', side: 'long', size: 1, stopLoss: null, takeProfit: null });
    expect(book.size).toBe(0);
    book.add({ path: 'b', side: 'long', size: 1, stopLoss: 100, takeProfit: 90 });
    expect(crossedBy(book, 95)).toEqual(['b|stop_loss|100']);
  });

  it('answers mayCross from the levels nearest the price on each side', () => {
    const book = new PositionBook();
    book.add({ path: 'a', side: 'long', size: 1, stopLoss: 90, takeProfit: 110 });
    book.add({ path: 'b', side: 'short', size: 1, stopLoss: 120, takeProfit: 80 });
    expect([89, 90, 100, 109.99, 110, 111].map((price) => book.mayCross(price))).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
    ]);
    book.remove('a');
    expect([85, 100, 115, 120].map((price) => book.mayCross(price))).toEqual([false, false, false, true]);
  });

  it("keeps each entry's document version, replaced with the entry", () => {
    const book = PositionBook.from([
      { entry: { path: 'a', side: 'long', size: 1, stopLoss: 90, takeProfit: null }, version: 7 },
    ]);
    expect(book.versionOf('a')).toBe(7);
    book.add({ path: 'a', side: 'long', size: 1, stopLoss: 80, takeProfit: null }, 9);
    expect(book.versionOf('a')).toBe(9);
    book.add({ path: 'a', side: 'long', size: 1, stopLoss: null, takeProfit: null }, 11);
    expect(book.versionOf('a')).toBeUndefined();
    expect(book.versionOf('b')).toBeUndefined();
  });

  it('walks nothing but the tail when no level is crossed', () => {
    const book = PositionBook.from(
      Array.from({ length: 200_000 }, (_, i) => ({
        entry: {
          path: `p${i}`,
          side: 'long' as const,
          size: 1,
          stopLoss: 1_000 + (i % 5_000),
          takeProfit: 20_000 + i,
        },
        version: i,
      })),
    );
    const started = process.hrtime.bigint();
    let hits = 0;
    for (let i = 0; i < 100_000; i++) book.forEachCrossed(10_000 + (i % 100), () => hits++);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(hits).toBe(0);
    expect(elapsedMs).toBeLessThan(1_000);
    for (let i = 0; i < 100_000; i++) book.remove(`p${i * 2}`);
    // SL = 1000 + i % 5000 >= 5999 only for i % 5000 === 4999, all odd, so none was removed.
    expect(crossedBy(book, 5_999)).toHaveLength(40);
    expect(book.size).toBe(100_000);
  });
});
