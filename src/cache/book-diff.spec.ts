import type { Located, PositionEntry } from '../domain/crossing';
import { diffing } from './book-diff';
import { BookSet } from './book-set';
import { ENTRIES_PER_STEP, finish } from './book/stepwise';
import { POSITION_LEGS, buildPositionBook, samePosition } from './cache-entries';

type Item = Located<PositionEntry>;

const item = (n: number, stopLoss: number, version = 1): Item => ({
  marketType: 'spot',
  symbol: 'BTC-USDT',
  entry: { path: `users/u/openPositions/p${n}`, side: 'long', size: 1, stopLoss, takeProfit: null },
  version,
});

/** One symbol's book of `count` positions, each with its own stop. */
const build = (items: Item[]) => finish(BookSet.building(items, buildPositionBook, POSITION_LEGS));

describe('diffing', () => {
  const count = ENTRIES_PER_STEP * 2 + ENTRIES_PER_STEP / 2;
  const readItems = Array.from({ length: count }, (_, n) => item(n, 1_000 + n));

  it('counts what the read adds, removes and changes, pausing within a large book', () => {
    const next = build(readItems);
    // The live books missed p0..p2 (added by the read), hold p-1 and p-2 the read did not see (removed),
    // and had other stops for p10..p14 (updated).
    const live = build([
      ...readItems.slice(3).map((i, k) => (k + 3 >= 10 && k + 3 < 15 ? item(k + 3, 1) : i)),
      item(-1, 5),
      item(-2, 5),
    ]);

    const steps = diffing(live, next, samePosition);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;

    expect(step.value).toEqual({ added: 3, removed: 2, updated: 5 });
    // Two within the book (every ENTRIES_PER_STEP entries), one after it.
    expect(pauses).toBe(3);
  });

  it('compares by path when a replay at a pause within the book moves or removes entries', () => {
    const next = build(readItems);
    const live = build(readItems);
    const late = count - 1;
    // At the first pause, the journal replays into both sides what the listener saw meanwhile: a document
    // closed (gone from both) and another updated (a new version takes a new slot in the new books).
    let replays = 0;
    const replay = (): Iterable<void> => {
      if (replays++ === 0)
        for (const set of [live, next]) {
          set.remove(`users/u/openPositions/p${late}`);
          set.upsert(item(late - 1, 7, 2));
        }
      return [];
    };

    const counts = finish(diffing(live, next, samePosition, replay));

    expect(counts).toEqual({ added: 0, removed: 0, updated: 0 });
    expect(replays).toBe(3);
  });
});
