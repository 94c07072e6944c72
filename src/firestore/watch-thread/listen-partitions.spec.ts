import fc from 'fast-check';
import { MAX_LISTEN_PARTITIONS, type NameRange, PartitionedStart, listenRanges } from './listen-partitions';

/**
 * Firestore's order of document names, as a plain model: segment by segment, each segment's string by its
 * UTF-8 bytes, a name that is a prefix of another first.
 */
function compareNames(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = Buffer.compare(Buffer.from(x[i], 'utf8'), Buffer.from(y[i], 'utf8'));
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

const contains = (range: NameRange, name: string): boolean =>
  (range.from === undefined || compareNames(name, range.from) >= 0) &&
  (range.to === undefined || compareNames(name, range.to) < 0);

const UIDS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('listenRanges', () => {
  it('is one open range for one partition, and cuts four at evenly spaced uid characters', () => {
    expect(listenRanges(1)).toEqual([{ from: undefined, to: undefined }]);
    expect(listenRanges(4)).toEqual([
      { from: undefined, to: 'users/G' },
      { from: 'users/G', to: 'users/V' },
      { from: 'users/V', to: 'users/l' },
      { from: 'users/l', to: undefined },
    ]);
  });

  it('rejects a count out of range', () => {
    for (const bad of [0, -1, 1.5, MAX_LISTEN_PARTITIONS + 1])
      expect(() => listenRanges(bad)).toThrow(/partitions must be an integer/);
  });

  it('puts every document name in exactly one range, whatever its uid or collection', () => {
    const segment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.string({ unit: fc.constantFrom(...UIDS), minLength: 1, maxLength: 28 }),
      fc.constantFrom('users', 'openPositions', 'tradeTriggers', 'admin', 'zz'),
    );
    const name = fc.tuple(segment, segment, segment, segment).map((parts) => parts.join('/'));
    const named = fc.oneof(
      name,
      fc.tuple(segment, segment).map(([uid, id]) => `users/${uid}/openPositions/${id}`),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_LISTEN_PARTITIONS }), named, (partitions, path) => {
        const holding = listenRanges(partitions).filter((range) => contains(range, path));
        expect(holding).toHaveLength(1);
      }),
      { numRuns: 2_000 },
    );
  });

  it("gives each partition an even share of uids' first characters (within one)", () => {
    for (let partitions = 1; partitions <= MAX_LISTEN_PARTITIONS; partitions++) {
      const ranges = listenRanges(partitions);
      const shares = ranges.map(
        (range) => [...UIDS].filter((c) => contains(range, `users/${c}x/openPositions/p`)).length,
      );
      expect(shares.reduce((a, b) => a + b, 0)).toBe(UIDS.length);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });
});

describe('PartitionedStart', () => {
  it('opens the partitions one after another and is whole once every first snapshot is in', () => {
    const start = new PartitionedStart(3);
    expect(start.onSnapshot(0)).toEqual({ whole: false, openNext: 1 });
    expect(start.onSnapshot(0)).toEqual({ whole: false });
    expect(start.onSnapshot(1)).toEqual({ whole: false, openNext: 2 });
    expect(start.onSnapshot(2)).toEqual({ whole: true });
    expect(start.onSnapshot(1)).toEqual({ whole: true });
  });

  it('is whole at the first snapshot of a single partition', () => {
    expect(new PartitionedStart(1).onSnapshot(0)).toEqual({ whole: true });
  });

  it('refuses a snapshot from a partition it never opened', () => {
    const start = new PartitionedStart(3);
    expect(() => start.onSnapshot(1)).toThrow(/not opened/);
    start.onSnapshot(0);
    expect(() => start.onSnapshot(2)).toThrow(/not opened/);
    expect(() => start.onSnapshot(3)).toThrow(/not opened/);
  });

  it('matches a plain model over any order of snapshots from opened partitions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (partitions, picks) => {
          const start = new PartitionedStart(partitions);
          const opened = [0];
          const delivered = new Set<number>();
          for (const pick of picks) {
            const partition = opened[pick % opened.length];
            const step = start.onSnapshot(partition);
            const first = !delivered.has(partition);
            delivered.add(partition);
            expect(step.whole).toBe(delivered.size === partitions);
            const expectedNext = first && partition + 1 < partitions ? partition + 1 : undefined;
            expect(step.openNext).toBe(expectedNext);
            if (step.openNext !== undefined) opened.push(step.openNext);
          }
          expect(opened).toEqual(Array.from({ length: opened.length }, (_, i) => i));
        },
      ),
    );
  });
});
