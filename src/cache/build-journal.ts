import type { EntryKind, Sighting, Version } from '../domain/crossing';
import { type BookSets, setOf } from './cache-entries';

/**
 * Beyond this many changes during one collection the run gives up and retries. Large enough for a
 * listener's first snapshot of every open position to arrive during the first collection.
 */
const MAX_JOURNAL = 2_000_000;

/** Journaled changes replayed between two pauses of a collection's build. */
const REPLAY_STEP = 5_000;

interface Recorded {
  readonly kind: EntryKind;
  readonly path: string;
  readonly seen: Sighting;
}

/** When each collection's full read was taken: documents missing from it were not open then. */
export interface ReadTimes {
  readonly positions: Version;
  readonly triggers: Version;
}

export function readTimeOf(readTimes: ReadTimes, kind: EntryKind): Version {
  return kind === 'position' ? readTimes.positions : readTimes.triggers;
}

/**
 * Every change made to the live books while a collection builds new ones (listener changes, put-backs,
 * settled and released crossings), in arrival order, so the new books receive them before the swap.
 * Replaying is version-checked: a change older than what the new books hold (or than the read, for a
 * document the read did not find) is skipped, so replaying twice or late never undoes a newer state.
 */
export class BuildJournal {
  private readonly recorded: Recorded[] = [];
  private replayed = 0;
  private overflowed = false;

  get overflow(): boolean {
    return this.overflowed;
  }

  record(kind: EntryKind, path: string, seen: Sighting): void {
    if (this.recorded.length < MAX_JOURNAL) this.recorded.push({ kind, path, seen });
    else this.overflowed = true;
  }

  /**
   * Applies what was recorded since the last call onto the books being built, pausing every REPLAY_STEP
   * changes: a listener's first snapshot arriving during the first collection is the whole collection
   * again, and replaying it in one go held the loop for seconds.
   */
  *replaying(next: BookSets, readTimes: ReadTimes): Generator<void> {
    for (let applied = 0; this.replayed < this.recorded.length; this.replayed++) {
      const { kind, path, seen } = this.recorded[this.replayed];
      setOf(next, kind).observe(path, seen, readTimeOf(readTimes, kind));
      if (++applied % REPLAY_STEP === 0) yield;
    }
  }
}
