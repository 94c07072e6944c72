import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Scenario, type Simulators, startScenario } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const XBT = 'XBTUSDTM';
const INSTRUMENT_TOPIC = `/contract/instrument:${XBT}`;
const futures = (overrides: Record<string, unknown>) =>
  makePosition({ symbol: XBT, marketType: 'futures', entryPrice: 62_000, ...overrides });

const MARK_LONG = 'users/ann/openPositions/mark-long';
const LAST_LONG = 'users/ann/openPositions/last-long';
const INDEX_SHORT = 'users/bob/openPositions/index-short';
const MARK_BELOW = 'users/cat/tradeTriggers/mark-below';

const DOCS = {
  [MARK_LONG]: futures({ side: 'long', stopLoss: 60_000, takeProfit: 70_000, triggerPriceType: 'mark' }),
  [LAST_LONG]: futures({ side: 'long', stopLoss: 60_000, takeProfit: 70_000 }),
  [INDEX_SHORT]: futures({ side: 'short', stopLoss: 64_000, takeProfit: 50_000, triggerPriceType: 'index' }),
  [MARK_BELOW]: makeTrigger({
    symbol: XBT,
    condition: 'below',
    targetPrice: 61_000,
    triggerPriceType: 'mark',
  }),
};

/**
 * Documents watching a futures contract's mark or index price, on the whole worker against the simulator
 * and the emulator: each closes or fires on its own price only, never on a trade, and says which price
 * it was.
 */
describe('stops and triggers on the mark and index price', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-mark',
      docs: DOCS,
      prices: { futures: { [XBT]: 62_000 } },
      prepare: ({ futures: sim }) => sim.setMarkPrice(XBT, 62_000, 62_000),
      ready: { positions: 3, triggers: 1, futures: [XBT] },
    });
    ({ store, sims } = scenario);
    await waitFor(
      'the instrument topic subscribed',
      () => (sims.futures.topicCounts().get(INSTRUMENT_TOPIC) ?? 0) > 0,
    );
  });

  afterAll(() => scenario?.close());

  const data = async (path: string) => (await store.db.doc(path).get()).data();
  const executed = async (path: string) =>
    (await store.db.doc(path.replace('tradeTriggers', 'executedTriggers')).get()).data();

  it('closes a last-price stop on a trade that a mark-price stop at the same level ignores', async () => {
    sims.futures.trade(XBT, 59_000);
    await waitFor('the last-price stop', async () => (await data(LAST_LONG))?.status === 'closing');
    expect(await data(LAST_LONG)).toMatchObject({ closeReason: 'stop_loss', closePrice: 59_000 });
    expect((await data(LAST_LONG))?.closePriceType).toBeUndefined();
    expect((await data(MARK_LONG))?.status).toBe('open');
  });

  it('fires on the mark price and closes on the index price, each at the price that crossed it', async () => {
    sims.futures.setMarkPrice(XBT, 60_500, 64_500);
    await waitFor('the mark trigger', async () => (await executed(MARK_BELOW)) !== undefined);
    expect(await executed(MARK_BELOW)).toMatchObject({ executedPrice: 60_500, executedPriceType: 'mark' });
    await waitFor('the index stop', async () => (await data(INDEX_SHORT))?.status === 'closing');
    expect(await data(INDEX_SHORT)).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 64_000,
      closePrice: 64_500,
      closePriceType: 'index',
    });
    expect((await data(MARK_LONG))?.status).toBe('open');
  });

  it('closes the mark-price stop when the mark price reaches its level, whatever the last trade', async () => {
    sims.futures.trade(XBT, 61_000);
    sims.futures.setMarkPrice(XBT, 60_000, 61_000);
    await waitFor('the mark stop', async () => (await data(MARK_LONG))?.status === 'closing');
    expect(await data(MARK_LONG)).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 60_000,
      closePrice: 60_000,
      closePriceType: 'mark',
    });
  });
});
