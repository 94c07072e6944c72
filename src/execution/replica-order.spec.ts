import fc from 'fast-check';
import { makeHit } from '../../test/support/ticks';
import { orderForReplica, replicaSeed } from './replica-order';

const hits = (n: number) =>
  Array.from({ length: n }, (_, i) => makeHit({ entry: { path: `users/u${i}/openPositions/p${i}` } }));
const paths = (list: { entry: { path: string } }[]) => list.map((hit) => hit.entry.path);

describe('replica order', () => {
  it('is a permutation of the same hits, leaving those before `from` alone (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.string(),
        (n, from, id) => {
          const original = hits(n);
          const ordered = [...original];
          orderForReplica(ordered, Math.min(from, n), replicaSeed(id));
          expect(ordered.slice(0, Math.min(from, n))).toEqual(original.slice(0, Math.min(from, n)));
          expect(paths(ordered).sort()).toEqual(paths(original).sort());
        },
      ),
    );
  });

  it('is stable for one replica and independent between two: they reach a document far apart in time', () => {
    const a = hits(1_000);
    const b = hits(1_000);
    const again = hits(1_000);
    orderForReplica(a, 0, replicaSeed('realtime-worker-7d9f-a'));
    orderForReplica(again, 0, replicaSeed('realtime-worker-7d9f-a'));
    orderForReplica(b, 0, replicaSeed('realtime-worker-7d9f-b'));
    expect(paths(again)).toEqual(paths(a));
    // With one shared order every document is taken by both at the same moment (distance 0). Independent
    // orders put a document about n/3 apart on average (n/3 = 333 here), time enough for the listener to
    // tell the later replica it is done.
    const rankInB = new Map(paths(b).map((path, i) => [path, i]));
    const distances = paths(a).map((path, i) => Math.abs(i - rankInB.get(path)!));
    const mean = distances.reduce((sum, d) => sum + d, 0) / distances.length;
    expect(mean).toBeGreaterThan(250);
    expect(distances.filter((d) => d < 64).length).toBeLessThan(250); // within one queue's concurrency
  });
});
