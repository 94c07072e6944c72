import { WATERMARK_DOCUMENT } from '../../src/firestore/watermark.repository';
import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Simulators, type WorkerSeries, seed, startWorkerSeries } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const XBT = 'XBTUSDTM';
const INSTRUMENT_TOPIC = `/contract/instrument:${XBT}`;
const STOP = 'users/ann/openPositions/index-short-stop';
const TRAILING = 'users/bob/openPositions/index-long-trailing';
const DOCS = {
  [STOP]: makePosition({
    symbol: XBT,
    marketType: 'futures',
    side: 'short',
    entryPrice: 62_000,
    stopLoss: 64_000,
    takeProfit: 50_000,
    triggerPriceType: 'index',
  }),
  [TRAILING]: makePosition({
    symbol: XBT,
    marketType: 'futures',
    side: 'long',
    entryPrice: 62_000,
    stopLoss: null,
    takeProfit: null,
    triggerPriceType: 'index',
    trailingStop: { callbackAmount: 1_000 },
  }),
};

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Index prices printed while no worker runs, on the whole worker against the simulator (which keeps the
 * index history KuCoin serves) and the emulator: the next start recovers them from the index watermark
 * and the trailing stop's update time, so a stop crossed and a trailing peak made meanwhile both act, at
 * the index price and time that did it.
 */
describe('index prices printed while no worker runs', () => {
  let series: WorkerSeries;
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    series = await startWorkerSeries();
    ({ store, sims } = series);
    sims.futures.setPrice(XBT, 62_000);
    sims.futures.setMarkPrice(XBT, 62_000, 62_000);
    await seed(store.db, DOCS);
  });

  afterAll(() => series?.close());

  const data = async (path: string) => (await store.db.doc(path).get()).data();
  const instrumentSubscribers = () => sims.futures.topicCounts().get(INSTRUMENT_TOPIC) ?? 0;

  it('closes the stop and the trailing stop from the index history at the next start', async () => {
    const a = await series.start('worker-a', { WATERMARK_INTERVAL_MS: '200' });
    await waitFor('the instrument topic subscribed', () => instrumentSubscribers() > 0);
    await pause();
    const seen = sims.futures.setMarkPrice(XBT, 62_000, 62_100);
    await waitFor('the index watermark stored through the last index price', async () => {
      const stored = (await store.db.doc(WATERMARK_DOCUMENT).get()).get('index');
      return stored === seen.time;
    });
    await a.close();
    await waitFor('worker A unsubscribed', () => instrumentSubscribers() === 0);

    // Nobody listens: a peak of 65,000 (the trailing level rises to 64,000, crossing the short's stop),
    // then 63,800, which crosses the trailing level; the index is back at 62,000 before the start.
    await pause();
    const peak = sims.futures.setMarkPrice(XBT, 62_500, 65_000);
    await pause();
    const pullBack = sims.futures.setMarkPrice(XBT, 62_500, 63_800);
    await pause();
    sims.futures.setMarkPrice(XBT, 62_000, 62_000);
    expect((await data(STOP))?.status).toBe('open');

    await series.start('worker-b');
    await waitFor('both closing', async () =>
      (await Promise.all([data(STOP), data(TRAILING)])).every((doc) => doc?.status === 'closing'),
    );
    expect(await data(STOP)).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 64_000,
      closePrice: 65_000,
      closePriceType: 'index',
      closeTickTime: peak.time,
      closedBy: 'worker-b',
    });
    expect(await data(TRAILING)).toMatchObject({
      closeReason: 'trailing_stop',
      closeTriggerPrice: 64_000,
      closePrice: 63_800,
      closePriceType: 'index',
      closeTickTime: pullBack.time,
      closedBy: 'worker-b',
    });
  });
});
