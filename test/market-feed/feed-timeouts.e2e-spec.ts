import { makePosition } from '../support/documents';
import { metricValue } from '../support/cache-app';
import { type Scenario, startScenario, subscribed } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const BTC = 'BTC-USDT';
const ETH = 'ETH-USDT';

/**
 * The feed's timeouts come from configuration, on the whole worker: a welcome slower than
 * KUCOIN_CONNECT_TIMEOUT_MS drops the connection, and a subscribe unanswered for KUCOIN_ACK_TIMEOUT_MS
 * is sent again and finally given up. Both are set to 1 s here; at the 10 s defaults neither would
 * happen within these waits.
 */
describe('feed timeouts from configuration, on a running worker', () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-feed-timeouts',
      docs: {
        'users/ann/openPositions/btc': makePosition({ symbol: BTC, marketType: 'spot', stopLoss: 50_000 }),
        'users/ann/openPositions/eth': makePosition({ symbol: ETH, marketType: 'spot', stopLoss: 1_000 }),
      },
      prices: { spot: { [BTC]: 60_000, [ETH]: 3_000 } },
      prepare: ({ spot }) => spot.setWelcomeDelay(2_500),
      env: {
        KUCOIN_CONNECT_TIMEOUT_MS: '1000',
        KUCOIN_ACK_TIMEOUT_MS: '1000',
        // One symbol per subscribe, so BTC's is answered while ETH's is not: a connection that answers
        // nothing at all is replaced rather than waited on.
        KUCOIN_SPOT_SYMBOLS_PER_MESSAGE: '1',
      },
    });
  });

  afterAll(() => scenario?.close());

  it('drops a connection whose welcome is later than KUCOIN_CONNECT_TIMEOUT_MS', async () => {
    const { worker, sims } = scenario;
    await waitFor(
      'a welcome timeout',
      async () =>
        (await metricValue(worker.metrics.wsReconnects, { market: 'spot', cause: 'welcome_timeout' })) > 0,
      6_000,
    );
    sims.spot.withholdAcks(ETH, 'always');
    sims.spot.setWelcomeDelay(0);
    await waitFor('BTC subscribed once the welcome is prompt', () => subscribed(sims.spot, [BTC]), 10_000);
  });

  it('gives up on a subscribe unanswered for KUCOIN_ACK_TIMEOUT_MS after its resends', async () => {
    const { worker } = scenario;
    await waitFor(
      'ETH-USDT reported unavailable',
      async () => (await metricValue(worker.metrics.symbolsUnavailable, { market: 'spot' })) === 1,
      15_000,
    );
  });
});
