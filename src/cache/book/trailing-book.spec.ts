import type { Side } from '../../domain/position';
import { NOT_ACTIVATED, type TrailingStop, trailingLevel } from '../../domain/trailing-stop';
import { type TrailingEntry, TrailingBook } from './trailing-book';
import { amount, rate } from '../../../test/support/trailing-stops';

const stop = (id: string, side: Side, trailing: TrailingStop): TrailingEntry => ({
  path: `users/u1/openPositions/${id}`,
  side,
  stop: trailing,
});

/** Advances the book through `prices`; returns the fires as `id@price:level`. */
function run(book: TrailingBook, ...prices: number[]): string[] {
  const fires: string[] = [];
  for (const price of prices)
    book.advance(price, (entry, level) => fires.push(`${entry.path.split('/').pop()}@${price}:${level}`));
  return fires.sort();
}

const best = (book: TrailingBook, id: string) => book.stateOf(`users/u1/openPositions/${id}`)?.best;

describe('TrailingBook', () => {
  it('activates a long stop at its activation price and fires at the level in force before the price', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', rate(0.25, 100)));
    expect(run(book, 90, 99)).toEqual([]);
    expect(best(book, 'a')).toBeNull();
    // The activating price is the first best, and never fires (level 75).
    expect(run(book, 100, 80, 76)).toEqual([]);
    expect(best(book, 'a')).toBe(100);
    // 120 lifts the level to 90; 90 crosses it, equal counting as crossed.
    expect(run(book, 120, 91, 90)).toEqual(['a@90:90']);
    expect(best(book, 'a')).toBe(120);
  });

  it('activates a stop without an activation price at the first price, and one already passed at once', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', amount(5)));
    book.add(stop('b', 'long', amount(5, 50)));
    book.add(stop('c', 'short', amount(5, 150)));
    expect(run(book, 100)).toEqual([]);
    expect([best(book, 'a'), best(book, 'b'), best(book, 'c')]).toEqual([100, 100, 100]);
    expect(run(book, 96, 95)).toEqual(['a@95:95', 'b@95:95']);
    // 95 was the short stop's new best: its level fell to 100.
    expect(run(book, 100)).toEqual(['c@100:100']);
  });

  it('trails a short stop on the lowest price, rate and amount alike', () => {
    const book = new TrailingBook();
    book.add(stop('r', 'short', rate(0.25, 100)));
    book.add(stop('m', 'short', amount(10, 100)));
    expect(run(book, 110, 101)).toEqual([]);
    expect(run(book, 100, 80)).toEqual([]);
    expect([best(book, 'r'), best(book, 'm')]).toEqual([80, 80]);
    // Levels: rate 80 × 1.25 = 100, amount 80 + 10 = 90.
    expect(run(book, 89)).toEqual([]);
    expect(run(book, 90)).toEqual(['m@90:90']);
    expect(run(book, 100)).toEqual(['m@100:90', 'r@100:100']);
  });

  it('merges peak groups when a new best lifts them, and fires each at its own level', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', rate(0.25)));
    run(book, 100);
    book.add(stop('b', 'long', amount(2)));
    book.add(stop('c', 'long', amount(1, 97)));
    run(book, 96, 98);
    // a: 100 (level 75); b: 98 (activated at 96); c: 98 (activated at 98).
    expect([best(book, 'a'), best(book, 'b'), best(book, 'c')]).toEqual([100, 98, 98]);
    expect(run(book, 97)).toEqual(['c@97:97']);
    book.remove('users/u1/openPositions/c');
    expect(run(book, 104)).toEqual([]);
    expect([best(book, 'a'), best(book, 'b')]).toEqual([104, 104]);
    expect(run(book, 102, 78)).toEqual(['a@78:78', 'b@102:102', 'b@78:102']);
  });

  it('lifts a group to the best of an older group as one group, so removing from it loses no other stop', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', amount(10)));
    run(book, 50, 45);
    book.add(stop('b', 'long', amount(1)));
    run(book, 45, 50);
    expect([best(book, 'a'), best(book, 'b')]).toEqual([50, 50]);
    book.remove('users/u1/openPositions/b');
    expect(run(book, 40)).toEqual(['a@40:40']);
  });

  it('keeps a fired stop, still trailing, until the caller removes it; a visitor may remove it', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', amount(10)));
    book.add(stop('b', 'long', amount(20)));
    expect(run(book, 100, 90)).toEqual(['a@90:90']);
    expect(book.size).toBe(2);
    const removed: (TrailingEntry | undefined)[] = [];
    book.advance(80, (entry) => removed.push(book.remove(entry.path)));
    expect(removed.map((e) => e?.path.split('/').pop()).sort()).toEqual(['a', 'b']);
    expect(book.size).toBe(0);
    expect(run(book, 70)).toEqual([]);
  });

  it('replaces by path, with a new version and a fresh or given state', () => {
    const book = new TrailingBook();
    const path = 'users/u1/openPositions/a';
    book.add(stop('a', 'long', amount(10)), 1);
    run(book, 100, 120);
    book.add(stop('a', 'long', amount(5)), 2);
    expect(book.size).toBe(1);
    expect(book.versionOf(path)).toBe(2);
    expect(book.get(path)?.stop).toEqual(amount(5));
    expect(book.stateOf(path)).toEqual(NOT_ACTIVATED);
    book.add(stop('a', 'long', amount(5)), 3, { best: 120 });
    expect(run(book, 115)).toEqual(['a@115:115']);
    expect(book.remove(path)?.stop).toEqual(amount(5));
    expect([book.get(path), book.versionOf(path), book.stateOf(path), book.remove(path)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes a recovered state with setState: a best, or back to waiting for activation', () => {
    const book = new TrailingBook();
    const path = 'users/u1/openPositions/a';
    book.add(stop('a', 'short', rate(0.5, 50)));
    expect(book.setState(path, { best: 40 })).toBe(true);
    expect(run(book, 59)).toEqual([]);
    expect(run(book, 60)).toEqual(['a@60:60']);
    expect(book.setState(path, NOT_ACTIVATED)).toBe(true);
    expect(run(book, 55, 100)).toEqual([]);
    expect(best(book, 'a')).toBeNull();
    expect(run(book, 50, 75)).toEqual(['a@75:75']);
    expect(book.setState('users/u1/openPositions/none', { best: 1 })).toBe(false);
  });

  it('ignores zero, negative and non-finite prices', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', amount(1)));
    book.add(stop('b', 'short', amount(1)));
    expect(run(book, 0, -5, NaN, Infinity, -Infinity)).toEqual([]);
    expect([best(book, 'a'), best(book, 'b')]).toEqual([null, null]);
    run(book, 10);
    expect(run(book, 0, NaN)).toEqual([]);
    expect([best(book, 'a'), best(book, 'b')]).toEqual([10, 10]);
  });

  it('reports levels bit-identical to trailingLevel', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', rate(0.07)));
    book.add(stop('b', 'short', rate(0.03)));
    run(book, 101.3);
    const long = trailingLevel('long', { kind: 'rate', rate: 0.07 }, 101.3);
    expect(run(book, long)).toEqual([`a@${long}:${long}`]);
    // `long` was a new low for the short stop.
    const short = trailingLevel('short', { kind: 'rate', rate: 0.03 }, long);
    expect(run(book, short)).toEqual([`b@${short}:${short}`]);
  });

  it('lists its entries', () => {
    const book = new TrailingBook();
    book.add(stop('a', 'long', amount(1)));
    book.add(stop('b', 'short', rate(0.1, 5)));
    expect([...book.entries()].map((e) => e.path.split('/').pop()).sort()).toEqual(['a', 'b']);
  });
});
