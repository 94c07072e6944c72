import fc from 'fast-check';
import type { Located, PositionEntry } from '../domain/crossing';
import { type PriceStream, priceStream } from '../domain/market';
import { positionLegs } from '../domain/price-legs';
import type { PositionBook } from './book/position-book';
import { BookSet } from './book-set';
import { POSITION_LEGS, buildPositionBook } from './cache-entries';

type Item = Located<PositionEntry>;
const PATH = 'users/u1/openPositions/p1';

const item = (entry: Partial<PositionEntry>, where: Partial<Item> = {}, version = 1): Item => ({
  marketType: 'futures',
  symbol: 'XBTUSDTM',
  entry: { path: PATH, side: 'long', size: 1, stopLoss: null, takeProfit: null, ...entry },
  version,
  ...where,
});

const pathsIn = (set: BookSet<PositionEntry, PositionBook>, stream: PriceStream, symbol: string) =>
  [...(set.book(stream, symbol)?.entries() ?? [])].map((e) => e.path).sort();

describe('BookSet with position legs', () => {
  it('puts a leveraged position watching the last trade in the last-price and the mark books, as one document', () => {
    const set = new BookSet(buildPositionBook, POSITION_LEGS);
    const position = item({ stopLoss: 90, takeProfit: 120, liquidation: 80 }, {}, 7);
    set.upsert(position);
    expect(pathsIn(set, 'futures', 'XBTUSDTM')).toEqual([PATH]);
    expect(pathsIn(set, 'mark', 'XBTUSDTM')).toEqual([PATH]);
    expect(set.book('futures', 'XBTUSDTM')?.get(PATH)?.liquidation).toBeUndefined();
    expect(set.book('mark', 'XBTUSDTM')?.get(PATH)).toMatchObject({ stopLoss: null, liquidation: 80 });
    expect(set.get(PATH)).toEqual(position);
    expect([set.size, set.count('futures'), set.versionOf(PATH), set.has(PATH)]).toEqual([1, 1, 7, true]);
    expect(set.remove(PATH)).toEqual(position);
    expect([set.size, set.count('futures'), set.symbols('mark'), set.symbols('futures')]).toEqual([
      0,
      0,
      [],
      [],
    ]);
  });

  it('keeps a position with only a liquidation level in the mark book, and knows what it watches', () => {
    const set = new BookSet(buildPositionBook, POSITION_LEGS);
    const position = item({ liquidation: 80 }, { priceType: 'index' });
    set.upsert(position);
    expect(set.symbols('index')).toEqual([]);
    expect(pathsIn(set, 'mark', 'XBTUSDTM')).toEqual([PATH]);
    expect(set.get(PATH)).toEqual(position);
  });

  it('moves a document between one leg and two as its liquidation level comes and goes', () => {
    const set = new BookSet(buildPositionBook, POSITION_LEGS);
    set.upsert(item({ stopLoss: 90 }, {}, 1));
    set.upsert(item({ stopLoss: 90, liquidation: 80 }, {}, 2));
    expect(pathsIn(set, 'mark', 'XBTUSDTM')).toEqual([PATH]);
    set.upsert(item({ stopLoss: 91 }, {}, 3));
    expect(set.symbols('mark')).toEqual([]);
    expect(set.get(PATH)).toEqual(item({ stopLoss: 91 }, {}, 3));
    expect(set.count('futures')).toBe(1);
  });

  it('counts a two-legged document where its stops are, once, for a book-by-book diff', () => {
    const set = new BookSet(buildPositionBook, POSITION_LEGS);
    set.upsert(item({ stopLoss: 90, liquidation: 80 }));
    expect(set.countsAt('futures:XBTUSDTM', PATH)).toBe(true);
    expect(set.countsAt('mark:XBTUSDTM', PATH)).toBe(false);
  });

  const arbitraryItem: fc.Arbitrary<Item> = fc
    .record({
      n: fc.integer({ min: 0, max: 12 }),
      futures: fc.boolean(),
      symbol: fc.constantFrom('A', 'B'),
      priceType: fc.constantFrom(undefined, 'mark' as const, 'index' as const),
      side: fc.constantFrom('long' as const, 'short' as const),
      stopLoss: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
      takeProfit: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
      liquidation: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
      version: fc.integer({ min: 1, max: 1_000 }),
    })
    .map((r) => {
      const path = `users/u/openPositions/p${r.n}`;
      const base = { path, side: r.side, size: 1, stopLoss: r.stopLoss, takeProfit: r.takeProfit };
      // Only futures positions are ever given a liquidation level (liquidationLevel's rule).
      const entry = r.futures && r.liquidation !== null ? { ...base, liquidation: r.liquidation } : base;
      return r.futures
        ? {
            marketType: 'futures',
            symbol: `${r.symbol}USDTM`,
            priceType: r.priceType,
            entry,
            version: r.version,
          }
        : { marketType: 'spot', symbol: `${r.symbol}-USDT`, entry, version: r.version };
    });
  const op = fc.oneof(
    arbitraryItem.map((value) => ({ kind: 'upsert' as const, item: value })),
    fc
      .integer({ min: 0, max: 12 })
      .map((n) => ({ kind: 'remove' as const, path: `users/u/openPositions/p${n}` })),
  );
  const watches = (i: Item) => {
    const { stopLoss, takeProfit, liquidation } = i.entry;
    return stopLoss !== null || takeProfit !== null || (liquidation ?? null) !== null;
  };

  it('holds every document as the plain model says, in exactly the books its legs watch (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60, size: 'max' }), (ops) => {
        const set = new BookSet(buildPositionBook, POSITION_LEGS);
        const model = new Map<string, Item>();
        for (const o of ops) {
          if (o.kind === 'upsert') {
            set.upsert(o.item);
            if (watches(o.item)) model.set(o.item.entry.path, o.item);
            else model.delete(o.item.entry.path);
          } else {
            expect(set.remove(o.path)).toEqual(model.get(o.path));
            model.delete(o.path);
          }
        }
        for (const candidate of [set]) {
          expect(candidate.size).toBe(model.size);
          for (const [path, expected] of model) expect(candidate.get(path)).toEqual(expected);
          const futures = [...model.values()].filter((i) => i.marketType === 'futures').length;
          expect(candidate.count('futures')).toBe(futures);
          for (const stream of ['spot', 'futures', 'mark', 'index'] as const)
            for (const symbol of ['A-USDT', 'B-USDT', 'AUSDTM', 'BUSDTM']) {
              const legs = [...model.values()]
                .flatMap(positionLegs)
                .filter((l) => l.symbol === symbol && priceStream(l.marketType, l.priceType) === stream)
                .filter(watches);
              expect(pathsIn(candidate, stream, symbol)).toEqual(legs.map((l) => l.entry.path).sort());
            }
        }
      }),
    );
  });
});
