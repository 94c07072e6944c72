import { versionOf } from '../../src/firestore/versions';
import { WATERMARK_DOCUMENT } from '../../src/firestore/watermark.repository';
import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import {
  type Outcome,
  after,
  expectOutcome,
  gapRecoveries,
  pick,
  status,
  waitActed,
  waitEvaluated,
  waitSettled,
} from '../support/trade-scenarios';
import {
  Simulators,
  Worker,
  seed,
  type WorkerSeries,
  startWorkerSeries,
  subscribed,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const SPOT = 'BTC-USDT';
const FUT = 'XBTUSDTM';
const ETH = 'ETH-USDT';
const NEW_PATH = 'users/cat/openPositions/opened-meanwhile';
const OPENED_MEANWHILE = makePosition({ symbol: ETH, entryPrice: 2_000, stopLoss: 1_950, takeProfit: 3_000 });
const DOCS = {
  'users/ann/openPositions/stop': makePosition({ symbol: SPOT, stopLoss: 55_000, takeProfit: 90_000 }),
  'users/ann/openPositions/beyond': makePosition({ symbol: SPOT, stopLoss: 53_999.9, takeProfit: 90_000 }),
  'users/bob/openPositions/fut-short-stop': makePosition({
    symbol: FUT,
    marketType: 'futures',
    side: 'short',
    stopLoss: 65_000,
    takeProfit: 40_000,
  }),
  'users/bob/tradeTriggers/above': makeTrigger({ symbol: FUT, condition: 'above', targetPrice: 65_200 }),
  'users/bob/tradeTriggers/beyond': makeTrigger({ symbol: FUT, condition: 'above', targetPrice: 65_500.1 }),
};

describe('a stop crossed while no worker runs is closed by the next start, from the restart watermark', () => {
  let series: WorkerSeries;
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    series = await startWorkerSeries();
    ({ store, sims } = series);
    sims.spot.setPrice(SPOT, 60_000);
    sims.futures.setPrice(FUT, 62_000);
    sims.spot.setPrice(ETH, 2_000);
    await seed(store.db, DOCS);
  });

  afterAll(() => series?.close());

  const startOne = (instanceId: string, env?: Record<string, string>): Promise<Worker> =>
    series.start(instanceId, env);

  async function watermark(): Promise<Record<string, unknown>> {
    return (await store.db.doc(WATERMARK_DOCUMENT).get()).data() ?? {};
  }

  it('recovers the wick since the stored watermark and writes its exact price and time', async () => {
    const a = await startOne('worker-a', { WATERMARK_INTERVAL_MS: '200' });
    await waitFor('cache loaded', () => a.cache.stats().positions === 3 && a.cache.stats().triggers === 2);
    await waitFor('feeds subscribed', () => subscribed(sims.spot, [SPOT]) && subscribed(sims.futures, [FUT]));
    const spotSeen = sims.spot.trade(SPOT, 60_010);
    const futSeen = sims.futures.trade(FUT, 62_010);
    await waitEvaluated(a, 'spot', spotSeen);
    await waitEvaluated(a, 'futures', futSeen);
    await waitFor('watermark stored through the last trades', async () => {
      const doc = await watermark();
      return doc.spot === spotSeen.time && doc.futures === futSeen.time;
    });
    expect(await watermark()).toMatchObject({ updatedBy: 'worker-a' });
    await a.close();
    await waitFor(
      'worker A unsubscribed',
      () => !subscribed(sims.spot, [SPOT]) && !subscribed(sims.futures, [FUT]),
    );

    // Nobody listens: the wicks reach only the tapes (and REST), and both markets are back by the start.
    const [, spotLow] = sims.spot.wick(SPOT, [57_000, 54_000], 60_000, { time: after(sims.spot, SPOT) });
    const [, futHigh] = sims.futures.wick(FUT, [64_000, 65_500], 62_000, { time: after(sims.futures, FUT) });
    expect(await status(store.db, 'users/ann/openPositions/stop')).toBe('open');
    // A symbol no worker watched yet: a wick before its position was opened, and one after.
    sims.spot.wick(ETH, 1_900, 2_000, { time: after(sims.spot, ETH) });
    const opened = versionOf((await store.db.doc(NEW_PATH).set(OPENED_MEANWHILE)).writeTime);
    const time = Math.max(after(sims.spot, ETH), Math.ceil(opened / 1_000));
    const [ethLow] = sims.spot.wick(ETH, 1_940, 2_000, { time });

    // No wait for B's books: it may close what it recovered (and drop ETH) before a check could see them.
    const b = await startOne('worker-b');
    const outcome: Outcome = {
      closes: {
        'users/ann/openPositions/stop': {
          reason: 'stop_loss',
          level: 55_000,
          price: 54_000,
          time: spotLow.time,
        },
        'users/bob/openPositions/fut-short-stop': {
          reason: 'stop_loss',
          level: 65_000,
          price: 65_500,
          time: futHigh.time,
        },
        // Not at the first wick (1,900): it came before the position was opened.
        [NEW_PATH]: { reason: 'stop_loss', level: 1_950, price: 1_940, time: ethLow.time },
      },
      fires: { 'users/bob/tradeTriggers/above': { price: 65_500, time: futHigh.time } },
      untouched: pick(DOCS, 'users/ann/openPositions/beyond', 'users/bob/tradeTriggers/beyond'),
    };
    await waitActed(store.db, outcome);
    await waitSettled(b, ['spot', 'futures']);
    await expectOutcome(store.db, outcome, 'worker-b');
    await expect(gapRecoveries(b, 'spot', 'recovered')).resolves.toBe(2);
    await expect(gapRecoveries(b, 'futures', 'recovered')).resolves.toBe(1);
    await expect(b.executions('executed')).resolves.toBe(4);
  });
});
