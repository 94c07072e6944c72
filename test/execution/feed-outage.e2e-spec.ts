import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Scenario, type Simulators, type Worker, startScenario } from '../support/worker-harness';
import { gateway as feedOf } from '../support/trade-scenarios';
import { waitFor } from '../support/wait-for';

const PATH = 'users/eve/openPositions/ada';

describe('a stop crossed while the feed is down', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-outage',
      docs: {
        [PATH]: makePosition({ symbol: 'ADA-USDT', stopLoss: 0.9, takeProfit: 1.5 }),
        'users/eve/openPositions/ada-safe': makePosition({
          symbol: 'ADA-USDT',
          stopLoss: 0.5,
          takeProfit: 1.5,
        }),
      },
      prices: { spot: { 'ADA-USDT': 1 } },
      ready: { positions: 2, spot: ['ADA-USDT'] },
    });
    ({ store, sims, worker } = scenario);
  });

  afterAll(() => scenario?.close());

  it('is closed by the gap recovery after the reconnect, at the price and time of the trade it missed', async () => {
    const gateway = feedOf(worker, 'spot');
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
