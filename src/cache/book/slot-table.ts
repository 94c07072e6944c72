/**
 * The identity half of a book: path -> slot, slot -> path, and a free list, so the per-entry data can
 * live in typed-array columns indexed by slot instead of one object per entry. Subclasses own the columns
 * and grow them in `resizeColumns`.
 */
export abstract class SlotTable {
  protected paths: (string | undefined)[] = [];
  private readonly index = new Map<string, number>();
  private readonly free: number[] = [];
  protected capacity: number;

  protected constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.index.size;
  }

  protected slotOf(path: string): number | undefined {
    return this.index.get(path);
  }

  protected allocate(path: string): number {
    const reused = this.free.pop();
    const slot = reused ?? this.paths.length;
    if (slot >= this.capacity) {
      this.capacity = Math.ceil((slot + 1) * 1.5);
      this.resizeColumns(this.capacity);
    }
    if (reused === undefined) this.paths.push(path);
    else this.paths[slot] = path;
    this.index.set(path, slot);
    return slot;
  }

  protected release(path: string, slot: number): void {
    this.index.delete(path);
    this.paths[slot] = undefined;
    this.free.push(slot);
  }

  protected slots(): IterableIterator<number> {
    return this.index.values();
  }

  protected abstract resizeColumns(capacity: number): void;
}

export function resized<T extends Float64Array | Uint8Array>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column.subarray(0, Math.min(column.length, capacity)));
  return next;
}
