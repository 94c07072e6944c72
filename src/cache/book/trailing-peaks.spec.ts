import fc from 'fast-check';
import { type TrailingDistance, trailingLevel } from '../../domain/trailing-stop';
import { NONE, PairingForest } from './trailing-heap';
import { type FiredBuffer, PeakStack, activeKey } from './trailing-peaks';

type Op =
  | { kind: 'place'; node: number; best: number }
  | { kind: 'detach'; node: number }
  | { kind: 'improve'; price: number }
  | { kind: 'collect'; price: number };

const NODES = 12;
const node = fc.integer({ min: 0, max: NODES - 1 });
const price = fc.integer({ min: 1, max: 12 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('place' as const), node, best: price }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('detach' as const), node }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('improve' as const), price }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('collect' as const), price }) },
);

/** Even nodes trail at a rate of (n + 1)%, odd ones at an amount of n + 1. */
const distanceOf = (n: number): TrailingDistance =>
  n % 2 === 0 ? { kind: 'rate', rate: (n + 1) / 100 } : { kind: 'amount', amount: n + 1 };
const isRate = (n: number): boolean => n % 2 === 0;

describe('PeakStack', () => {
  it.each([
    ['long', 64, 1],
    ['short', 64, -1],
    ['long', 2, 1],
    ['short', 2, -1],
  ] as const)(
    'keeps each %s node at its best and fires as the model does (dead ids relabelled past %i)',
    (_, relabelMin, sign) => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
          const forest = new PairingForest(NODES);
          const side = sign === 1 ? 'long' : 'short';
          const level = (n: number, best: number): number => trailingLevel(side, distanceOf(n), best);
          const stack = new PeakStack(sign, forest, relabelMin);
          const model = new Map<number, number>();
          const out: FiredBuffer = { nodes: new Int32Array(2), levels: new Float64Array(2), count: 0 };
          for (const o of ops) {
            if (o.kind === 'place') {
              if (model.has(o.node)) continue;
              forest.reset(o.node, activeKey(side, distanceOf(o.node)), NONE);
              stack.place(o.node, o.best, isRate(o.node));
              model.set(o.node, o.best);
            } else if (o.kind === 'detach') {
              if (!model.has(o.node)) continue;
              stack.detach(o.node, isRate(o.node));
              model.delete(o.node);
            } else if (o.kind === 'improve') {
              stack.improve(o.price);
              for (const [n, best] of model) if (sign * o.price > sign * best) model.set(n, o.price);
            } else {
              out.count = 0;
              stack.collectFired(o.price, out);
              const fired = [...out.nodes.subarray(0, out.count)].map((n, i) => `${n}:${out.levels[i]}`);
              const expected = [...model]
                .filter(([n, best]) => sign * level(n, best) >= sign * o.price)
                .map(([n, best]) => `${n}:${level(n, best)}`);
              expect(fired.sort()).toEqual(expected.sort());
            }
            // expect() only on a difference: it costs more than the stack itself.
            for (const [n, best] of model) if (stack.bestOf(n) !== best) expect(stack.bestOf(n)).toBe(best);
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});
