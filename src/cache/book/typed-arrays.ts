/** Small helpers for the books' typed-array columns and ladders. */
export const MIN_CAPACITY = 4;

/** (key, slot) pairs sorted by key, ties in their original order, into new arrays of `capacity`. */
export function sortPairs(
  keys: Float64Array,
  slots: Int32Array,
  count: number,
  capacity: number,
): { keys: Float64Array; slots: Int32Array } {
  // A plain array of small integers sorts several times faster than a Uint32Array with a comparator,
  // and Array.prototype.sort is stable, so ties keep their original order.
  const order: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => keys[a] - keys[b]);
  const sortedKeys = new Float64Array(capacity);
  const sortedSlots = new Int32Array(capacity);
  for (let i = 0; i < count; i++) {
    sortedKeys[i] = keys[order[i]];
    sortedSlots[i] = slots[order[i]];
  }
  return { keys: sortedKeys, slots: sortedSlots };
}

export function grow(buffer: Int32Array, needed: number): Int32Array {
  const next = new Int32Array(Math.max(needed, buffer.length * 2, MIN_CAPACITY));
  next.set(buffer);
  return next;
}

export function resized<T extends Float64Array | Int32Array | Uint8Array>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column.subarray(0, Math.min(column.length, capacity)));
  return next;
}
