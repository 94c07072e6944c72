import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { Simulators, readAll, seed, startSimulators } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';
import { WorkerProcess, killLeftovers, spawnWorker as spawnProcess } from '../support/worker-process';

const POSITIONS = 2_000;
const GRACE_MS = 15_000;
const CLOSING_FIELDS = [
  'closeReason',
  'closeTriggerPrice',
  'closePrice',
  'closeTickTime',
  'closeRequestedAt',
  'closedBy',
];

function spawnWorker(store: TestFirestore, sims: Simulators, instanceId: string): Promise<WorkerProcess> {
  return spawnProcess({
    projectId: store.projectId,
    instanceId,
    sims,
    env: {
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      EXECUTION_CONCURRENCY: '16',
      // The emulator slows every commit several times over while a listener watches thousands of
      // documents; listen mode is covered elsewhere, this test is about shutdown.
      CACHE_MODE: 'poll',
    },
  });
}

function closedBy(docs: Map<string, Record<string, unknown>>, instanceId: string): number {
  return [...docs.values()].filter((doc) => doc.closedBy === instanceId).length;
}

describe('graceful shutdown of a real worker process', () => {
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    store = openTestFirestore();
    sims = await startSimulators();
    sims.spot.setPrice('BTC-USDT', 60_000);
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < POSITIONS; i++) {
      docs[`users/u${i % 50}/openPositions/p${i}`] = makePosition({
        stopLoss: 55_000 - i,
        takeProfit: 90_000,
      });
    }
    await seed(store.db, docs);
  });

  afterAll(async () => {
    killLeftovers();
    await sims?.stop();
    await store?.close();
  });

  it('exits 0 within the grace period mid-burst, leaves no half-done close, and a restart closes the rest exactly once', async () => {
    const first = await spawnWorker(store, sims, 'worker-a');
    sims.spot.setPrice('BTC-USDT', 50_000);
    await waitFor(
      'the burst to be under way',
      async () => {
        const closing = await store.db
          .collectionGroup('openPositions')
          .where('status', '==', 'closing')
          .count()
          .get();
        return closing.data().count >= 50;
      },
      30_000,
    );

    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const tookMs = Date.now() - signalledAt;

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_MS + 5_000);
    expect(first.lines().some((line) => line.msg === 'Shutdown complete')).toBe(true);

    const afterFirst = await readAll(store.db, 'openPositions');
    for (const doc of afterFirst.values()) {
      if (doc.status === 'closing') for (const field of CLOSING_FIELDS) expect(doc[field]).toBeDefined();
      else {
        expect(doc.status).toBe('open');
        for (const field of CLOSING_FIELDS) expect(doc[field]).toBeUndefined();
      }
    }
    const closedByFirst = closedBy(afterFirst, 'worker-a');
    expect(closedByFirst).toBeGreaterThan(0);

    const second = await spawnWorker(store, sims, 'worker-b');
    try {
      await waitFor(
        'every crossed position to be closed',
        async () => {
          const open = await store.db
            .collectionGroup('openPositions')
            .where('status', '==', 'open')
            .count()
            .get();
          return open.data().count === 0;
        },
        60_000,
      );
      const final = await readAll(store.db, 'openPositions');
      expect(final.size).toBe(POSITIONS);
      expect(closedBy(final, 'worker-a')).toBe(closedByFirst);
      expect(closedBy(final, 'worker-a') + closedBy(final, 'worker-b')).toBe(POSITIONS);
      expect(
        [...final.values()].every((doc) => doc.closeReason === 'stop_loss' && doc.closePrice === 50_000),
      ).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
