import fc from 'fast-check';
import { WaitingHeap } from './trailing-waiting';

type Op = { kind: 'push'; slot: number; key: number } | { kind: 'pop' } | { kind: 'remove'; slot: number };

const SLOTS = 40;
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('push' as const), slot, key: fc.integer({ min: -9, max: 9 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), slot }) },
);

describe('WaitingHeap', () => {
  it('pops the largest key, and removes any slot, as a plain map would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        // Starts small, so the slot capacity grows as a book's would.
        const heap = new WaitingHeap(1);
        let capacity = 1;
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'push') {
            if (model.has(o.slot)) continue;
            if (o.slot >= capacity) heap.resize((capacity = o.slot + 1));
            heap.push(o.slot, o.key);
            model.set(o.slot, o.key);
          } else if (o.kind === 'pop') {
            if (model.size === 0) continue;
            const top = Math.max(...model.values());
            const popped = heap.pop();
            expect(model.get(popped)).toBe(top);
            model.delete(popped);
          } else {
            if (o.slot < capacity) heap.remove(o.slot);
            model.delete(o.slot);
          }
          const top = model.size === 0 ? -Infinity : Math.max(...model.values());
          if (heap.topKey() !== top || heap.size !== model.size)
            expect([heap.topKey(), heap.size]).toEqual([top, model.size]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
