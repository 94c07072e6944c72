import { resized } from './typed-arrays';

const EMPTY = 0;
const MAX_LOAD = 0.6;

/**
 * The identity half of a book: path -> slot, slot -> path, and a free list, so the per-entry data can
 * live in typed-array columns indexed by slot instead of one object per entry. Subclasses own those
 * columns and grow them in `resizeColumns`.
 *
 * path -> slot is an open-addressing hash table in an Int32Array (slot + 1, linear probing, backward-shift
 * deletion) with each entry's hash kept in a column: about 12 bytes per entry where a Map<string, number>
 * costs over 30, and this is a 1M-entry structure. Lookups by path happen on add/remove, never per tick.
 */
export abstract class SlotTable {
  protected paths: (string | undefined)[];
  private hashes: Int32Array;
  private table: Int32Array;
  private count = 0;
  private nextSlot = 0;
  private readonly free: number[] = [];
  protected capacity: number;

  protected constructor(capacity: number) {
    this.capacity = Math.max(capacity, 1);
    this.paths = new Array<string | undefined>(this.capacity);
    this.hashes = new Int32Array(this.capacity);
    this.table = new Int32Array(tableSizeFor(this.capacity));
  }

  get size(): number {
    return this.count;
  }

  /** The paths held now (a copy: the book may change while a caller walks it). */
  heldPaths(): string[] {
    const held: string[] = [];
    for (let slot = 0; slot < this.nextSlot; slot++) {
      const path = this.paths[slot];
      if (path !== undefined) held.push(path);
    }
    return held;
  }

  has(path: string): boolean {
    return this.find(path, hashOf(path)) >= 0;
  }

  protected slotOf(path: string): number | undefined {
    const at = this.find(path, hashOf(path));
    return at < 0 ? undefined : this.table[at] - 1;
  }

  protected allocate(path: string): number {
    const slot = this.free.pop() ?? this.nextSlot++;
    if (slot >= this.capacity) {
      this.capacity = Math.ceil((slot + 1) * 1.5);
      this.hashes = resized(this.hashes, this.capacity);
      this.resizeColumns(this.capacity);
    }
    if ((this.count + 1) / this.table.length > MAX_LOAD) this.rehash(this.table.length * 2);
    const hash = hashOf(path);
    this.paths[slot] = path;
    this.hashes[slot] = hash;
    const mask = this.table.length - 1;
    let at = hash & mask;
    while (this.table[at] !== EMPTY) at = (at + 1) & mask;
    this.table[at] = slot + 1;
    this.count++;
    return slot;
  }

  protected release(path: string, slot: number): void {
    const at = this.find(path, this.hashes[slot]);
    if (at >= 0) this.deleteAt(at);
    this.paths[slot] = undefined;
    this.free.push(slot);
    this.count--;
  }

  protected *slots(): IterableIterator<number> {
    for (let slot = 0; slot < this.nextSlot; slot++) if (this.paths[slot] !== undefined) yield slot;
  }

  protected abstract resizeColumns(capacity: number): void;

  private find(path: string, hash: number): number {
    const mask = this.table.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const value = this.table[at];
      if (value === EMPTY) return -1;
      if (this.hashes[value - 1] === hash && this.paths[value - 1] === path) return at;
    }
  }

  /** Linear-probing deletion without tombstones: later entries of the cluster move back into the hole. */
  private deleteAt(hole: number): void {
    const mask = this.table.length - 1;
    this.table[hole] = EMPTY;
    for (let at = (hole + 1) & mask; this.table[at] !== EMPTY; at = (at + 1) & mask) {
      const value = this.table[at];
      const home = this.hashes[value - 1] & mask;
      // The entry may move back only if its home is not cyclically within (hole, at].
      const stays = hole <= at ? home > hole && home <= at : home > hole || home <= at;
      if (stays) continue;
      this.table[hole] = value;
      this.table[at] = EMPTY;
      hole = at;
    }
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (const value of this.table) {
      if (value === EMPTY) continue;
      let at = this.hashes[value - 1] & mask;
      while (table[at] !== EMPTY) at = (at + 1) & mask;
      table[at] = value;
    }
    this.table = table;
  }
}

/** FNV-1a over the UTF-16 code units: cheap, and good enough spread for Firestore ids. */
function hashOf(path: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return hash | 0;
}

function tableSizeFor(entries: number): number {
  let size = 8;
  while (entries / size > MAX_LOAD) size *= 2;
  return size;
}
