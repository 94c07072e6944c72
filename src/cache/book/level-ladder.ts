/**
 * A sorted ladder of (key, slot) pairs, keys ascending, so the entry closest to firing sits at the tail:
 * a tick walks from the tail and stops at the first key below its threshold, O(1 + k) for k crossed.
 * Callers map their condition onto "crossed when key >= threshold": `price <= level` is key = level,
 * threshold = price; `price >= level` is key = -level, threshold = -price (negation is exact).
 *
 * Keys and slots live in typed arrays (12 bytes per entry, no objects). Removal leaves a tombstone
 * (slot -1) instead of shifting the array, so removing from the middle of a 200k-entry ladder during a
 * flash crash costs a binary search; tombstones at the tail are trimmed at once, and the whole ladder is
 * compacted once they are the majority, which keeps removal amortized O(log n).
 *
 * An insert far from the tail is not shifted in at once: it waits in a small unsorted pending list that is
 * sorted and merged in (one pass over the ladder) before the next walk or removal. A listener's first
 * snapshot of a million positions thus costs one merge per ladder instead of one array shift per insert.
 */
import { sortPairs, sortingPairs } from './sort-pairs';
import { type Stepwise, finish } from './stepwise';
import { MIN_CAPACITY, grow } from './typed-arrays';

const TOMBSTONE = -1;
const COMPACT_MIN_DEAD = 32;
/** Inserts this close to the tail shift the array at once; farther ones wait in the pending list. */
const SHIFT_AT_ONCE = 64;
/**
 * Equal keys beyond which find() looks a slot up by index instead of scanning them: traders put stops on
 * round numbers, and a crash that checks out 50,000 stops at one level, each found by a scan of the
 * others, held the loop for ~900 ms.
 */
const LONG_RUN = 32;

export class LevelLadder {
  private keys: Float64Array;
  private slots: Int32Array;
  private length = 0;
  private dead = 0;
  /** While bulk loading, inserts append unsorted and `endBulk()` sorts once. */
  private bulk = false;
  private pendingKeys: number[] = [];
  private pendingSlots: number[] = [];
  /** Each slot's index in `slots` (-1: none), built when a long run of equal keys is searched, dropped when pairs move. */
  private indexOfSlot: Int32Array | undefined;
  /**
   * No key in the ladder is above this: the tail key, -Infinity when empty, +Infinity while keys wait
   * unsorted. Kept in a field so the common tick, which crosses nothing, needs neither array.
   */
  private highest = -Infinity;

  constructor(capacity = MIN_CAPACITY) {
    this.keys = new Float64Array(Math.max(capacity, MIN_CAPACITY));
    this.slots = new Int32Array(this.keys.length);
  }

  get size(): number {
    return this.length - this.dead + this.pendingKeys.length;
  }

  beginBulk(): void {
    this.bulk = true;
    this.syncHighest();
  }

  endBulk(): void {
    finish(this.endingBulk());
  }

  /** endBulk in steps (the sort's): nothing may read the ladder before they end. */
  *endingBulk(): Stepwise<void> {
    this.bulk = false;
    this.indexOfSlot = undefined;
    this.compact();
    const sorted = yield* sortingPairs(this.keys, this.slots, this.length, this.keys.length);
    this.keys = sorted.keys;
    this.slots = sorted.slots;
    this.syncHighest();
  }

  /** False when no key reaches the threshold: a walk would cross nothing. */
  mayCross(threshold: number): boolean {
    return this.highest >= threshold;
  }

  insert(key: number, slot: number): void {
    this.indexOfSlot = undefined;
    const n = this.length;
    if (this.bulk || n === 0 || key >= this.keys[n - 1]) {
      this.append(key, slot);
      this.syncHighest();
      return;
    }
    const at = this.upperBound(key);
    // A tombstone right beside the insertion point can take the entry without shifting anything.
    if (at > 0 && this.slots[at - 1] === TOMBSTONE) return this.revive(at - 1, key, slot);
    if (at < n && this.slots[at] === TOMBSTONE) return this.revive(at, key, slot);
    if (n - at > SHIFT_AT_ONCE) {
      this.pendingKeys.push(key);
      this.pendingSlots.push(slot);
      this.syncHighest();
      return;
    }
    this.ensureCapacity(n + 1);
    this.keys.copyWithin(at + 1, at, n);
    this.slots.copyWithin(at + 1, at, n);
    this.keys[at] = key;
    this.slots[at] = slot;
    this.length = n + 1;
  }

  /** Removes the pair; false if it is not there. */
  remove(key: number, slot: number): boolean {
    this.mergePending();
    const at = this.bulk ? this.slots.subarray(0, this.length).indexOf(slot) : this.find(key, slot);
    if (at < 0) return false;
    this.slots[at] = TOMBSTONE;
    this.dead++;
    while (this.length > 0 && this.slots[this.length - 1] === TOMBSTONE) {
      this.length--;
      this.dead--;
    }
    if (this.dead >= COMPACT_MIN_DEAD && this.dead * 2 > this.length) this.compact();
    this.syncHighest();
    return true;
  }

  /**
   * Writes the slots whose key is >= threshold into `out` from `offset`, tail first, and returns the new
   * offset. Collecting instead of calling back keeps the ladder safe from callers that modify the book.
   */
  collectCrossed(threshold: number, out: { buffer: Int32Array }, offset: number): number {
    if (this.pendingKeys.length > 0) this.mergePending();
    const keys = this.keys;
    const slots = this.slots;
    let count = offset;
    for (let i = this.length - 1; i >= 0 && keys[i] >= threshold; i--) {
      const slot = slots[i];
      if (slot === TOMBSTONE) continue;
      if (count === out.buffer.length) out.buffer = grow(out.buffer, count + 1);
      out.buffer[count++] = slot;
    }
    return count;
  }

  /** Whether inserts wait unsorted: the next walk or removal merges them first. */
  get hasPending(): boolean {
    return this.pendingKeys.length > 0;
  }

  /**
   * Sorts the pending inserts and merges them in from the back: one pass over the ladder. Public so a
   * large first load can be merged ahead of the first tick (CacheCore.mergePendingInserts), which would
   * otherwise merge every ladder of its symbol in one turn.
   */
  mergePending(): void {
    const count = this.pendingKeys.length;
    if (count === 0) return;
    this.indexOfSlot = undefined;
    const pending = sortPairs(
      Float64Array.from(this.pendingKeys),
      Int32Array.from(this.pendingSlots),
      count,
      count,
    );
    this.pendingKeys = [];
    this.pendingSlots = [];
    this.ensureCapacity(this.length + count);
    let read = this.length - 1;
    let write = this.length + count - 1;
    for (let next = count - 1; next >= 0; write--) {
      if (read >= 0 && this.keys[read] > pending.keys[next]) {
        this.keys[write] = this.keys[read];
        this.slots[write] = this.slots[read--];
      } else {
        this.keys[write] = pending.keys[next];
        this.slots[write] = pending.slots[next--];
      }
    }
    this.length += count;
    this.syncHighest();
  }

  private syncHighest(): void {
    if (this.bulk || this.pendingKeys.length > 0) this.highest = Infinity;
    else this.highest = this.length > 0 ? this.keys[this.length - 1] : -Infinity;
  }

  private append(key: number, slot: number): void {
    this.ensureCapacity(this.length + 1);
    this.keys[this.length] = key;
    this.slots[this.length] = slot;
    this.length++;
  }

  private revive(at: number, key: number, slot: number): void {
    this.keys[at] = key;
    this.slots[at] = slot;
    this.dead--;
  }

  /** First index whose key is greater than `key` (inserting there keeps equal keys in arrival order). */
  private upperBound(key: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(key: number, slot: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo + LONG_RUN < this.length && this.keys[lo + LONG_RUN] === key) {
      const at = this.indexOf(slot);
      return at >= lo && at < this.length && this.keys[at] === key && this.slots[at] === slot ? at : -1;
    }
    for (let i = lo; i < this.length && this.keys[i] === key; i++) if (this.slots[i] === slot) return i;
    return -1;
  }

  /** The slot's index (-1: not in the ladder); O(1) once built, and removals (tombstones) keep it valid. */
  private indexOf(slot: number): number {
    if (this.indexOfSlot === undefined) {
      let highest = -1;
      for (let i = 0; i < this.length; i++) highest = Math.max(highest, this.slots[i]);
      const index = new Int32Array(highest + 1).fill(-1);
      for (let i = 0; i < this.length; i++) if (this.slots[i] !== TOMBSTONE) index[this.slots[i]] = i;
      this.indexOfSlot = index;
    }
    return slot < this.indexOfSlot.length ? this.indexOfSlot[slot] : -1;
  }

  private compact(): void {
    this.mergePending();
    this.indexOfSlot = undefined;
    let write = 0;
    for (let read = 0; read < this.length; read++) {
      if (this.slots[read] === TOMBSTONE) continue;
      this.keys[write] = this.keys[read];
      this.slots[write] = this.slots[read];
      write++;
    }
    this.length = write;
    this.dead = 0;
    if (this.keys.length > MIN_CAPACITY && write * 4 < this.keys.length) this.resize(Math.max(write * 2, 4));
  }

  private ensureCapacity(needed: number): void {
    if (needed > this.keys.length) this.resize(Math.ceil(needed * 1.5));
  }

  private resize(capacity: number): void {
    const keys = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    keys.set(this.keys.subarray(0, this.length));
    slots.set(this.slots.subarray(0, this.length));
    this.keys = keys;
    this.slots = slots;
  }
}
