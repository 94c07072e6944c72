import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import {
  type Scenario,
  type Simulators,
  type Worker,
  readAll,
  startScenario,
  startWorker,
  waitReady,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const POSITIONS = 400;
const TRIGGERS = 100;

describe('two replicas see the same 500 crossings', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let workers: Worker[];

  beforeAll(async () => {
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < POSITIONS; i++) {
      docs[`users/u${i % 40}/openPositions/p${i}`] = makePosition({
        symbol: 'SOL-USDT',
        side: i % 2 === 0 ? 'long' : 'short',
        stopLoss: i % 2 === 0 ? 140 : 160,
        takeProfit: i % 2 === 0 ? 170 : 135,
      });
    }
    for (let i = 0; i < TRIGGERS; i++) {
      docs[`users/u${i % 40}/tradeTriggers/t${i}`] = makeTrigger({
        symbol: 'ETHUSDTM',
        condition: 'above',
        targetPrice: 3_100 + (i % 10),
      });
    }
    scenario = await startScenario({
      instanceId: 'replica-a',
      docs,
      prices: { spot: { 'SOL-USDT': 150 }, futures: { ETHUSDTM: 3_000 } },
    });
    ({ store, sims } = scenario);
    const replicaB = await startWorker({ projectId: store.projectId, instanceId: 'replica-b', sims });
    workers = [scenario.worker, replicaB];
    const ready = { positions: POSITIONS, triggers: TRIGGERS, timeoutMs: 30_000 };
    for (const worker of workers)
      await waitReady(worker, sims, { ...ready, spot: ['SOL-USDT'], futures: ['ETHUSDTM'] }, 2);
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers ?? []) await worker.close();
    await scenario?.close();
  });

  it('closes or fires each exactly once, each write by exactly one replica', async () => {
    // Longs stop out at 140 or below; shorts take profit at 135 or below. One tick crosses all 400.
    sims.spot.setPrice('SOL-USDT', 130);
    sims.futures.setPrice('ETHUSDTM', 3_200);

    const executedTotal = async (): Promise<number> =>
      (await Promise.all(workers.map((w) => w.executions('executed')))).reduce((a, b) => a + b, 0);
    await waitFor('all 500 executed', async () => (await executedTotal()) >= POSITIONS + TRIGGERS, 90_000);
    await waitFor(
      'both queues idle',
      () => workers.every((w) => w.execution.stats().queue.length === 0),
      30_000,
    );

    const positions = [...(await readAll(store.db, 'openPositions')).values()];
    const executed = [...(await readAll(store.db, 'executedTriggers')).values()];
    expect(positions.filter((doc) => doc.status === 'closing')).toHaveLength(POSITIONS);
    expect(executed).toHaveLength(TRIGGERS);
    expect((await readAll(store.db, 'tradeTriggers')).size).toBe(0);

    // Each replica's executed count equals the documents carrying its id: no document was written twice.
    for (const [index, id] of ['replica-a', 'replica-b'].entries()) {
      const writes =
        positions.filter((doc) => doc.closedBy === id).length +
        executed.filter((doc) => doc.executedBy === id).length;
      await expect(workers[index].executions('executed')).resolves.toBe(writes);
    }
    await expect(executedTotal()).resolves.toBe(POSITIONS + TRIGGERS);
    // Both really raced: the loser of each race found the document already handled.
    const handled = await Promise.all(workers.map((w) => w.executions('already_handled')));
    expect(handled[0] + handled[1]).toBeGreaterThan(0);
    for (const worker of workers) {
      await expect(worker.executions('failed_permanent')).resolves.toBe(0);
    }
    expect(positions.every((doc) => doc.closePrice === 130)).toBe(true);
    expect(executed.every((doc) => doc.executedPrice === 3_200)).toBe(true);
  }, 120_000);
});
