import type { Book, BookSet } from './book-set';

export interface RepairCounts {
  added: number;
  removed: number;
  updated: number;
}

/**
 * What the collector's full read changes in the live books: entries it adds, removes, or updates (other
 * levels, or another symbol). In listen mode every one of these is drift the listeners missed.
 * A generator that pauses after each book, so a caller may let ticks run between books; `between` runs at
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
    const liveBook = live.bookByKey(key);
    for (const entry of book.entries()) {
      // A document with legs in several books is compared once, where it counts.
      if (ignore(entry.path) || !next.countsAt(key, entry.path)) continue;
      const current = liveBook?.get(entry.path);
      if (current) {
        kept++;
        if (!same(current, entry)) counts.updated++;
      } else if (live.has(entry.path)) {
        kept++;
        counts.updated++;
      } else counts.added++;
    }
    yield;
    yield* between();
  }
  counts.removed = Math.max(0, live.size - kept);
  return counts;
}
