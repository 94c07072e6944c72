/** Small helpers for the books' typed-array columns and ladders. */
export const MIN_CAPACITY = 4;

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
