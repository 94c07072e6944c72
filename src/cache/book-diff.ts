import type { Book, BookSet, Located } from './book-set';

export interface RepairCounts {
  added: number;
  removed: number;
  updated: number;
}

/**
 * What the collector's full read changes in the live books: entries it adds, removes, or updates (other
 * levels, or another symbol). In listen mode every one of these is drift the listeners missed.
 */
export function diffBookSets<E extends { readonly path: string }, B extends Book<E>>(
  live: BookSet<E, B>,
  next: BookSet<E, B>,
  same: (a: E, b: E) => boolean,
): RepairCounts {
  const counts: RepairCounts = { added: 0, removed: 0, updated: 0 };
  let kept = 0;
  for (const item of next.located()) {
    const current = live.get(item.entry.path);
    if (!current) counts.added++;
    else {
      kept++;
      if (!sameLocation(current, item) || !same(current.entry, item.entry)) counts.updated++;
    }
  }
  counts.removed = live.size - kept;
  return counts;
}

function sameLocation<E>(a: Located<E>, b: Located<E>): boolean {
  return a.marketType === b.marketType && a.symbol === b.symbol;
}
