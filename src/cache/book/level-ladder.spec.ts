import fc from 'fast-check';
import { LevelLadder } from './level-ladder';

/** The plain model: pairs in arrival order; a walk takes keys >= threshold, highest key first, ties newest first. */
class ModelLadder {
  private pairs: { key: number; slot: number; arrival: number }[] = [];
  private arrivals = 0;

  has(slot: number): boolean {
    return this.pairs.some((p) => p.slot === slot);
  }

  insert(key: number, slot: number): void {
    this.pairs.push({ key, slot, arrival: this.arrivals++ });
  }

  remove(key: number, slot: number): boolean {
    const at = this.pairs.findIndex((p) => p.key === key && p.slot === slot);
    if (at >= 0) this.pairs.splice(at, 1);
    return at >= 0;
  }

  crossed(threshold: number): number[] {
    return this.pairs
      .filter((p) => p.key >= threshold)
      .sort((a, b) => b.key - a.key || b.arrival - a.arrival)
      .map((p) => p.slot);
  }
}

function crossed(ladder: LevelLadder, threshold: number): number[] {
  const out = { buffer: new Int32Array(4) };
  const count = ladder.collectCrossed(threshold, out, 0);
  return Array.from(out.buffer.subarray(0, count));
}

describe('LevelLadder', () => {
  // Few distinct keys, so runs of equal keys longer than the index's threshold are common.
  const key = fc.constantFrom(60_000, 60_000, 60_000, 59_500, 61_000);
  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), key, slot: fc.nat(150) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), key, slot: fc.nat(150) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('walk' as const), key }) },
  );

  it('inserts, removes and walks as the plain model, through long runs of equal keys (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const ladder = new LevelLadder();
        const model = new ModelLadder();
        for (const o of ops) {
          if (o.kind === 'insert') {
            if (model.has(o.slot)) continue; // a slot is in a ladder once
            ladder.insert(o.key, o.slot);
            model.insert(o.key, o.slot);
          } else if (o.kind === 'remove') {
            expect(ladder.remove(o.key, o.slot)).toBe(model.remove(o.key, o.slot));
          } else expect(crossed(ladder, o.key)).toEqual(model.crossed(o.key));
          expect(ladder.size).toBe(model.crossed(-Infinity).length);
        }
        expect(crossed(ladder, -Infinity)).toEqual(model.crossed(-Infinity));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps far inserts waiting until merged, by a walk or ahead of one, with the same walk either way', () => {
    const merged = new LevelLadder();
    const walked = new LevelLadder();
    // Descending keys: each lands at the head, far from the tail once the ladder is longer than a shift.
    for (let slot = 0; slot < 200; slot++) {
      merged.insert(1_000 - slot, slot);
      walked.insert(1_000 - slot, slot);
    }
    expect(merged.hasPending).toBe(true);
    merged.mergePending();
    expect(merged.hasPending).toBe(false);
    expect(merged.mayCross(1_000)).toBe(true);
    expect(merged.mayCross(1_000.5)).toBe(false); // the tail is known again: a tick above it walks nothing
    expect(walked.mayCross(1_000.5)).toBe(true); // unsorted keys: any tick must walk
    expect(crossed(merged, 850)).toEqual(crossed(walked, 850));
    expect(walked.hasPending).toBe(false);
  });

  it('removes 20,000 pairs of one key in shuffled order (the index, its rebuilds after compactions)', () => {
    const ladder = new LevelLadder();
    const count = 20_000;
    for (let slot = 0; slot < count; slot++) ladder.insert(60_000, slot);
    // A fixed shuffle: every removal lands in the middle of the run of equal keys.
    const order = Array.from({ length: count }, (_, i) => (i * 7_919) % count);
    for (const slot of order) expect(ladder.remove(60_000, slot)).toBe(true);
    expect(ladder.size).toBe(0);
    expect(ladder.remove(60_000, 5)).toBe(false);
  });

  it('in a long run of equal keys, a pair removed once is not removed again, nor one of another key', () => {
    const ladder = new LevelLadder();
    for (let slot = 0; slot < 100; slot++) ladder.insert(60_000, slot);
    ladder.insert(61_000, 100);
    expect(ladder.remove(60_000, 50)).toBe(true);
    expect(ladder.remove(60_000, 50)).toBe(false);
    expect(ladder.remove(60_000, 100)).toBe(false);
    expect(ladder.size).toBe(100);
    expect(crossed(ladder, 60_000)).toHaveLength(100);
  });
});
