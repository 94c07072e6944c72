import type { Book, BookSet } from './book-set';
import { ENTRIES_PER_STEP } from './book/stepwise';

export interface RepairCounts {
  added: number;
  removed: number;
  updated: number;
}

/**
 * What the collector's full read changes in the live books: entries it adds, removes, or updates (other
 * levels, or another symbol). In listen mode every one of these is drift the listeners missed.
 * A generator that pauses after each book (and within a large one), so a caller may let ticks run between books; `between` runs at
 * each pause (the cache replays listener changes there, so both sides stay comparable). Paths `ignore`
 * accepts are out of the live books on purpose and count as nothing.
 */
export function* diffing<E extends { readonly path: string }, B extends Book<E>>(
  live: BookSet<E, B>,
  next: BookSet<E, B>,
  same: (a: E, b: E) => boolean,
  between: () => Iterable<void> = () => [],
  ignore: (path: string) => boolean = () => false,
): Generator<void, RepairCounts> {
  const counts: RepairCounts = { added: 0, removed: 0, updated: 0 };
  let kept = 0;
  for (const [key, book] of next.booksByKey()) {
    // Paths, not slots: a replay at a pause within the book may move an entry to another slot.
    const paths = book.heldPaths();
    let liveBook = live.bookByKey(key);
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i];
      const entry = book.get(path);
      // Replayed away at a pause (nothing to compare), or a leg counted in another book.
      if (entry !== undefined && !ignore(path) && next.countsAt(key, path)) {
        const current = liveBook?.get(path);
        if (current) {
          kept++;
          if (!same(current, entry)) counts.updated++;
        } else if (live.has(path)) {
          kept++;
          counts.updated++;
        } else counts.added++;
      }
      // One symbol may hold 150,000 entries: a pause within its book too, the live one looked up again after.
      if ((i + 1) % ENTRIES_PER_STEP === 0) {
        yield;
        yield* between();
        liveBook = live.bookByKey(key);
      }
    }
    yield;
    yield* between();
  }
  counts.removed = Math.max(0, live.size - kept);
  return counts;
}
