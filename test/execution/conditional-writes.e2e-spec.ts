import { Timestamp } from 'firebase-admin/firestore';
import { ConditionalWrites } from '../../src/execution/store/conditional-writes';
import { TurnReads } from '../../src/execution/store/turn-reads';
import { grpcCodeName } from '../../src/execution/store/error-classification';
import { type TestFirestore, openTestFirestore } from '../support/firestore';

const path = (i: number): string => `users/u${i % 7}/openPositions/p${i}`;

/**
 * The conditional closes of one turn go together (a BatchWrite holds up to 20), each applied and checked
 * against its own precondition: one changed document fails alone.
 */
describe('ConditionalWrites', () => {
  let store: TestFirestore;
  let writes: ConditionalWrites;
  let endOfTurn: (() => void)[];

  beforeEach(() => {
    store = openTestFirestore();
    endOfTurn = [];
    writes = new ConditionalWrites(store.db, { defer: (send) => endOfTurn.push(send) });
  });

  afterEach(async () => {
    await writes.close();
    await store.close();
  });

  /** Opens `count` documents and returns each one's update time. */
  async function openDocuments(count: number): Promise<Timestamp[]> {
    const batch = store.db.batch();
    for (let i = 0; i < count; i++) batch.set(store.db.doc(path(i)), { status: 'open' });
    return (await batch.commit()).map((result) => result.writeTime);
  }

  async function statuses(count: number): Promise<string[]> {
    const snapshots = await store.db.getAll(
      ...Array.from({ length: count }, (_, i) => store.db.doc(path(i))),
    );
    return snapshots.map((snapshot) => snapshot.get('status') as string);
  }

  it('sends a full batch of 20 at once and the rest of the turn at its end', async () => {
    const versions = await openDocuments(25);
    const settled = new Set<number>();
    const written = versions.map((lastUpdateTime, i) =>
      writes
        .update(store.db.doc(path(i)), { status: 'closing' }, { lastUpdateTime })
        .then(() => settled.add(i)),
    );
    await Promise.all(written.slice(0, 20));
    expect(settled.size).toBe(20);
    // The last five wait for the end of the turn they were made in.
    expect((await statuses(25)).slice(20)).toEqual(Array(5).fill('open'));
    expect(endOfTurn).toHaveLength(1);
    endOfTurn[0]();
    await Promise.all(written);
    expect(await statuses(25)).toEqual(Array(25).fill('closing'));
  });

  it('fails only the write whose document changed since its version', async () => {
    const versions = await openDocuments(5);
    await store.db.doc(path(2)).update({ stopLoss: 1 }); // changed after the cache saw it
    const outcomes = versions.map((lastUpdateTime, i) =>
      writes.update(store.db.doc(path(i)), { status: 'closing' }, { lastUpdateTime }).then(
        () => 'written',
        (error: unknown) => grpcCodeName(error),
      ),
    );
    endOfTurn[0]();
    expect(await Promise.all(outcomes)).toEqual([
      'written',
      'written',
      'FAILED_PRECONDITION',
      'written',
      'written',
    ]);
    expect(await statuses(5)).toEqual(['closing', 'closing', 'open', 'closing', 'closing']);
  });

  it('fails the write to a document deleted since on its precondition, and schedules one send per turn', async () => {
    const versions = await openDocuments(3);
    await store.db.doc(path(0)).delete();
    const outcomes = versions.map((lastUpdateTime, i) =>
      writes.update(store.db.doc(path(i)), { status: 'closing' }, { lastUpdateTime }).then(
        () => 'written',
        (error: unknown) => grpcCodeName(error),
      ),
    );
    expect(endOfTurn).toHaveLength(1);
    endOfTurn[0]();
    expect(await Promise.all(outcomes)).toEqual(['FAILED_PRECONDITION', 'written', 'written']);
  });
});

/** The reads that settle a turn's failed writes go together, in one getAll at the turn's end. */
describe('TurnReads', () => {
  let store: TestFirestore;
  let endOfTurn: (() => void)[];
  let reads: TurnReads;

  beforeEach(() => {
    store = openTestFirestore();
    endOfTurn = [];
    reads = new TurnReads(store.db, { defer: (send) => endOfTurn.push(send) });
  });

  afterEach(() => store.close());

  it('reads at the end of the turn, once per document however often it was asked for', async () => {
    await store.db.doc(path(1)).set({ status: 'open' });
    const asked = [
      reads.get(store.db.doc(path(1))),
      reads.get(store.db.doc(path(2))),
      reads.get(store.db.doc(path(1))),
    ];
    expect(endOfTurn).toHaveLength(1);
    await store.db.doc(path(1)).update({ status: 'closing' }); // after the asking, before the read
    endOfTurn[0]();
    const [first, missing, again] = await Promise.all(asked);
    expect(first.get('status')).toBe('closing');
    expect(missing.exists).toBe(false);
    expect(again).toBe(first);
    // The next turn's reads are a call of their own.
    const next = reads.get(store.db.doc(path(2)));
    expect(endOfTurn).toHaveLength(2);
    endOfTurn[1]();
    expect((await next).exists).toBe(false);
  });
});
