import { SpotFeedGateway } from '../../src/market-feed';
import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import {
  Simulators,
  Worker,
  startSimulators,
  startWorker,
  subscribed,
  waitFor,
} from '../support/worker-harness';

const PATH = 'users/eve/openPositions/ada';

describe('a stop crossed while the feed is down', () => {
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    store = openTestFirestore();
    sims = await startSimulators();
    sims.spot.setPrice('ADA-USDT', 1);
    await store.db.doc(PATH).set(makePosition({ symbol: 'ADA-USDT', stopLoss: 0.9, takeProfit: 1.5 }));
    await store.db
      .doc('users/eve/openPositions/ada-safe')
      .set(makePosition({ symbol: 'ADA-USDT', stopLoss: 0.5, takeProfit: 1.5 }));
    worker = await startWorker({ projectId: store.projectId, instanceId: 'worker-outage', sims });
    await waitFor('cache loaded', () => worker.cache.stats().positions === 2);
    await waitFor('feed subscribed', () => subscribed(sims.spot, ['ADA-USDT']));
  });

  afterAll(async () => {
    await worker.close();
    await sims.stop();
    await store.close();
  });

  it('is closed by the gap recovery after the reconnect, at the price and time of the trade it missed', async () => {
    const gateway = worker.app.get(SpotFeedGateway);
    sims.spot.failTokenRequests(500);
    sims.spot.dropAllConnections();
    await waitFor('the worker noticed the drop', () =>
      gateway.status().connections.every((connection) => connection.state !== 'connected'),
    );
    await waitFor('a reconnect attempt was refused', () => sims.spot.stats.tokenFailuresServed > 0);

    // No subscriber: this trade reaches only the exchange's history, as a push lost in the outage would.
    sims.spot.setPrice('ADA-USDT', 0.85);
    const missed = sims.spot.lastTrade('ADA-USDT')!;
    expect((await store.db.doc(PATH).get()).get('status')).toBe('open');
    const historyCallsBefore = sims.spot.stats.restTradeHistoryRequests;

    sims.spot.clearTokenFailures();
    await waitFor(
      'position closing',
      async () => (await store.db.doc(PATH).get()).get('status') === 'closing',
    );

    expect(sims.spot.stats.restTradeHistoryRequests).toBeGreaterThan(historyCallsBefore);
    expect((await store.db.doc(PATH).get()).data()).toMatchObject({
      closeReason: 'stop_loss',
      closeTriggerPrice: 0.9,
      closePrice: 0.85,
      closeTickTime: missed.time,
      closedBy: 'worker-outage',
    });
    expect((await store.db.doc('users/eve/openPositions/ada-safe').get()).get('status')).toBe('open');
  });
});
