import type { Hit, PositionEntry, PositionHit, TriggerEntry, TriggerHit } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { PositionBook } from './book/position-book';
import { TriggerBook } from './book/trigger-book';
import { CrossingFinder } from './crossing-finder';

function tick(price: number, overrides: Partial<Tick> = {}): Tick {
  return {
    marketType: 'spot',
    symbol: 'BTC-USDT',
    price,
    exchangeTime: 1_700_000_000_123,
    receivedAt: 1_700_000_000_130,
    source: 'stream',
    ...overrides,
  };
}

function position(overrides: Partial<PositionEntry> = {}): PositionEntry {
  return {
    path: 'users/u1/openPositions/p1',
    side: 'long',
    size: 1,
    stopLoss: 90,
    takeProfit: 110,
    ...overrides,
  };
}

function trigger(overrides: Partial<TriggerEntry> = {}): TriggerEntry {
  return { path: 'users/u1/tradeTriggers/t1', condition: 'above', targetPrice: 100, ...overrides };
}

const finder = new CrossingFinder();

function positionBook(entries: PositionEntry[]): PositionBook {
  return PositionBook.from(entries.map((entry) => ({ entry, version: 1 })));
}

function triggerBook(entries: TriggerEntry[]): TriggerBook {
  return TriggerBook.from(entries.map((entry) => ({ entry, version: 1 })));
}

function positionHits(book: PositionBook, at: Tick): PositionHit[] {
  const out: Hit[] = [];
  finder.find(book, undefined, at, out);
  return out as PositionHit[];
}

function triggerHits(book: TriggerBook, at: Tick): TriggerHit[] {
  const out: Hit[] = [];
  finder.find(undefined, book, at, out);
  return out as TriggerHit[];
}

function evaluate(
  entries: PositionEntry[],
  price: number,
): { path: string; reason: string; level: number }[] {
  return positionHits(positionBook(entries), tick(price)).map((hit) => ({
    path: hit.entry.path,
    reason: hit.reason,
    level: hit.level,
  }));
}

const futuresTick = (price: number): Tick => tick(price, { marketType: 'futures', symbol: 'XBTUSDTM' });

function firedPaths(entries: TriggerEntry[], price: number): string[] {
  return triggerHits(triggerBook(entries), futuresTick(price))
    .map((hit) => hit.entry.path)
    .sort();
}

describe('CrossingFinder: positions', () => {
  // side, price, expected reason (null: no hit). Levels: long SL 90 / TP 110; short SL 110 / TP 90.
  it.each([
    ['long', 89, 'stop_loss', 90, 'below the stop'],
    ['long', 90, 'stop_loss', 90, 'exactly at the stop'],
    ['long', 90.0001, null, 0, 'just above the stop'],
    ['long', 50, 'stop_loss', 90, 'gapped far through the stop'],
    ['long', 110, 'take_profit', 110, 'exactly at the target'],
    ['long', 111, 'take_profit', 110, 'above the target'],
    ['long', 109.9999, null, 0, 'just below the target'],
    ['long', 500, 'take_profit', 110, 'gapped far through the target'],
    ['long', 100, null, 0, 'between the levels'],
    ['short', 110, 'stop_loss', 110, 'exactly at the stop'],
    ['short', 111, 'stop_loss', 110, 'above the stop'],
    ['short', 109.9999, null, 0, 'just below the stop'],
    ['short', 500, 'stop_loss', 110, 'gapped far through the stop'],
    ['short', 90, 'take_profit', 90, 'exactly at the target'],
    ['short', 89, 'take_profit', 90, 'below the target'],
    ['short', 90.0001, null, 0, 'just above the target'],
    ['short', 1, 'take_profit', 90, 'gapped far through the target'],
    ['short', 100, null, 0, 'between the levels'],
  ] as const)('%s at %p -> %p (%s)', (side, price, reason, level, _label) => {
    const levels = side === 'long' ? { stopLoss: 90, takeProfit: 110 } : { stopLoss: 110, takeProfit: 90 };
    const hits = evaluate([position({ side, ...levels })], price);
    expect(hits).toEqual(reason === null ? [] : [{ path: 'users/u1/openPositions/p1', reason, level }]);
  });

  it.each([
    ['long', 'stopLoss only', { stopLoss: 90, takeProfit: null }, 200, []],
    ['long', 'takeProfit only', { stopLoss: null, takeProfit: 110 }, 1, []],
    ['short', 'stopLoss only', { stopLoss: 110, takeProfit: null }, 1, []],
    ['short', 'takeProfit only', { stopLoss: null, takeProfit: 90 }, 200, []],
  ] as const)('%s with %s ignores the missing level', (side, _label, levels, price, expected) => {
    expect(evaluate([position({ side, ...levels })], price)).toEqual(expected);
  });

  it('reports a position whose levels are both crossed once, as a stop-loss', () => {
    // A long with the stop above the target (inconsistent, but possible in user data).
    expect(evaluate([position({ stopLoss: 120, takeProfit: 100 })], 110)).toEqual([
      { path: 'users/u1/openPositions/p1', reason: 'stop_loss', level: 120 },
    ]);
  });

  it('returns every crossed position of a book and only those', () => {
    const entries = [
      position({ path: 'users/a/openPositions/l-stop', stopLoss: 95, takeProfit: 200 }),
      position({ path: 'users/a/openPositions/l-safe', stopLoss: 80, takeProfit: 200 }),
      position({ path: 'users/b/openPositions/s-tp', side: 'short', stopLoss: 200, takeProfit: 95 }),
      position({ path: 'users/b/openPositions/s-safe', side: 'short', stopLoss: 200, takeProfit: 80 }),
    ];
    expect(evaluate(entries, 95).sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'users/a/openPositions/l-stop', reason: 'stop_loss', level: 95 },
      { path: 'users/b/openPositions/s-tp', reason: 'take_profit', level: 95 },
    ]);
  });

  it('builds hits carrying the tick market and symbol, appended after what the buffer already holds', () => {
    const out: Hit[] = [{ kind: 'trigger' } as Hit];
    const count = finder.find(positionBook([position()]), undefined, futuresTick(80), out);
    expect(count).toBe(1);
    expect(out[1]).toEqual({
      kind: 'position',
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      entry: position(),
      reason: 'stop_loss',
      level: 90,
    });
  });

  it.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('never acts on a price of %p', (price) => {
    expect(
      evaluate(
        [position({ stopLoss: 90 }), position({ path: 'users/u/openPositions/s', side: 'short' })],
        price,
      ),
    ).toEqual([]);
  });

  it('leaves the buffer untouched for an empty book or a tick that crosses nothing', () => {
    const out: Hit[] = [];
    expect(finder.find(new PositionBook(), undefined, tick(1), out)).toBe(0);
    expect(finder.find(positionBook([position()]), undefined, tick(100), out)).toBe(0);
    expect(out).toEqual([]);
  });

  it('does not change the book: evaluating twice gives the same hits', () => {
    const book = positionBook([position()]);
    expect(positionHits(book, tick(85))).toEqual(positionHits(book, tick(85)));
    expect(book.size).toBe(1);
  });
});

describe('CrossingFinder: triggers', () => {
  it.each([
    ['above', 101, true, 'above the target'],
    ['above', 100, true, 'exactly at the target'],
    ['above', 99.9999, false, 'just below the target'],
    ['above', 10_000, true, 'gapped far through the target'],
    ['below', 99, true, 'below the target'],
    ['below', 100, true, 'exactly at the target'],
    ['below', 100.0001, false, 'just above the target'],
    ['below', 0.5, true, 'gapped far through the target'],
  ] as const)('%s 100 at %p fires: %p (%s)', (condition, price, fires, _label) => {
    const hits = triggerHits(triggerBook([trigger({ condition })]), futuresTick(price));
    expect(hits).toEqual(
      fires
        ? [
            {
              kind: 'trigger',
              marketType: 'futures',
              symbol: 'XBTUSDTM',
              entry: trigger({ condition }),
              level: 100,
            },
          ]
        : [],
    );
  });

  it('fires exactly the crossed triggers of a mixed book', () => {
    const entries = [
      trigger({ path: 'users/a/tradeTriggers/above-95', condition: 'above', targetPrice: 95 }),
      trigger({ path: 'users/a/tradeTriggers/above-105', condition: 'above', targetPrice: 105 }),
      trigger({ path: 'users/b/tradeTriggers/below-95', condition: 'below', targetPrice: 95 }),
      trigger({ path: 'users/b/tradeTriggers/below-105', condition: 'below', targetPrice: 105 }),
    ];
    expect(firedPaths(entries, 100)).toEqual([
      'users/a/tradeTriggers/above-95',
      'users/b/tradeTriggers/below-105',
    ]);
    expect(firedPaths(entries, 95)).toEqual([
      'users/a/tradeTriggers/above-95',
      'users/b/tradeTriggers/below-105',
      'users/b/tradeTriggers/below-95',
    ]);
  });

  it.each([[0], [-5], [Number.NaN]])('never acts on a price of %p', (price) => {
    expect(firedPaths([trigger({ condition: 'below' })], price)).toEqual([]);
  });

  it('returns nothing for an empty book', () => {
    expect(finder.find(undefined, new TriggerBook(), futuresTick(100), [])).toBe(0);
  });
});

describe('CrossingFinder: both books of a symbol', () => {
  it('appends position hits, then trigger hits, for one tick', () => {
    const out: Hit[] = [];
    const count = finder.find(
      positionBook([position()]),
      triggerBook([trigger({ condition: 'below', targetPrice: 95 })]),
      tick(90),
      out,
    );
    expect(count).toBe(2);
    expect(out.map((hit) => hit.kind)).toEqual(['position', 'trigger']);
  });
});

describe('CrossingFinder: a candle recovered for a gap', () => {
  const candleTick = (open: number, high: number, low: number, close: number): Tick =>
    tick(close, { candle: { open, high, low }, exchangeTime: 1_700_000_040_000, source: 'backfill' });

  function candleHits(open: number, high: number, low: number, close: number) {
    const out: Hit[] = [];
    finder.find(
      positionBook([
        position({ path: 'users/a/openPositions/long', stopLoss: 90, takeProfit: 120 }),
        position({ path: 'users/a/openPositions/short', side: 'short', stopLoss: 130, takeProfit: 80 }),
      ]),
      triggerBook([
        trigger({ path: 'users/a/tradeTriggers/below', condition: 'below', targetPrice: 95 }),
        trigger({ path: 'users/a/tradeTriggers/above', condition: 'above', targetPrice: 125 }),
      ]),
      candleTick(open, high, low, close),
      out,
    );
    return out
      .map((hit) => [
        hit.entry.path.split('/')[3],
        hit.kind === 'position' ? hit.reason : hit.kind,
        hit.level,
        hit.fillPrice,
      ])
      .sort();
  }

  it('fills what its range reached at the level, never at its extreme', () => {
    expect(candleHits(100, 101, 85, 99)).toEqual([
      ['below', 'trigger', 95, 95],
      ['long', 'stop_loss', 90, 90],
    ]);
    expect(candleHits(100, 135, 99, 101)).toEqual([
      ['above', 'trigger', 125, 125],
      ['long', 'take_profit', 120, 120],
      ['short', 'stop_loss', 130, 130],
    ]);
  });

  it('fills at the open when the candle opened already beyond the level', () => {
    expect(candleHits(70, 75, 60, 74)).toEqual([
      ['below', 'trigger', 95, 70],
      ['long', 'stop_loss', 90, 70],
      ['short', 'take_profit', 80, 70],
    ]);
  });

  it('takes the level the open crossed when one candle reaches both levels of a position, else the stop', () => {
    expect(candleHits(121, 122, 89, 100)).toContainEqual(['long', 'take_profit', 120, 121]);
    expect(candleHits(100, 121, 89, 100)).toContainEqual(['long', 'stop_loss', 90, 90]);
  });

  it('ignores a candle with an impossible range', () => {
    expect(candleHits(100, 80, 120, 100)).toEqual([]);
    expect(candleHits(0, 101, 0, 99)).toEqual([]);
  });
});
