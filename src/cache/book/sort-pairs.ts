import { type Stepwise, finish } from './stepwise';

/**
 * (key, slot) pairs sorted by key, ties in their original order, into new arrays of `capacity`.
 *
 * A least-significant-digit radix sort of the keys' IEEE-754 bits, a byte at a time: O(n) and stable, where
 * a comparison sort of a symbol's 150,000 levels held the event loop for a few hundred ms in one turn (of
 * the collector's build, when it built new books). The bits are mapped so that their unsigned order is
 * the numbers' order (negative: every bit flipped; otherwise: the sign bit set), -0 counting as 0; a byte
 * every key shares is skipped.
 * Small arrays, and a big-endian machine, take the comparison sort.
 */
export function sortPairs(
  keys: Float64Array,
  slots: Int32Array,
  count: number,
  capacity: number,
): SortedPairs {
  return finish(sortingPairs(keys, slots, count, capacity));
}

export interface SortedPairs {
  readonly keys: Float64Array;
  readonly slots: Int32Array;
}

/**
 * The same sort in steps of SORT_STEP pairs, for a book built in steps: one pass over the largest symbol's
 * levels at a million positions took ~30 ms once optimised and several times that cold (a pod's first
 * build runs it in the interpreter), and a sort has eight passes and a gather.
 */
export function* sortingPairs(
  keys: Float64Array,
  slots: Int32Array,
  count: number,
  capacity: number,
): Stepwise<SortedPairs> {
  const order =
    count < RADIX_MIN || !LITTLE_ENDIAN ? comparisonOrder(keys, count) : yield* radixOrdering(keys, count);
  return yield* gathering(keys, slots, order, count, capacity);
}

/** The comparison sort alone, at any size: the baseline bench 9 measures the radix sort against. */
export function sortPairsByComparison(
  keys: Float64Array,
  slots: Int32Array,
  count: number,
  capacity: number,
): SortedPairs {
  return finish(gathering(keys, slots, comparisonOrder(keys, count), count, capacity));
}

function* gathering(
  keys: Float64Array,
  slots: Int32Array,
  order: ArrayLike<number>,
  count: number,
  capacity: number,
): Stepwise<SortedPairs> {
  const sortedKeys = new Float64Array(capacity);
  const sortedSlots = new Int32Array(capacity);
  for (let from = 0; from < count; from += SORT_STEP) {
    if (from > 0) yield;
    for (let i = from, to = Math.min(count, from + SORT_STEP); i < to; i++) {
      sortedKeys[i] = keys[order[i]];
      sortedSlots[i] = slots[order[i]];
    }
  }
  return { keys: sortedKeys, slots: sortedSlots };
}

/** Below this many pairs the comparison sort is as fast (the radix sort's counts cost 2,048 entries). */
const RADIX_MIN = 512;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const BYTES = 8;
/** Pairs handled between two pauses of the stepwise sort: a fraction of a millisecond once optimised. */
export const SORT_STEP = 8_192;

function comparisonOrder(keys: Float64Array, count: number): ArrayLike<number> {
  // A plain array of small integers sorts several times faster than a Uint32Array with a comparator,
  // and Array.prototype.sort is stable, so ties keep their original order.
  const order: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => keys[a] - keys[b]);
  return order;
}

function* radixOrdering(keys: Float64Array, count: number): Stepwise<Uint32Array> {
  const { low, high } = yield* sortableWords(keys, count);
  const counts = new Uint32Array(BYTES * 256);
  let order = new Uint32Array(count);
  for (let from = 0; from < count; from += SORT_STEP) {
    yield;
    for (let i = from, to = Math.min(count, from + SORT_STEP); i < to; i++) {
      order[i] = i;
      for (let b = 0; b < 4; b++) {
        counts[b * 256 + ((low[i] >>> (8 * b)) & 255)]++;
        counts[(b + 4) * 256 + ((high[i] >>> (8 * b)) & 255)]++;
      }
    }
  }
  let next = new Uint32Array(count);
  const offsets = new Uint32Array(256);
  for (let pass = 0; pass < BYTES; pass++) {
    const base = pass * 256;
    if (sharedByAll(counts, base, count)) continue;
    for (let d = 0, sum = 0; d < 256; d++) {
      offsets[d] = sum;
      sum += counts[base + d];
    }
    const words = pass < 4 ? low : high;
    const shift = 8 * (pass % 4);
    // A pass moves pairs in their current order, so it may pause anywhere: `offsets` carries it on.
    for (let from = 0; from < count; from += SORT_STEP) {
      yield;
      for (let i = from, to = Math.min(count, from + SORT_STEP); i < to; i++) {
        const at = order[i];
        next[offsets[(words[at] >>> shift) & 255]++] = at;
      }
    }
    [order, next] = [next, order];
  }
  return order;
}

/** Each key's 64 bits as two words whose unsigned order (high, then low) is the keys' numeric order. */
function* sortableWords(
  keys: Float64Array,
  count: number,
): Stepwise<{ low: Uint32Array; high: Uint32Array }> {
  const one = new Float64Array(1);
  const words = new Uint32Array(one.buffer);
  const low = new Uint32Array(count);
  const high = new Uint32Array(count);
  for (let from = 0; from < count; from += SORT_STEP) {
    if (from > 0) yield;
    for (let i = from, to = Math.min(count, from + SORT_STEP); i < to; i++) {
      one[0] = keys[i] === 0 ? 0 : keys[i];
      const negative = words[1] >>> 31 === 1;
      high[i] = negative ? ~words[1] >>> 0 : (words[1] | 0x80000000) >>> 0;
      low[i] = negative ? ~words[0] >>> 0 : words[0];
    }
  }
  return { low, high };
}

/** Whether every key has the same byte in this pass: sorting by it would move nothing. */
function sharedByAll(counts: Uint32Array, base: number, count: number): boolean {
  for (let d = 0; d < 256; d++) if (counts[base + d] === count) return true;
  return false;
}
