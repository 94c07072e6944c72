import type { EntryKind, Located, PositionEntry, TriggerEntry, Version } from '../domain/crossing';
import { ENTRIES_PER_STEP } from './book/stepwise';
import type { Book, BookSet } from './book-set';
import { samePosition, sameTrigger } from './cache-entries';
import { ShardedMap } from './sharded-map';

export interface RepairCounts {
  added: number;
  removed: number;
  updated: number;
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
 * One full read being reconciled with the live books as its documents arrive: which documents it found
 * (the ones it did not find are swept out at its end), and what it repaired. The live books are repaired
 * in place, never rebuilt beside: a second set of books and the whole read kept alive until a swap
 * doubled the heap of a reconciliation, and collecting that garbage was its longest event-loop stalls.
 */
export class Reconciliation {
  /** Sharded: one Set of a million paths rehashed them all in one `add` (see ShardedMap). */
  private readonly found: Record<EntryKind, ShardedMap<true>> = {
    position: new ShardedMap(),
    trigger: new ShardedMap(),
  };
  readonly repairs: Record<EntryKind, RepairCounts> = {
    position: { added: 0, removed: 0, updated: 0 },
    trigger: { added: 0, removed: 0, updated: 0 },
  };

  /** Set once every page is in: from then on a path not found was not open at the read's time. */
  whole = false;

  constructor(readonly sequence: number) {}

  find(kind: EntryKind, path: string): void {
    this.found[kind].set(path, true);
  }

  hasFound(kind: EntryKind, path: string): boolean {
    return this.found[kind].has(path);
  }

  count(kind: EntryKind, action: keyof RepairCounts): void {
    this.repairs[kind][action]++;
  }
}

/**
 * What a read document is to the live books' entry for it: `older` and `identical` change nothing; `new` is
 * a document they do not hold; `drifted` one whose levels or book differ from a version the listener
 * missed; `refreshed` the same levels at a newer version, or another liquidation level (the contract's
 * margins changed, which is no drift).
 */
export type ReadJudgement = 'new' | 'older' | 'identical' | 'drifted' | 'refreshed';

export function judgeRead(
  kind: EntryKind,
  held: Located<PositionEntry | TriggerEntry> | undefined,
  read: Located<PositionEntry | TriggerEntry>,
): ReadJudgement {
  if (held === undefined) return 'new';
  if (read.version < held.version) return 'older';
  const sameLevels =
    sameBook(held, read) &&
    (kind === 'position'
      ? samePosition(held.entry as PositionEntry, read.entry as PositionEntry)
      : sameTrigger(held.entry as TriggerEntry, read.entry as TriggerEntry));
  if (!sameLevels) return 'drifted';
  if (read.version > held.version) return 'refreshed';
  return kind === 'position' && !sameLiquidation(held.entry, read.entry) ? 'refreshed' : 'identical';
}

function sameBook(a: Located<unknown>, b: Located<unknown>): boolean {
  return a.marketType === b.marketType && a.symbol === b.symbol && a.priceType === b.priceType;
}

function sameLiquidation(a: PositionEntry | TriggerEntry, b: PositionEntry | TriggerEntry): boolean {
  return ((a as PositionEntry).liquidation ?? null) === ((b as PositionEntry).liquidation ?? null);
}

/**
 * The paths a set's books hold that a finished read did not find and that no change since its first page
 * touched (version at or before `readAt`): documents that were not open when their page was read. Yields
 * every ENTRIES_PER_STEP paths; each path is judged when reached, so changes made during the pauses count.
 */
export function* unfound<E extends { readonly path: string }, B extends Book<E>>(
  set: BookSet<E, B>,
  found: (path: string) => boolean,
  readAt: Version,
  out: (path: string) => void,
): Generator<void> {
  const keys = [...set.booksByKey()].map(([key]) => key);
  let walked = 0;
  for (const key of keys) {
    const paths = set.bookByKey(key)?.heldPaths() ?? [];
    for (const path of paths) {
      if (!found(path) && (set.versionOf(path) ?? Infinity) <= readAt) out(path);
      if (++walked % ENTRIES_PER_STEP === 0) yield;
    }
    yield;
  }
}
