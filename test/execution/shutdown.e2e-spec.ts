import { makePosition } from '../support/documents';
import { type Scenario, readAll, startScenario } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const COUNT = 300;
const CONCURRENCY = 8;
/** Start-up, 300 transactions and the shutdown itself take many times longer on a loaded machine. */
const TEST_TIMEOUT_MS = 120_000;

describe('graceful shutdown with executions in flight', () => {
  let scenario: Scenario | undefined;

  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  /**
   * A worker of its own (fresh project and simulators) whose 300 positions the price has just crossed:
   * resolves once that tick has handed every one of them to the queue and more are left than can run at
   * once, so the shutdown always finds work waiting, whatever the machine's speed.
   */
  async function startCrossed(symbol: string, env: Record<string, string>): Promise<Scenario> {
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < COUNT; i++)
      docs[`users/u${i % 10}/openPositions/${symbol}-${i}`] = makePosition({
        symbol,
        stopLoss: 90,
        takeProfit: 200,
      });
    scenario = await startScenario({
      instanceId: `worker-${symbol}`,
      docs,
      prices: { spot: { [symbol]: 100 } },
      env: {
        CACHE_MODE: 'poll',
        COLLECTOR_CRON: '0 0 * * * *',
        EXECUTION_CONCURRENCY: String(CONCURRENCY),
        ...env,
      },
      ready: { positions: COUNT, spot: [symbol], timeoutMs: 30_000 },
    });
    const { sims, worker } = scenario;
    sims.spot.setPrice(symbol, 80);
    await waitFor('the crossing tick queued every position', () => {
      const { queue, outcomes } = worker.execution.stats();
      return queue.length + outcomes.executed === COUNT && queue.length > CONCURRENCY;
    });
    return scenario;
  }

  async function closing({ store }: Scenario, symbol: string): Promise<Record<string, unknown>[]> {
    const all = [...(await readAll(store.db, 'openPositions')).entries()];
    return all
      .filter(([path, doc]) => path.includes(`/${symbol}-`) && doc.status === 'closing')
      .map(([, doc]) => doc);
  }

  it(
    'stops taking ticks and finishes everything it accepted before the Firestore client closes',
    async () => {
      // The longest grace the default TERMINATION_GRACE_MS allows; a bound, not a wait: close() returns once the queue has drained.
      const crossed = await startCrossed('DOT-USDT', { SHUTDOWN_GRACE_MS: '20000' });
      const { worker } = crossed;
      await worker.close();

      expect(worker.execution.stats()).toMatchObject({
        queue: { length: 0, accepting: false },
        deferred: 0,
        released: 0,
      });
      await expect(worker.executions('executed')).resolves.toBe(COUNT);
      expect(await closing(crossed, 'DOT-USDT')).toHaveLength(COUNT);
      expect(worker.processor.stats().subscribed).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gives up after the grace period, leaving the rest open for another replica, never half-written',
    async () => {
      const crossed = await startCrossed('LINK-USDT', { SHUTDOWN_GRACE_MS: '0' });
      await crossed.worker.close();

      const closed = await closing(crossed, 'LINK-USDT');
      expect(closed.length).toBeLessThan(COUNT);
      expect(closed.every((doc) => doc.closePrice === 80 && doc.closedBy === 'worker-LINK-USDT')).toBe(true);
      // Whatever was not executed is still plainly open: a replica or the next start picks it up.
      const open = [...(await readAll(crossed.store.db, 'openPositions')).entries()].filter(
        ([path, doc]) =>
          path.includes('/LINK-USDT-') && doc.status === 'open' && doc.closePrice === undefined,
      );
      expect(open.length + closed.length).toBe(COUNT);
    },
    TEST_TIMEOUT_MS,
  );
});
