import { SymbolCollectorService } from '../../src/cache/symbol-collector.service';
import { makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Scenario, type Simulators, type Worker, startScenario } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const REUSED = 'users/ann/tradeTriggers/t1';
const EARLIER = 'users/ann/executedTriggers/t1';
const FRESH = 'users/ann/tradeTriggers/t2';
const EARLIER_EXECUTION = {
  ...makeTrigger({ targetPrice: 61_000 }),
  executedPrice: 61_010,
  executedTickTime: 1_700_000_000_000,
  executedBy: 'an-earlier-worker',
};

/**
 * A trigger written with the id of one already executed can never fire without overwriting the earlier
 * execution. It is rejected once with a typed reason, left alone, and not re-added (nor counted as a
 * cache repair) by later reconciliations.
 */
describe('a trade trigger whose id was already executed', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-reuse',
      docs: {
        [EARLIER]: EARLIER_EXECUTION,
        [REUSED]: makeTrigger({ targetPrice: 65_000 }),
        [FRESH]: makeTrigger({ targetPrice: 65_000 }),
      },
      prices: { futures: { XBTUSDTM: 62_000 } },
      ready: { triggers: 2, futures: ['XBTUSDTM'] },
    });
    ({ store, sims, worker } = scenario);
  });

  afterAll(() => scenario?.close());

  async function counter(
    name: 'documentsRejected' | 'cacheRepairs' | 'ticksReceived',
    label: string,
  ): Promise<number> {
    const metric = await worker.metrics[name].get();
    return metric.values
      .filter((value) => Object.values(value.labels).includes(label))
      .reduce((sum, value) => sum + value.value, 0);
  }

  it('is rejected once as id.already_executed, and never written or re-watched', async () => {
    sims.futures.setPrice('XBTUSDTM', 66_000);
    await waitFor('the fresh trigger fired', async () => !(await store.db.doc(FRESH).get()).exists);
    await waitFor(
      'the reused id rejected',
      async () => (await counter('documentsRejected', 'id.already_executed')) === 1,
    );
    expect((await store.db.doc(EARLIER).get()).data()).toEqual(EARLIER_EXECUTION);
    expect((await store.db.doc(REUSED).get()).data()).toEqual(makeTrigger({ targetPrice: 65_000 }));
    expect(worker.cache.stats()).toMatchObject({ triggers: 0, pending: { count: 0 } });

    const collector = worker.app.get(SymbolCollectorService);
    for (let run = 0; run < 2; run++)
      await expect(collector.collectAllSymbols()).resolves.toMatchObject({ kind: 'collected' });
    const ticks = await counter('ticksReceived', 'futures');
    sims.futures.setPrice('XBTUSDTM', 67_000);
    await waitFor('the next tick seen', async () => (await counter('ticksReceived', 'futures')) > ticks);
    expect(worker.cache.stats().triggers).toBe(0);
    expect(await counter('documentsRejected', 'id.already_executed')).toBe(1);
    expect(await counter('cacheRepairs', 'tradeTriggers')).toBe(0);
    await expect(worker.executions('already_handled')).resolves.toBe(1);
    await expect(worker.executions('executed')).resolves.toBe(1);
  });
});
