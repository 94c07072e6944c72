import type { Hit, PositionEntry } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { amount, rate } from '../../test/support/trailing-stops';
import { PositionBook } from './book/position-book';
import { CrossingFinder } from './crossing-finder';

/** Trailing stops through the finder: each price moves them once, in order, and a fire is one hit. */
const T0 = 1_700_000_000_000;
const finder = new CrossingFinder();

function tick(price: number, overrides: Partial<Tick> = {}): Tick {
  return {
    marketType: 'spot',
    symbol: 'BTC-USDT',
    price,
    exchangeTime: T0,
    receivedAt: T0,
    source: 'stream',
    ...overrides,
  };
}

function entry(overrides: Partial<PositionEntry> = {}): PositionEntry {
  return {
    path: 'users/u1/openPositions/p1',
    side: 'long',
    size: 1,
    stopLoss: null,
    takeProfit: null,
    trailing: rate(0.1),
    ...overrides,
  };
}

/** Every tick through the finder; the hits of each. */
function run(book: PositionBook, ticks: Tick[]): Hit[][] {
  return ticks.map((t) => {
    const out: Hit[] = [];
    finder.find(book, undefined, t, out);
    return out;
  });
}

const book = (...entries: PositionEntry[]): PositionBook =>
  PositionBook.from(entries.map((e) => ({ entry: e, version: (T0 - 1_000) * 1_000 })));

describe('CrossingFinder: trailing stops', () => {
  it('keeps a position that has only a trailing stop, with its stop in the entry', () => {
    const positions = book(entry());
    expect(positions.size).toBe(1);
    expect(positions.trailingSize).toBe(1);
    expect(positions.get('users/u1/openPositions/p1')?.trailing).toEqual(rate(0.1));
    positions.remove('users/u1/openPositions/p1');
    expect(positions.trailingSize).toBe(0);
  });

  it('follows the highest price and fires on the first price at or below its level, once', () => {
    const positions = book(entry());
    // 100 activates (level 90), 110 raises it to 99; 99.5 does not reach it; 99 does.
    const hits = run(
      positions,
      [100, 110, 99.5, 99].map((p) => tick(p)),
    );
    expect(hits.slice(0, 3).flat()).toEqual([]);
    expect(hits[3]).toEqual([
      expect.objectContaining({ kind: 'position', reason: 'trailing_stop', level: 99, entry: entry() }),
    ]);
    expect(hits[3][0]).not.toHaveProperty('fillPrice');
  });

  it('does what the README example says', () => {
    const long = book(entry({ trailing: rate(0.05, 62_000) }));
    const hits = run(
      long,
      [61_000, 61_900, 62_000, 64_000, 61_000, 60_801, 60_750].map((p) => tick(p)),
    );
    expect(hits.slice(0, 6).flat()).toEqual([]);
    expect(hits[6]).toEqual([expect.objectContaining({ reason: 'trailing_stop', level: 60_800 })]);
    const byAmount = book(entry({ trailing: amount(1_500, 62_000) }));
    const fired = run(
      byAmount,
      [62_000, 64_000, 62_500].map((p) => tick(p)),
    );
    expect(fired[2]).toEqual([expect.objectContaining({ level: 62_500 })]);
  });

  it('a short with an activation price ignores prices before it, then trails the lowest', () => {
    const positions = book(entry({ side: 'short', trailing: amount(5, 90) }));
    // 95 and 120 are before activation; 90 activates (level 95), 80 lowers it to 85.
    const hits = run(
      positions,
      [95, 120, 90, 80, 84, 85].map((p) => tick(p)),
    );
    expect(hits.slice(0, 5).flat()).toEqual([]);
    expect(hits[5]).toEqual([expect.objectContaining({ reason: 'trailing_stop', level: 85 })]);
  });

  it.each([
    // [stop-loss, expected reason, expected level]: the level a falling price reaches first wins; a tie is the stop's.
    [98, 'trailing_stop', 99],
    [99.5, 'stop_loss', 99.5],
    [99, 'stop_loss', 99],
  ])(
    'one price crossing a stop-loss %p and the trailing level gives one hit: %s',
    (stopLoss, reason, level) => {
      const positions = book(entry({ stopLoss }));
      const hits = run(
        positions,
        [100, 110, 97].map((p) => tick(p)),
      );
      expect(hits[2]).toEqual([expect.objectContaining({ reason, level })]);
    },
  );

  it('fires from a recovered candle only where every order of its trades would, filling at the level', () => {
    const positions = book(entry());
    run(positions, [tick(110, { source: 'backfill', sequence: '1' })]);
    const candle = (open: number, high: number, low: number, close: number): Tick =>
      tick(close, { source: 'backfill', exchangeTime: T0 + 60_000, candle: { open, high, low } });
    // Level 99 before the candle: its low 100 does not reach it. The high 120 raises it to 108, but the low
    // may have come first, so only the close 107 (after the high) fires, at the level.
    const hits = run(positions, [candle(105, 120, 100, 107)]);
    expect(hits[0]).toEqual([
      expect.objectContaining({ reason: 'trailing_stop', level: 108, fillPrice: 108 }),
    ]);
  });

  it('leaves out a recovered candle of a minute the stops already saw prices of (a gap’s first minute)', () => {
    const positions = book(entry({ trailing: rate(0.05) }));
    const minute = T0 - (T0 % 60_000);
    // Live: 60,001 then 64,000 (level 60,800). The gap's first candle holds both, and 60,001 again as its
    // open: judged on the raised level it would close the position, though no price after 64,000 did.
    run(positions, [tick(60_001, { exchangeTime: minute + 1 }), tick(64_000, { exchangeTime: minute + 2 })]);
    const replay = tick(62_000, {
      source: 'backfill',
      exchangeTime: minute,
      candle: { open: 60_001, high: 64_000, low: 60_001 },
    });
    expect(run(positions, [replay]).flat()).toEqual([]);
    // The next minute's candle applies: its low 60,700 reaches the level.
    const next = tick(61_000, {
      source: 'backfill',
      exchangeTime: minute + 60_000,
      candle: { open: 62_000, high: 62_000, low: 60_700 },
    });
    expect(run(positions, [next])[0]).toEqual([
      expect.objectContaining({ level: 60_800, fillPrice: 60_800 }),
    ]);
  });

  it('takes from the candle the recovered trades overlap only the extremes beyond theirs, then the trades', () => {
    const positions = book(entry({ trailing: rate(0.05) }));
    // Before the trades: 60,001 and 59,999 back and forth; the trades: 59,999, 64,000, 61,000.
    const candle = tick(61_000, {
      source: 'backfill',
      exchangeTime: T0,
      candle: { open: 60_001, high: 64_000, low: 59_999, overlap: { high: 64_000, low: 59_999 } },
    });
    const trades = [59_999, 64_000, 61_000].map((p, i) =>
      tick(p, { source: 'backfill', exchangeTime: T0 + 30_000 + i, sequence: String(i + 1) }),
    );
    expect(run(positions, [candle, ...trades]).flat()).toEqual([]);
    expect(run(positions, [tick(60_800)])[0]).toEqual([expect.objectContaining({ level: 60_800 })]);
  });

  it('does not move a stop with prices recovered from before its document’s update', () => {
    const updatedAt = T0 + 5_000;
    const positions = PositionBook.from([{ entry: entry(), version: updatedAt * 1_000 }]);
    // A recovered high from before the update would have put the level at 180 and fired at 150.
    const before = tick(200, { source: 'backfill', exchangeTime: updatedAt - 1, sequence: '1' });
    const after = tick(150, { source: 'backfill', exchangeTime: updatedAt, sequence: '2' });
    expect(run(positions, [before, after]).flat()).toEqual([]);
    expect(run(positions, [tick(135)])[0]).toEqual([expect.objectContaining({ level: 135 })]);
  });
});
