import { MIN_CAPACITY, resized } from './typed-arrays';

const ABSENT = -1;

/**
 * An indexed binary max-heap of slots by key: the trailing book's stops waiting for their activation price.
 * Keys and slots sit in two arrays in heap order, so a pop reads few cache lines (the top levels stay in
 * cache) where a pointer-based heap touches a node per step; `positions` (by slot) lets any slot leave in
 * O(log n). Push, pop and remove are O(log n); the top is O(1).
 */
export class WaitingHeap {
  private keys = new Float64Array(MIN_CAPACITY);
  private slots = new Int32Array(MIN_CAPACITY);
  private length = 0;
  private positions: Int32Array;

  constructor(slotCapacity: number) {
    this.positions = new Int32Array(slotCapacity).fill(ABSENT);
  }

  /** Follows the book's slot capacity. */
  resize(slotCapacity: number): void {
    const previous = this.positions.length;
    this.positions = resized(this.positions, slotCapacity);
    this.positions.fill(ABSENT, previous);
  }

  get size(): number {
    return this.length;
  }

  /** The largest key; -Infinity when empty. */
  topKey(): number {
    return this.length === 0 ? -Infinity : this.keys[0];
  }

  push(slot: number, key: number): void {
    if (this.length === this.keys.length) {
      this.keys = resized(this.keys, this.length * 2);
      this.slots = resized(this.slots, this.length * 2);
    }
    this.siftUp(this.length++, key, slot);
  }

  /** Removes and returns the slot with the largest key: the heap must not be empty. */
  pop(): number {
    const slot = this.slots[0];
    this.removeAt(0);
    return slot;
  }

  /** Removes the slot if it is here. */
  remove(slot: number): void {
    const at = this.positions[slot];
    if (at !== ABSENT) this.removeAt(at);
  }

  private removeAt(at: number): void {
    this.positions[this.slots[at]] = ABSENT;
    const last = --this.length;
    if (at === last) return;
    const key = this.keys[last];
    const slot = this.slots[last];
    // The last entry fills the hole, then moves up or down to where it belongs.
    if (at > 0 && key > this.keys[(at - 1) >> 1]) this.siftUp(at, key, slot);
    else this.siftDown(at, key, slot);
  }

  private siftUp(from: number, key: number, slot: number): void {
    let at = from;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.keys[parent] >= key) break;
      this.move(parent, at);
      at = parent;
    }
    this.put(at, key, slot);
  }

  private siftDown(from: number, key: number, slot: number): void {
    let at = from;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.length) break;
      if (child + 1 < this.length && this.keys[child + 1] > this.keys[child]) child++;
      if (this.keys[child] <= key) break;
      this.move(child, at);
      at = child;
    }
    this.put(at, key, slot);
  }

  private move(from: number, to: number): void {
    this.put(to, this.keys[from], this.slots[from]);
  }

  private put(at: number, key: number, slot: number): void {
    this.keys[at] = key;
    this.slots[at] = slot;
    this.positions[slot] = at;
  }
}
