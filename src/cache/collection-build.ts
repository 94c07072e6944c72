import type { Located, PositionEntry, TriggerEntry } from '../domain/crossing';
import { diffing, type RepairCounts } from './book-diff';
import { BookSet } from './book-set';
import { type BuildJournal, type ReadTimes, readTimeOf } from './build-journal';
import {
  type BookSets,
  POSITION_LEGS,
  buildPositionBook,
  buildTriggerBook,
  samePosition,
  sameTrigger,
  setOf,
} from './cache-entries';
import type { PendingCrossings } from './pending-crossings';

export interface CollectionTicket {
  readonly sequence: number;
}

/** One full read of both collections, with the time it was taken at. */
export interface FullRead {
  readonly positions: Located<PositionEntry>[];
  readonly triggers: Located<TriggerEntry>[];
  readonly readTimes: ReadTimes;
}

export type CollectionOutcome =
  | { readonly kind: 'swapped'; readonly positions: RepairCounts; readonly triggers: RepairCounts }
  /** Too many changes arrived during the read to replay them; the live books were kept. */
  | { readonly kind: 'journal_overflow' }
  /** Another collection began meanwhile; this one's books were discarded. */
  | { readonly kind: 'superseded' };

/** What a collection builds against: the live books it will replace, and what must stay out of the new ones. */
export interface BuildBasis {
  readonly live: BookSets;
  readonly pending: PendingCrossings;
  /** Triggers refused for a reused id. */
  readonly refused: ReadonlySet<string>;
}

export interface BuiltBooks {
  readonly next: BookSets;
  readonly positions: RepairCounts;
  readonly triggers: RepairCounts;
}

/**
 * Builds new books from a full read, one book per step (the caller pauses between steps, so ticks keep
 * being served from the live books), replaying the journal onto them as it goes, and counts how far the
 * live books had drifted from the read.
 */
export function* buildBooks(
  /** Read when each stage starts: the live books are whatever they are by then. */
  basis: () => BuildBasis,
  journal: BuildJournal,
  read: FullRead,
): Generator<void, BuiltBooks> {
  const { refused } = basis();
  const next: BookSets = {
    positions: yield* BookSet.building(read.positions, buildPositionBook, POSITION_LEGS),
    triggers: yield* BookSet.building(
      read.triggers.filter((item) => !refused.has(item.entry.path)),
      buildTriggerBook,
    ),
  };
  const replay = (): Generator<void> => journal.replaying(next, read.readTimes);
  yield* replay();
  // A pending document is out of the live books on purpose: its absence there is no drift.
  const isPending = (path: string): boolean => basis().pending.has(path);
  const positions = yield* diffing(basis().live.positions, next.positions, samePosition, replay, isPending);
  const triggers = yield* diffing(basis().live.triggers, next.triggers, sameTrigger, replay, isPending);
  yield* replay();
  return { next, positions, triggers };
}

/**
 * Documents with a crossing pending stay out of the new books; what the read saw of them is a sighting
 * like any other (it may end the crossing, or put the document back with levels it no longer crosses).
 */
export function handOverPending(next: BookSets, readTimes: ReadTimes, pending: PendingCrossings): void {
  for (const [path, kind] of pending.paths()) {
    const set = setOf(next, kind);
    const item = set.get(path);
    const seen = item
      ? { version: item.version, item }
      : { version: readTimeOf(readTimes, kind), item: null };
    const verdict = pending.rejudge(kind, path, seen);
    if (verdict.kind !== 'uncrossed') set.remove(path);
  }
}
