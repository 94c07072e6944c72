import type { Version } from '../../domain/crossing';
import { LevelLadder } from './level-ladder';
import { SlotTable } from './slot-table';
import { ENTRIES_PER_STEP, type Stepwise } from './stepwise';
import { resized } from './typed-arrays';

/** What a bulk build takes: an entry and the document version it was read at. */
export interface VersionedEntry<E> {
  readonly entry: E;
  readonly version: Version;
}

/**
 * What both books share: the slot table, the two ladders and the lookups by path. `fallsTo` holds keys
 * that fire when price <= level (key = level); `risesTo` those that fire when price >= level (key =
 * -level). Subclasses own their typed-array columns and say how an entry maps onto the ladders.
 */
export abstract class LadderBook<E extends { readonly path: string }> extends SlotTable {
  protected readonly fallsTo: LevelLadder;
  protected readonly risesTo: LevelLadder;
  /** Slots collected by a walk, reused so a tick allocates nothing. */
  protected readonly scratch = { buffer: new Int32Array(16) };
  /** Each entry's document version, so a late or stale sighting never overwrites a newer one. */
  private versions: Float64Array;

  protected constructor(capacity: number, fallsToCapacity: number, risesToCapacity: number) {
    super(capacity);
    this.fallsTo = new LevelLadder(fallsToCapacity);
    this.risesTo = new LevelLadder(risesToCapacity);
    this.versions = new Float64Array(this.capacity);
  }

  /** Adds the entry, replacing any entry with the same path; an entry the book does not keep is dropped. */
  add(entry: E, version: Version = 0): void {
    const existing = this.slotOf(entry.path);
    if (existing !== undefined) this.removeSlot(entry.path, existing);
    if (!this.keeps(entry)) return;
    const slot = this.allocate(entry.path);
    this.versions[slot] = version;
    this.place(slot, entry);
  }

  versionOf(path: string): Version | undefined {
    const slot = this.slotOf(path);
    return slot === undefined ? undefined : this.versions[slot];
  }

  remove(path: string): E | undefined {
    const slot = this.slotOf(path);
    if (slot === undefined) return undefined;
    const entry = this.entryAt(slot);
    this.removeSlot(path, slot);
    return entry;
  }

  get(path: string): E | undefined {
    const slot = this.slotOf(path);
    return slot === undefined ? undefined : this.entryAt(slot);
  }

  /** Whether either ladder holds inserts not merged yet (see LevelLadder). */
  hasPendingInserts(): boolean {
    return this.fallsTo.hasPending || this.risesTo.hasPending;
  }

  /**
   * Merges the waiting inserts a ladder at a time, yielding after each that had some: a first fill of a
   * million positions leaves some 190,000 waiting in each ladder of the largest symbol, ~40 ms of sorting
   * each, and merged together they held one turn ~150 ms (bench 9).
   */
  *mergingPendingInserts(): Generator<void> {
    for (const ladder of [this.fallsTo, this.risesTo]) {
      if (!ladder.hasPending) continue;
      ladder.mergePending();
      yield;
    }
  }

  /** False when the price crosses nothing here; two field reads, for the tick that (usually) moves nothing. */
  mayCross(price: number): boolean {
    return this.fallsTo.mayCross(price) || this.risesTo.mayCross(-price);
  }

  /** False when no price in [low, high] crosses anything here. */
  mayCrossRange(low: number, high: number): boolean {
    return this.fallsTo.mayCross(low) || this.risesTo.mayCross(-high);
  }

  *entries(): IterableIterator<E> {
    for (const slot of [...this.slots()]) yield this.entryAt(slot);
  }

  /**
   * Adds many entries: one sort per ladder instead of one shift per insert, pausing every
   * ENTRIES_PER_STEP entries (a book of 150,000 is not placed in one turn). Nothing may read the book
   * before the steps end: its ladders are unsorted until then.
   */
  protected *addingInBulk(items: readonly VersionedEntry<E>[]): Stepwise<void> {
    this.fallsTo.beginBulk();
    this.risesTo.beginBulk();
    for (let i = 0; i < items.length; i++) {
      this.add(items[i].entry, items[i].version);
      if ((i + 1) % ENTRIES_PER_STEP === 0) yield;
    }
    // The sorts pause too: a large symbol's ladder takes tens of ms to sort, more while the code is cold.
    yield* this.fallsTo.endingBulk();
    yield;
    yield* this.risesTo.endingBulk();
  }

  /** The version of the entry in a slot (place() runs after it is set). */
  protected versionAt(slot: number): Version {
    return this.versions[slot];
  }

  protected resizeColumns(capacity: number): void {
    this.versions = resized(this.versions, capacity);
    this.resizeEntryColumns(capacity);
  }

  /** Whether the entry has anything to watch (a position with neither level has not). */
  protected abstract keeps(entry: E): boolean;

  /** Writes the entry into its freshly allocated slot's columns and ladders. */
  protected abstract place(slot: number, entry: E): void;

  protected abstract resizeEntryColumns(capacity: number): void;

  protected abstract entryAt(slot: number): E;

  /** Takes the slot's keys out of the ladders and frees the slot. */
  protected abstract removeSlot(path: string, slot: number): void;
}
