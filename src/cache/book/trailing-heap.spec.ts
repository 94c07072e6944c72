import fc from 'fast-check';
import { NONE, PairingForest } from './trailing-heap';

type Op =
  | { kind: 'insert'; heap: number; key: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'meld'; from: number; into: number }
  | { kind: 'walk'; heap: number; threshold: number };

const HEAPS = 3;
const NODES = 60;
const heap = fc.integer({ min: 0, max: HEAPS - 1 });
const key = fc.integer({ min: -20, max: 20 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), heap, key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('meld' as const), from: heap, into: heap }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('walk' as const), heap, threshold: key }) },
);

/** The nodes a walk reaches: the root, then each settled child, while the key is at least the threshold. */
function walk(forest: PairingForest, root: number, threshold: number): number[] {
  const reached: number[] = [];
  for (let node = root; node !== NONE && forest.keyOf(node) >= threshold; node = forest.settle(node))
    reached.push(node);
  return reached;
}

describe('PairingForest', () => {
  it('pops in key order after inserts, removals from anywhere, melds and settling walks', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
        const forest = new PairingForest(NODES);
        const roots = [NONE, NONE, NONE];
        const model: Map<number, number>[] = [new Map(), new Map(), new Map()];
        const free = Array.from({ length: NODES }, (_, i) => NODES - 1 - i);
        const heapOf = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'insert') {
            const node = free.pop();
            if (node === undefined) continue;
            forest.reset(node, o.key, o.heap);
            roots[o.heap] = forest.meld(roots[o.heap], node);
            model[o.heap].set(node, o.key);
            heapOf.set(node, o.heap);
          } else if (o.kind === 'remove') {
            const live = [...heapOf.keys()];
            if (live.length === 0) continue;
            const node = live[o.pick % live.length];
            const h = heapOf.get(node)!;
            roots[h] = forest.remove(roots[h], node);
            model[h].delete(node);
            heapOf.delete(node);
            free.push(node);
          } else if (o.kind === 'meld') {
            if (o.from === o.into) continue;
            roots[o.into] = forest.meld(roots[o.into], roots[o.from]);
            roots[o.from] = NONE;
            for (const [node, k] of model[o.from]) {
              model[o.into].set(node, k);
              heapOf.set(node, o.into);
            }
            model[o.from].clear();
          } else {
            const reached = walk(forest, roots[o.heap], o.threshold).sort((a, b) => a - b);
            const expected = [...model[o.heap]].filter(([, k]) => k >= o.threshold).map(([node]) => node);
            expect(reached).toEqual(expected.sort((a, b) => a - b));
          }
          for (let h = 0; h < HEAPS; h++) {
            const top = Math.max(...model[h].values());
            const rootKey = roots[h] === NONE ? -Infinity : forest.keyOf(roots[h]);
            if (rootKey !== top) expect(rootKey).toBe(top);
          }
        }
        for (let h = 0; h < HEAPS; h++) {
          const popped: number[] = [];
          while (roots[h] !== NONE) {
            popped.push(forest.keyOf(roots[h]));
            roots[h] = forest.remove(roots[h], roots[h]);
          }
          expect(popped).toEqual([...model[h].values()].sort((a, b) => b - a));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('labels every node of a heap', () => {
    const forest = new PairingForest(8);
    let root = NONE;
    for (let node = 0; node < 8; node++) {
      forest.reset(node, node % 3, -1);
      root = forest.meld(root, node);
    }
    root = forest.remove(root, root);
    forest.labelAll(root, 5);
    for (let node = 0; node < 8; node++) expect(forest.labelOf(node)).toBe(node === 2 ? -1 : 5);
  });
});
