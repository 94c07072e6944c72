import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import {
  type Outcome,
  expectOutcome,
  gapRecoveries,
  pick,
  waitActed,
  waitEvaluated,
  waitSettled,
} from '../support/trade-scenarios';
import {
  Simulators,
  Worker,
  seed,
  startSimulators,
  startWorker,
  subscribed,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const BTC = 'BTC-USDT';
const BY = 'worker-stall';
const STOP = 'users/ann/openPositions/stop';
const BEYOND = 'users/ann/openPositions/beyond';

/**
 * A topic that withholds its pushes for a few seconds and then resumes on its own, with no disconnect and
 * no topic audit in between (the audit runs every 200 s here): the trades it withheld are recovered
 * because the next trade comes after a pause far longer than the symbol's usual spacing.
 */
describe('a topic that stalls and resumes between two audits', () => {
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  afterAll(async () => {
    await worker?.close();
    await sims?.stop();
    await store?.close();
  });

  it('recovers the wick it withheld, at its exact price and time, when the next trade shows the pause', async () => {
    store = openTestFirestore();
    sims = await startSimulators();
    sims.spot.setPrice(BTC, 60_000);
    const docs = {
      [STOP]: makePosition({ symbol: BTC, stopLoss: 55_000, takeProfit: 90_000 }),
      [BEYOND]: makePosition({ symbol: BTC, stopLoss: 53_999.9, takeProfit: 90_000 }),
    };
    await seed(store.db, docs);
    worker = await startWorker({
      projectId: store.projectId,
      instanceId: BY,
      sims,
      env: { KUCOIN_DATA_STALE_MS: '600000' },
    });
    await waitFor('cache loaded', () => worker.cache.stats().positions === 2);
    await waitFor('subscribed', () => subscribed(sims.spot, [BTC]));

    // A cadence of 100 ms, after every document's update time (backfilled trades apply only after it).
    let time = Date.now() + 1_000;
    let last = sims.spot.trade(BTC, 60_010, { time });
    for (let i = 0; i < 24; i++) {
      time += 100;
      last = sims.spot.trade(BTC, 60_000 + (i % 2) * 10, { time });
    }
    await waitEvaluated(worker, 'spot', last);

    sims.spot.silenceSymbol(BTC); // acked, nothing pushed, connection up
    const [wick] = sims.spot.wick(BTC, 54_000, 60_000, { time: time + 100 });
    sims.spot.resumeSymbol(BTC);
    const resumed = sims.spot.trade(BTC, 60_020, { time: time + 3_000 });

    const outcome: Outcome = {
      closes: { [STOP]: { reason: 'stop_loss', level: 55_000, price: 54_000, time: wick.time } },
      fires: {},
      untouched: pick(docs, BEYOND),
    };
    await waitActed(store.db, outcome);
    await waitEvaluated(worker, 'spot', resumed);
    await waitSettled(worker, ['spot']);
    await expectOutcome(store.db, outcome, BY);
    await expect(gapRecoveries(worker, 'spot', 'recovered')).resolves.toBe(1);
    expect(sims.spot.stats.restCandleRequests).toBe(0);
  });
});
