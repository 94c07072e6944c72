import { makePosition } from '../support/documents';
import {
  type Scenario,
  type Simulators,
  type Worker,
  readAll,
  startScenario,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const COUNT = 2_000;
/** The default EXECUTION_CONCURRENCY. */
const CONCURRENCY = 64;

describe('a burst: one tick crosses 2,000 stops', () => {
  let scenario: Scenario;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < COUNT; i++) {
      docs[`users/u${i % 50}/openPositions/p${i}`] = makePosition({
        symbol: 'ETH-USDT',
        stopLoss: 3_000 - (i % 100),
        takeProfit: 4_000,
      });
    }
    docs['users/safe/openPositions/below-the-crash'] = makePosition({ symbol: 'ETH-USDT', stopLoss: 2_500 });
    scenario = await startScenario({
      instanceId: 'worker-burst',
      docs,
      prices: { spot: { 'ETH-USDT': 3_100 } },
      // Poll mode: the emulator slows every commit down several times over while a collection-group
      // listener watches 2,000 documents (real Firestore does not), and this spec is about the queue.
      env: { EXECUTION_CONCURRENCY: String(CONCURRENCY), CACHE_MODE: 'poll', COLLECTOR_CRON: '0 0 * * * *' },
      ready: { positions: COUNT + 1, spot: ['ETH-USDT'], timeoutMs: 30_000 },
    });
    ({ sims, worker } = scenario);
  }, 60_000);

  afterAll(() => scenario?.close());

  it('closes every crossed position exactly once, never running more than the concurrency bound', async () => {
    let maxRunning = 0;
    let maxLength = 0;
    const sampler = setInterval(() => {
      const { queue } = worker.execution.stats();
      maxRunning = Math.max(maxRunning, queue.running);
      maxLength = Math.max(maxLength, queue.length);
    }, 2);

    sims.spot.setPrice('ETH-USDT', 2_850);
    // A few more ticks through the crash: checked-out entries must not be queued again.
    sims.spot.setPrice('ETH-USDT', 2_840);
    sims.spot.setPrice('ETH-USDT', 2_860);
    try {
      await waitFor('queue drained', async () => (await worker.executions('executed')) === COUNT, 50_000);
      await waitFor('queue idle', () => worker.execution.stats().queue.length === 0);
    } finally {
      clearInterval(sampler);
    }

    expect(maxRunning).toBeLessThanOrEqual(CONCURRENCY);
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxLength).toBeGreaterThan(CONCURRENCY);
    expect(maxLength).toBeLessThanOrEqual(COUNT);
    const positions = await readAll(scenario.store.db, 'openPositions');
    const closing = [...positions.values()].filter((doc) => doc.status === 'closing');
    expect(closing).toHaveLength(COUNT);
    expect(closing.every((doc) => doc.closedBy === 'worker-burst' && doc.closeReason === 'stop_loss')).toBe(
      true,
    );
    expect(closing.every((doc) => doc.closePrice === 2_850)).toBe(true);
    expect(positions.get('users/safe/openPositions/below-the-crash')?.status).toBe('open');
    await expect(worker.executions('already_handled')).resolves.toBe(0);
    await expect(worker.executions('failed_permanent')).resolves.toBe(0);
    expect(worker.execution.stats()).toMatchObject({
      deferred: 0,
      released: 0,
      outcomes: { executed: COUNT },
    });
  }, 60_000);
});
