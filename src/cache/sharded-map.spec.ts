import fc from 'fast-check';
import { ShardedMap } from './sharded-map';

describe('ShardedMap', () => {
  const key = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer({ min: 0, max: 40 }).map((n) => `users/u${n}/openPositions/spot`),
  );
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
    fc.record({ kind: fc.constant('delete' as const), key }),
  );

  it('behaves as a Map does: get, has, set, delete, size and the entries (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const sharded = new ShardedMap<number>();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            expect(sharded.set(o.key, o.value)).toBe(sharded);
            model.set(o.key, o.value);
          } else expect(sharded.delete(o.key)).toBe(model.delete(o.key));
          expect(sharded.size).toBe(model.size);
          expect(sharded.get(o.key)).toBe(model.get(o.key));
          expect(sharded.has(o.key)).toBe(model.has(o.key));
        }
        const entries = [...sharded].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(entries).toEqual([...model].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
    );
  });
});
