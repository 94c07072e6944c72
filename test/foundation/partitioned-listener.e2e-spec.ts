import type { ChangeBatch, Unsubscribe } from '../../src/firestore/document-change';
import type { OpenPosition } from '../../src/domain/position';
import { watchInThread } from '../../src/firestore/watch-thread/watch-thread';
import { makePosition } from '../support/documents';
import { type TestFirestore, emulatorHost, openTestFirestore } from '../support/firestore';
import { waitFor } from '../support/wait-for';

/**
 * A listener split into partitions by uid, on the emulator: the union of the partitions is the query,
 * whatever a uid starts with, and the listener is caught up only once every partition's first snapshot
 * is in.
 */
describe('a partitioned listener on the Firestore emulator', () => {
  let store: TestFirestore;
  let unsubscribe: Unsubscribe | undefined;

  beforeAll(() => {
    store = openTestFirestore();
  });

  afterEach(async () => {
    unsubscribe?.();
    await store.clear();
  });

  afterAll(() => store.close());

  // With four partitions the cuts are at users/G, users/V and users/l: uids on both sides of each, the
  // uid alphabet's ends, and uids starting with characters outside it.
  const UIDS = ['0zero', 'Fjust', 'G', 'Gabc', 'Uxyz', 'V1', '_under', 'kay', 'l', 'zz', '~tilde', 'é'];

  it('delivers every open position once, caught up only after the last partition', async () => {
    const paths = UIDS.map((uid) => `users/${uid}/openPositions/p-${uid.length}`);
    await Promise.all(paths.map((path) => store.db.doc(path).set(makePosition())));
    await store.db.doc('users/Gabc/openPositions/closed').set(makePosition({ status: 'closing' }));

    const batches: ChangeBatch<OpenPosition>[] = [];
    const errors: Error[] = [];
    unsubscribe = watchInThread<OpenPosition>(
      {
        group: 'openPositions',
        projectId: store.projectId,
        emulatorHost: emulatorHost(),
        listenPartitions: 4,
      },
      { onChanges: (batch) => batches.push(batch), onError: (error) => errors.push(error) },
    );
    await waitFor('a whole snapshot', () => batches.some((batch) => !batch.partial), 15_000);

    // Four first snapshots, one a message here: the first three partial, the fourth the whole.
    expect(batches.map((batch) => batch.partial)).toEqual([true, true, true, false]);
    const delivered = batches.flatMap((batch) => batch.slice(0, batch.size)).map((change) => change.path);
    expect([...delivered].sort()).toEqual([...paths].sort());
    expect(batches.reduce((sum, batch) => sum + batch.documentsRead, 0)).toBe(paths.length);

    // Once whole, each partition's snapshot is whole on its own.
    await store.db.doc('users/zz/openPositions/p-2').update({ stopLoss: 1 });
    await waitFor('the modification', () => batches.length === 5, 10_000);
    const last = batches[4];
    expect(last.partial).toBe(false);
    expect(last.slice(0, last.size).map((change) => `${change.type}:${change.path}`)).toEqual([
      'modified:users/zz/openPositions/p-2',
    ]);
    expect(errors).toEqual([]);
  });
});
