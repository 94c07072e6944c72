import { INSTRUMENT_FEED } from '../../src/market-feed/market-feed.constants';
import type { FeedGateway } from '../../src/market-feed/feed-gateway';
import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Scenario, type Simulators, type Worker, startScenario } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const XBT = 'XBTUSDTM';
const futures = (overrides: Record<string, unknown>) =>
  makePosition({ symbol: XBT, marketType: 'futures', entryPrice: 62_000, ...overrides });

const INDEX_SHORT = 'users/ann/openPositions/index-short';
const INDEX_LONG = 'users/bob/openPositions/index-long';
const MARK_SHORT = 'users/cat/openPositions/mark-short';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Index and mark prices printed while the worker's instrument connection was down, on the whole worker
 * against the simulator (which keeps the index history KuCoin serves) and the emulator: the index path is
 * recovered from KuCoin's index snapshots after the reconnect and closes what it crossed, at the index
 * price and time that crossed it; a mark price seen only in the gap is not (KuCoin keeps no mark history).
 */
describe('stops on the index price crossed while the feed is down', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-index-gap',
      docs: {
        [INDEX_SHORT]: futures({
          side: 'short',
          stopLoss: 64_000,
          takeProfit: 50_000,
          triggerPriceType: 'index',
        }),
        [INDEX_LONG]: futures({ side: 'long', stopLoss: 60_000, triggerPriceType: 'index' }),
        [MARK_SHORT]: futures({
          side: 'short',
          stopLoss: 64_000,
          takeProfit: 50_000,
          triggerPriceType: 'mark',
        }),
      },
      prices: { futures: { [XBT]: 62_000 } },
      prepare: ({ futures: sim }) => sim.setMarkPrice(XBT, 62_000, 62_000),
      ready: { positions: 3, futures: [XBT] },
    });
    ({ store, sims, worker } = scenario);
  });

  afterAll(() => scenario?.close());

  const data = async (path: string) => (await store.db.doc(path).get()).data();

  it('closes each at the index price of the gap that crossed it; the gap’s mark price is lost', async () => {
    const instrument = worker.app.get<FeedGateway>(INSTRUMENT_FEED);
    const seen = sims.futures.markPrice(XBT)!.time;
    await waitFor('the index price evaluated', () => (instrument.evaluatedThrough() ?? 0) >= seen);
    const indexCallsBefore = sims.futures.stats.restIndexRequests;

    sims.futures.startOutage('drop');
    await waitFor('the worker noticed the drop', () =>
      instrument.status().connections.every((connection) => connection.state !== 'connected'),
    );
    // No subscriber: these reach only the exchange's history, as pushes lost in the outage would.
    await tick();
    const up = sims.futures.setMarkPrice(XBT, 64_100, 64_200);
    await tick();
    const down = sims.futures.setMarkPrice(XBT, 62_000, 59_800);
    await tick();
    sims.futures.setMarkPrice(XBT, 62_000, 62_000);
    expect((await data(INDEX_SHORT))?.status).toBe('open');

    sims.futures.endOutage();
    await waitFor('the long index stop closing', async () => (await data(INDEX_LONG))?.status === 'closing');
    await waitFor(
      'the short index stop closing',
      async () => (await data(INDEX_SHORT))?.status === 'closing',
    );

    expect(sims.futures.stats.restIndexRequests).toBeGreaterThan(indexCallsBefore);
    expect(await data(INDEX_SHORT)).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 64_000,
      closePrice: 64_200,
      closePriceType: 'index',
      closeTickTime: up.time,
    });
    expect(await data(INDEX_LONG)).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 60_000,
      closePrice: 59_800,
      closePriceType: 'index',
      closeTickTime: down.time,
    });
    // The mark price was 64,100 only while nobody listened: it cannot be recovered, and is not guessed.
    await waitFor('the instrument feed caught up', () => (instrument.evaluatedThrough() ?? 0) > down.time);
    expect((await data(MARK_SHORT))?.status).toBe('open');
  });
});
