import { WATERMARK_DOCUMENT } from '../../src/firestore/watermark.repository';
import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { after, gateway, status } from '../support/trade-scenarios';
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
const ETH = 'ETH-USDT';
const STOP = 'users/ann/openPositions/btc-stop';

/**
 * The watermark vouches for every watched symbol: a topic that went silent holds it back at its last
 * evaluated trade (a busier symbol's trades do not move it past the silent one's), so a restart still
 * recovers the wick the silent topic never delivered.
 */
describe('a restart while one topic is silent', () => {
  let store: TestFirestore;
  let sims: Simulators;
  const workers: Worker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await sims.stop();
    await store.close();
  });

  it("recovers the silent symbol's missed wick from the watermark", async () => {
    store = openTestFirestore();
    sims = await startSimulators();
    sims.spot.setPrice(BTC, 60_000);
    sims.spot.setPrice(ETH, 2_000);
    await seed(store.db, {
      [STOP]: makePosition({ symbol: BTC, stopLoss: 55_000, takeProfit: 90_000 }),
      'users/ann/openPositions/eth': makePosition({
        symbol: ETH,
        entryPrice: 2_000,
        stopLoss: 1_000,
        takeProfit: 3_000,
      }),
    });
    const env = { WATERMARK_INTERVAL_MS: '200' };
    const a = await startWorker({ projectId: store.projectId, instanceId: 'a', sims, env });
    workers.push(a);
    const evaluated = new Set<string>();
    gateway(a, 'spot').ticks$.subscribe((tick) => tick.sequence && evaluated.add(tick.sequence));
    const waitEvaluated = (sequence: string) =>
      waitFor(`trade ${sequence} evaluated`, () => evaluated.has(sequence));
    await waitFor('subscribed', () => subscribed(sims.spot, [BTC, ETH]));
    await waitEvaluated(sims.spot.trade(BTC, 60_010).sequence);
    sims.spot.silenceSymbol(BTC); // acked, nothing pushed, while ETH streams on the same connection
    const [wick] = sims.spot.wick(BTC, 54_000, 60_000, { time: after(sims.spot, BTC) });
    const eth = sims.spot.trade(ETH, 2_001, { time: after(sims.spot, ETH) + 5 });
    await waitEvaluated(eth.sequence);
    const stored = async (): Promise<number | undefined> =>
      (await store.db.doc(WATERMARK_DOCUMENT).get()).get('spot') as number | undefined;
    await waitFor('the watermark stored', async () => (await stored()) !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 600)); // three more intervals: it must not move on
    expect(await stored()).toBeLessThan(wick.time);
    await a.close();
    workers.pop();

    sims.spot.resumeSymbol(BTC);
    const b = await startWorker({ projectId: store.projectId, instanceId: 'b', sims, env });
    workers.push(b);
    await waitFor('the stop closed', async () => (await status(store.db, STOP)) === 'closing');
    const closed = (await store.db.doc(STOP).get()).data()!;
    expect(closed).toMatchObject({ closePrice: 54_000, closeTickTime: wick.time, closedBy: 'b' });
  });
});
