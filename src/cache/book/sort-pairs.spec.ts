import fc from 'fast-check';
import { SORT_STEP, sortPairs, sortPairsByComparison, sortingPairs } from './sort-pairs';

/** The plain model: indices by key, ties (including -0 and 0) in their original order. */
function modelOrder(keys: readonly number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

function sorted(keys: readonly number[], capacity = keys.length, sort = sortPairs) {
  const slots = Int32Array.from(keys, (_, i) => 1_000 + i);
  return sort(Float64Array.from(keys), slots, keys.length, capacity);
}

describe('sortPairs', () => {
  // Prices and negated prices as the ladders hold them, with many ties, plus the awkward values.
  const key = fc.oneof(
    fc.double({ noNaN: true }),
    fc.integer({ min: -50, max: 50 }).map((n) => n / 4),
    fc.constantFrom(0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 67_220.5, -67_220.5),
  );

  it.each([
    ['sortPairs', sortPairs],
    ['sortPairsByComparison (the bench baseline)', sortPairsByComparison],
  ])(
    '%s orders pairs by key, ties in their original order, as the plain model does (property)',
    (_, sort) => {
      fc.assert(
        fc.property(
          // Lengths both sides of the radix sort's threshold.
          fc.oneof(fc.array(key, { maxLength: 40 }), fc.array(key, { minLength: 500, maxLength: 3_000 })),
          (keys) => {
            const { keys: outKeys, slots: outSlots } = sorted(keys, keys.length, sort);
            const expected = modelOrder(keys);
            expect(Array.from(outSlots)).toEqual(expected.map((i) => 1_000 + i));
            expect(Array.from(outKeys)).toEqual(expected.map((i) => keys[i]));
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('sorts only the first `count` pairs, into arrays of `capacity`', () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => (i * 7_919) % 1_000);
    const capacity = 2_500;
    const { keys: outKeys, slots: outSlots } = sorted(keys, capacity);
    expect(outKeys).toHaveLength(capacity);
    expect(outSlots).toHaveLength(capacity);
    expect(Array.from(outKeys.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(Array.from(outSlots.subarray(0, 2))).toEqual([1_000, 2_000]);
    expect(outKeys[2_000]).toBe(0);
  });

  it('sorts in steps of at most SORT_STEP pairs per pass, to the same pairs as at once', () => {
    // Keys differing in every byte, so none of the eight passes is skipped.
    const count = 3 * SORT_STEP + 5;
    const keys = Array.from({ length: count }, (_, i) => Math.sin(i + 1) * 1e6 + i / 7);
    const slots = Int32Array.from(keys, (_, i) => i);
    const steps = sortingPairs(Float64Array.from(keys), slots, count, count);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const chunks = Math.ceil(count / SORT_STEP);
    // Each of the 8 passes, the counting, the words and the gather pause before every chunk but the first.
    expect(pauses).toBeGreaterThanOrEqual(11 * (chunks - 1));
    const atOnce = sortPairs(Float64Array.from(keys), slots, count, count);
    expect(Array.from(step.value.slots)).toEqual(Array.from(atOnce.slots));
    expect(Array.from(step.value.keys)).toEqual(modelOrder(keys).map((i) => keys[i]));
  });
});
