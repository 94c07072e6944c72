import type { Firestore } from 'firebase-admin/firestore';
import { openPositionsQuery } from '../../src/firestore/queries';
import { openBenchDb, writeAll } from './emulator';

const IN_FLIGHT = 64;

export interface ListenerCost {
  readonly documents: number;
  /** Wall time of updating every document once, by how many listeners were open meanwhile. */
  readonly updateMsByListeners: ReadonlyMap<number, number>;
}

/**
 * What the emulator's listeners cost its writes: it evaluates every open listener's query over the whole
 * collection group on each write, so updates slow with documents × listeners. Production Firestore does
 * not work that way, which is why the flash crash runs without listeners. Talks to the emulator directly.
 */
export async function measureListenerCost(
  documents: number,
  listenerCounts: number[],
): Promise<ListenerCost> {
  const updateMsByListeners = new Map<number, number>();
  for (const listeners of listenerCounts) {
    const bench = await openBenchDb('bench-listeners');
    try {
      updateMsByListeners.set(listeners, await timeUpdates(bench.db, documents, listeners));
    } finally {
      await bench.close();
    }
  }
  return { documents, updateMsByListeners };
}

async function timeUpdates(db: Firestore, documents: number, listeners: number): Promise<number> {
  const path = (i: number): string => `users/u${i % 200}/openPositions/p${i}`;
  await writeAll(db, new Map(Array.from({ length: documents }, (_, i) => [path(i), { status: 'open', i }])));
  const stops = await Promise.all(Array.from({ length: listeners }, () => listenToOpen(db)));
  try {
    const started = performance.now();
    let next = 0;
    const updateInTurn = async (): Promise<void> => {
      while (next < documents) await db.doc(path(next++)).update({ status: 'closing' });
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, updateInTurn));
    return performance.now() - started;
  } finally {
    for (const stop of stops) stop();
  }
}

/** The service's query on open positions; resolves once its first snapshot arrived. */
function listenToOpen(db: Firestore): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const stop = openPositionsQuery(db).onSnapshot(() => resolve(stop), reject);
  });
}
