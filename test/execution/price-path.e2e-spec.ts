import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import {
  type Scenario,
  type Simulators,
  type Worker,
  readAll,
  startScenario,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const spot = (overrides: Record<string, unknown>) =>
  makePosition({ symbol: 'BTC-USDT', marketType: 'spot', ...overrides });
const futures = (overrides: Record<string, unknown>) =>
  makePosition({ symbol: 'XBTUSDTM', marketType: 'futures', ...overrides });

/** Positions and triggers around BTC-USDT 60,000 and XBTUSDTM 62,000, each crossed (or not) by one step of the path. */
const POSITIONS = {
  'users/ann/openPositions/long-tp': spot({ side: 'long', stopLoss: 50_000, takeProfit: 62_000 }),
  'users/ann/openPositions/short-sl-equal': spot({ side: 'short', stopLoss: 63_000, takeProfit: 40_000 }),
  'users/bob/openPositions/short-tp': spot({ side: 'short', stopLoss: 80_000, takeProfit: 58_000 }),
  'users/bob/openPositions/long-sl-gap': spot({ side: 'long', stopLoss: 55_000, takeProfit: 90_000 }),
  'users/cat/openPositions/untouched': spot({ side: 'long', stopLoss: 40_000, takeProfit: 95_000 }),
  'users/cat/openPositions/no-levels': spot({ side: 'long', stopLoss: null, takeProfit: null }),
  'users/dan/openPositions/futures-long-sl': futures({ side: 'long', stopLoss: 60_000, takeProfit: 70_000 }),
  'users/dan/openPositions/futures-untouched': futures({
    side: 'short',
    stopLoss: 75_000,
    takeProfit: 50_000,
  }),
};
const TRIGGERS = {
  'users/ann/tradeTriggers/futures-above': makeTrigger({ condition: 'above', targetPrice: 65_000 }),
  'users/bob/tradeTriggers/spot-below': makeTrigger({
    symbol: 'BTC-USDT',
    marketType: 'spot',
    condition: 'below',
    targetPrice: 58_000,
  }),
  'users/cat/tradeTriggers/untouched': makeTrigger({ condition: 'above', targetPrice: 100_000 }),
};

describe('the worker closes and fires exactly what a price path crosses', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'worker-path',
      docs: { ...POSITIONS, ...TRIGGERS },
      prices: { spot: { 'BTC-USDT': 60_000 }, futures: { XBTUSDTM: 62_000 } },
      ready: { positions: 7, triggers: 3, spot: ['BTC-USDT'], futures: ['XBTUSDTM'] },
    });
    ({ store, sims, worker } = scenario);
  });

  afterAll(() => scenario?.close());

  async function status(path: string): Promise<unknown> {
    return (await store.db.doc(path).get()).get('status');
  }

  async function gone(path: string): Promise<boolean> {
    return !(await store.db.doc(path).get()).exists;
  }

  it('walks the path step by step and leaves exactly the expected state', async () => {
    sims.spot.setPrice('BTC-USDT', 61_000);
    sims.spot.setPrice('BTC-USDT', 62_500);
    await waitFor(
      'long take-profit',
      async () => (await status('users/ann/openPositions/long-tp')) === 'closing',
    );
    sims.spot.setPrice('BTC-USDT', 63_000);
    await waitFor(
      'short stop at equality',
      async () => (await status('users/ann/openPositions/short-sl-equal')) === 'closing',
    );
    sims.spot.setPrice('BTC-USDT', 57_500);
    await waitFor(
      'short take-profit and below trigger',
      async () =>
        (await status('users/bob/openPositions/short-tp')) === 'closing' &&
        (await gone('users/bob/tradeTriggers/spot-below')),
    );
    sims.spot.setPrice('BTC-USDT', 54_000);
    await waitFor(
      'long stop through a gap',
      async () => (await status('users/bob/openPositions/long-sl-gap')) === 'closing',
    );
    sims.futures.setPrice('XBTUSDTM', 66_000);
    await waitFor('above trigger', () => gone('users/ann/tradeTriggers/futures-above'));
    sims.futures.setPrice('XBTUSDTM', 59_000);
    await waitFor(
      'futures stop',
      async () => (await status('users/dan/openPositions/futures-long-sl')) === 'closing',
    );

    await waitFor('queue idle', () => worker.execution.stats().queue.length === 0);
    const positions = await readAll(store.db, 'openPositions');
    const closes = [...positions]
      .filter(([, doc]) => doc.status === 'closing')
      .map(([path, doc]) => [path, doc.closeReason, doc.closeTriggerPrice, doc.closePrice, doc.closedBy])
      .sort();
    expect(closes).toEqual([
      ['users/ann/openPositions/long-tp', 'take_profit', 62_000, 62_500, 'worker-path'],
      ['users/ann/openPositions/short-sl-equal', 'stop_loss', 63_000, 63_000, 'worker-path'],
      ['users/bob/openPositions/long-sl-gap', 'stop_loss', 55_000, 54_000, 'worker-path'],
      ['users/bob/openPositions/short-tp', 'take_profit', 58_000, 57_500, 'worker-path'],
      ['users/dan/openPositions/futures-long-sl', 'stop_loss', 60_000, 59_000, 'worker-path'],
    ]);
    for (const path of [
      'users/cat/openPositions/untouched',
      'users/cat/openPositions/no-levels',
      'users/dan/openPositions/futures-untouched',
    ]) {
      expect(positions.get(path)).toEqual(POSITIONS[path as keyof typeof POSITIONS]);
    }

    const executed = await readAll(store.db, 'executedTriggers');
    expect([...executed].map(([path, doc]) => [path, doc.executedPrice, doc.executedBy]).sort()).toEqual([
      ['users/ann/executedTriggers/futures-above', 66_000, 'worker-path'],
      ['users/bob/executedTriggers/spot-below', 57_500, 'worker-path'],
    ]);
    const pending = await readAll(store.db, 'tradeTriggers');
    expect([...pending.keys()]).toEqual(['users/cat/tradeTriggers/untouched']);
    expect(pending.get('users/cat/tradeTriggers/untouched')).toEqual(
      TRIGGERS['users/cat/tradeTriggers/untouched'],
    );

    await expect(worker.executions('executed')).resolves.toBe(7);
    await expect(worker.executions('already_handled')).resolves.toBe(0);
  });
});
