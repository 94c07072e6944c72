import { CacheCore } from '../../src/cache/cache-core';
import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type Scenario, type Simulators, startScenario } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const XBT = 'XBTUSDTM';
const futures = (overrides: Record<string, unknown>) =>
  makePosition({ symbol: XBT, marketType: 'futures', entryPrice: 62_000, takeProfit: null, ...overrides });

const OWN_LEVEL = 'users/ann/openPositions/own-level';
const COMPUTED = 'users/bob/openPositions/computed';
const STOP_FIRST = 'users/cat/openPositions/stop-first';
const UNLEVERAGED = 'users/dan/openPositions/unleveraged';

/** KuCoin's linear long, fees ignored: E × (1 − 1/L) / (1 − MMR) (src/domain/liquidation.ts). */
const MMR = 0.01;
const COMPUTED_LEVEL = (62_000 * (1 - 1 / 20)) / (1 - MMR);

const DOCS = {
  // Its own liquidationPrice, and a stop-loss on the last trade far below it.
  [OWN_LEVEL]: futures({ side: 'long', leverage: 10, liquidationPrice: 57_000, stopLoss: 50_000 }),
  // No stops at all: only the level computed from the contract's maintenance margin watches it.
  [COMPUTED]: futures({ side: 'long', leverage: 20, stopLoss: null }),
  // A short whose stop-loss on the last trade is reached before the mark reaches its liquidation.
  [STOP_FIRST]: futures({ side: 'short', leverage: 10, liquidationPrice: 68_000, stopLoss: 66_000 }),
  // Leverage 1 is never liquidated, whatever the document says.
  [UNLEVERAGED]: futures({ side: 'long', leverage: 1, liquidationPrice: 61_000, stopLoss: null }),
};

/**
 * Leveraged futures positions liquidated on the mark price, on the whole worker against the simulator
 * (contract details with the maintenance margin, mark prices) and the emulator.
 */
describe('liquidation of leveraged futures positions on the mark price', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-liquidation',
      docs: DOCS,
      prices: { futures: { [XBT]: 62_000 } },
      prepare: ({ futures: sim }) => {
        sim.setContract(XBT, { maintainMargin: MMR });
        sim.setMarkPrice(XBT, 62_000, 62_000);
      },
      ready: { positions: 3, triggers: 0, futures: [XBT] },
    });
    ({ store, sims } = scenario);
    const core = scenario.worker.app.get(CacheCore);
    // The computed level needs the contracts' margins, read from KuCoin at start: then every position is read again.
    await waitFor('the computed liquidation level in the mark book', () => {
      const entry = core.positionBook('mark', XBT)?.get(COMPUTED);
      return entry?.liquidation === COMPUTED_LEVEL;
    });
  });

  afterAll(() => scenario?.close());

  const data = async (path: string) => (await store.db.doc(path).get()).data();

  it('is not liquidated by a trade below its level, only by the mark price that crosses it', async () => {
    sims.futures.trade(XBT, 56_000);
    sims.futures.setMarkPrice(XBT, 59_000, 59_000);
    await waitFor('the computed liquidation', async () => (await data(COMPUTED))?.status === 'closing');
    expect(await data(COMPUTED)).toMatchObject({
      closeReason: 'liquidation',
      closeTriggerPrice: COMPUTED_LEVEL,
      closePrice: 59_000,
      closePriceType: 'mark',
    });
    // The trade at 56,000 was below its own level (57,000) and above its stop-loss: it did nothing.
    expect((await data(OWN_LEVEL))?.status).toBe('open');

    sims.futures.setMarkPrice(XBT, 56_900, 56_900);
    await waitFor('the own-level liquidation', async () => (await data(OWN_LEVEL))?.status === 'closing');
    expect(await data(OWN_LEVEL)).toMatchObject({
      closeReason: 'liquidation',
      closeTriggerPrice: 57_000,
      closePrice: 56_900,
      closePriceType: 'mark',
    });
    expect((await data(UNLEVERAGED))?.status).toBe('open');
  });

  it('closes on the stop-loss the last price crosses first, once, whatever the mark does after', async () => {
    sims.futures.trade(XBT, 66_500);
    await waitFor('the stop-loss', async () => (await data(STOP_FIRST))?.status === 'closing');
    const closed = await data(STOP_FIRST);
    expect(closed).toMatchObject({ closeReason: 'stop_loss', closeTriggerPrice: 66_000, closePrice: 66_500 });
    sims.futures.setMarkPrice(XBT, 69_000, 69_000);
    const executions = () => scenario.worker.executions('executed');
    const before = await executions();
    sims.futures.setMarkPrice(XBT, 69_500, 69_500);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await data(STOP_FIRST)).toEqual(closed);
    expect(await executions()).toBe(before);
  });
});
