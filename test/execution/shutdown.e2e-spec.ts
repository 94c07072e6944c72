import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import {
  Simulators,
  Worker,
  readAll,
  seed,
  startSimulators,
  startWorker,
  subscribed,
  waitFor,
} from '../support/worker-harness';

const COUNT = 300;

async function seedCrossable(store: TestFirestore, symbol: string): Promise<void> {
  const docs: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < COUNT; i++) {
    docs[`users/u${i % 10}/openPositions/${symbol}-${i}`] = makePosition({
      symbol,
      stopLoss: 90,
      takeProfit: 200,
    });
  }
  await seed(store.db, docs);
}

describe('graceful shutdown with executions in flight', () => {
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    store = openTestFirestore();
    sims = await startSimulators();
  });

  afterAll(async () => {
    await sims.stop();
    await store.close();
  });

  async function startCrossed(symbol: string, env: Record<string, string>): Promise<Worker> {
    sims.spot.setPrice(symbol, 100);
    await seedCrossable(store, symbol);
    const worker = await startWorker({
      projectId: store.projectId,
      instanceId: `worker-${symbol}`,
      sims,
      env: { CACHE_MODE: 'poll', COLLECTOR_CRON: '0 0 * * * *', EXECUTION_CONCURRENCY: '8', ...env },
    });
    await waitFor('cache loaded', () => worker.cache.stats().positions === COUNT);
    await waitFor('feed subscribed', () => subscribed(sims.spot, [symbol]));
    sims.spot.setPrice(symbol, 80);
    await waitFor('executions under way', () => worker.execution.stats().queue.length > COUNT / 2);
    return worker;
  }

  async function closing(symbol: string): Promise<Record<string, unknown>[]> {
    const all = [...(await readAll(store.db, 'openPositions')).entries()];
    return all
      .filter(([path, doc]) => path.includes(`/${symbol}-`) && doc.status === 'closing')
      .map(([, doc]) => doc);
  }

  it('stops taking ticks and finishes everything it accepted before the Firestore client closes', async () => {
    const worker = await startCrossed('DOT-USDT', { SHUTDOWN_GRACE_MS: '20000' });
    await worker.close();

    expect(worker.execution.stats()).toMatchObject({
      queue: { length: 0, accepting: false },
      deferred: 0,
      released: 0,
    });
    await expect(worker.executions('executed')).resolves.toBe(COUNT);
    expect(await closing('DOT-USDT')).toHaveLength(COUNT);
    expect(worker.processor.stats().subscribed).toBe(0);
  }, 60_000);

  it('gives up after the grace period, leaving the rest open for another replica, never half-written', async () => {
    const worker = await startCrossed('LINK-USDT', { SHUTDOWN_GRACE_MS: '0' });
    await worker.close();

    const closed = await closing('LINK-USDT');
    expect(closed.length).toBeLessThan(COUNT);
    expect(closed.every((doc) => doc.closePrice === 80 && doc.closedBy === 'worker-LINK-USDT')).toBe(true);
    // Whatever was not executed is still plainly open: a replica or the next start picks it up.
    const open = [...(await readAll(store.db, 'openPositions')).entries()].filter(
      ([path, doc]) => path.includes('/LINK-USDT-') && doc.status === 'open' && doc.closePrice === undefined,
    );
    expect(open.length + closed.length).toBe(COUNT);
  }, 60_000);
});
