import type { MarketType } from '../../src/domain/market';
import { WATERMARK_DOCUMENT } from '../../src/firestore/watermark.repository';
import type { ExchangeSimulator, SimTrade } from '../../tools/exchange-simulator';
import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { after, waitEvaluated } from '../support/trade-scenarios';
import {
  type Scenario,
  type Simulators,
  type Worker,
  seed,
  startScenario,
  type WorkerSeries,
  startWorkerSeries,
  subscribed,
} from '../support/worker-harness';
import { waitFor } from '../support/wait-for';

const SPOT = 'BTC-USDT';
const FUT = 'XBTUSDTM';

/** A position watched by its trailing stop alone: no stop-loss, no take-profit. */
const trailingOnly = (symbol: string, side: 'long' | 'short', trailingStop: Record<string, number>) =>
  makePosition({
    symbol,
    marketType: symbol === SPOT ? 'spot' : 'futures',
    side,
    entryPrice: 60_000,
    stopLoss: null,
    takeProfit: null,
    trailingStop,
  });

/** The fields the worker writes once when a trailing stop fires. */
const closed = (level: number, trade: SimTrade, by: string) => ({
  status: 'closing',
  closeReason: 'trailing_stop',
  closeTriggerPrice: level,
  closePrice: trade.price,
  closeTickTime: trade.time,
  closedBy: by,
});

/**
 * One trade at a time, each strictly later than the last (so "evaluated through its time" means this very
 * trade was), evaluated, and whatever it fired written, before the spec looks at Firestore.
 */
async function tradeAndSettle(
  worker: Worker,
  sim: ExchangeSimulator,
  market: MarketType,
  symbol: string,
  price: number,
): Promise<SimTrade> {
  const trade = sim.trade(symbol, price, { time: after(sim, symbol) });
  await waitEvaluated(worker, market, trade);
  await waitFor('executions idle', () => worker.execution.stats().queue.length === 0);
  return trade;
}

const LONG_RATE = 'users/ann/openPositions/long-rate';
const LONG_BEYOND = 'users/ann/openPositions/long-beyond';
const SHORT_ACTIVATION = 'users/bob/openPositions/short-activation';
const SHORT_NEVER_ACTIVE = 'users/bob/openPositions/short-never-active';
const LIVE_DOCS = {
  // 5 % under the highest trade since activation (the first trade: no activation price).
  [LONG_RATE]: trailingOnly(SPOT, 'long', { callbackRate: 0.05 }),
  // 3,211 under the same high: at 64,000 its level is 60,789, just under the trade that fires LONG_RATE.
  [LONG_BEYOND]: trailingOnly(SPOT, 'long', { callbackAmount: 3_211 }),
  // 500 above the lowest trade, once a trade is at or below 61,000.
  [SHORT_ACTIVATION]: trailingOnly(FUT, 'short', { callbackAmount: 500, activationPrice: 61_000 }),
  // Prices never go as low as 60,100: however far they rise, it never fires.
  [SHORT_NEVER_ACTIVE]: trailingOnly(FUT, 'short', { callbackAmount: 500, activationPrice: 60_100 }),
};

describe('a trailing stop follows the best price since activation and closes on the trade that crosses it', () => {
  const BY = 'worker-trailing';
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: BY,
      docs: LIVE_DOCS,
      prices: { spot: { [SPOT]: 60_000 }, futures: { [FUT]: 62_000 } },
      ready: { positions: 4, triggers: 0, spot: [SPOT], futures: [FUT] },
    });
    ({ store, sims, worker } = scenario);
  });

  afterAll(() => scenario?.close());

  const data = async (path: string) => (await store.db.doc(path).get()).data();
  const spot = (price: number) => tradeAndSettle(worker, sims.spot, 'spot', SPOT, price);
  const futures = (price: number) => tradeAndSettle(worker, sims.futures, 'futures', FUT, price);

  it('long, callback rate: rises to a new high, survives just above 5 % under it, closes once at exactly that level', async () => {
    await spot(62_000); // activates both longs: best 62,000
    await spot(64_000); // the new high: the rate level moves to 60,800, the amount level to 60,789
    await spot(60_800.1); // a tick above the level: judged on the high, not crossed
    expect((await data(LONG_RATE))?.status).toBe('open');

    const crossing = await spot(60_790);
    // The level of the new high (not of 62,000: 58,900), and the price of the trade that went through it.
    expect(await data(LONG_RATE)).toMatchObject(closed(64_000 * (1 - 0.05), crossing, BY));
    expect(await data(LONG_BEYOND)).toEqual(LIVE_DOCS[LONG_BEYOND]);
    await expect(worker.executions('executed')).resolves.toBe(1);

    // Still under the level it fired at: the stop left the book with the close, nothing is written again.
    const written = await data(LONG_RATE);
    await spot(60_795);
    expect(await data(LONG_RATE)).toEqual(written);
    await expect(worker.executions('executed')).resolves.toBe(1);
  });

  it('short, callback amount: nothing moves it before the activation price, then it trails down and fires on the way up', async () => {
    // Without its activation price, 61,500 would have activated it and 63,000 fired it (level 62,000).
    await futures(61_500);
    await futures(63_000);
    expect((await data(SHORT_ACTIVATION))?.status).toBe('open');

    await futures(61_000); // activates (equal counts) and does not fire: best 61,000, level 61,500
    await futures(60_200); // a new low: level 60,700
    await futures(60_699.9); // a rebound still under the level
    expect((await data(SHORT_ACTIVATION))?.status).toBe('open');

    const crossing = await futures(60_750);
    expect(await data(SHORT_ACTIVATION)).toMatchObject(closed(60_200 + 500, crossing, BY));
    // Every price since 63,000 would cross a level 500 above the low, but none reached 60,100.
    expect(await data(SHORT_NEVER_ACTIVE)).toEqual(LIVE_DOCS[SHORT_NEVER_ACTIVE]);
    await expect(worker.executions('executed')).resolves.toBe(2);
  });
});

const NEW_HIGH = 'users/ann/openPositions/new-high';
const OLD_LOW = 'users/bob/openPositions/old-low';
const BEYOND = 'users/cat/openPositions/beyond';
const RESTART_DOCS = {
  [NEW_HIGH]: trailingOnly(SPOT, 'long', { callbackRate: 0.05 }),
  [OLD_LOW]: trailingOnly(SPOT, 'short', { callbackAmount: 2_000 }),
  [BEYOND]: trailingOnly(SPOT, 'long', { callbackAmount: 3_211 }),
};

/**
 * The peak is in no document: a worker that starts rebuilds it from the trades since each trailing
 * document's update time, over REST, including the trades an earlier worker saw and those made while
 * no worker ran.
 */
describe('after a restart, the trailing peak is rebuilt from the trades since the document was updated', () => {
  let series: WorkerSeries;
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    series = await startWorkerSeries();
    ({ store, sims } = series);
    // A minute before the documents are written: the latest-100 history reaches back past their update
    // times, so the recovery is the exact trades (no candle), and this trade applies to no stop.
    sims.spot.trade(SPOT, 60_000, { time: Date.now() - 60_000 });
    await seed(store.db, RESTART_DOCS);
  });

  afterAll(() => series?.close());

  const startOne = (instanceId: string, env?: Record<string, string>): Promise<Worker> =>
    series.start(instanceId, env);

  it('closes the long at the level of the high made while stopped, the short at the level of the low the first worker saw', async () => {
    const a = await startOne('worker-a', { WATERMARK_INTERVAL_MS: '200' });
    await waitFor('positions loaded', () => a.cache.stats().positions === 3);
    await waitFor('spot subscribed', () => subscribed(sims.spot, [SPOT]));
    await tradeAndSettle(a, sims.spot, 'spot', SPOT, 62_000); // activates all three
    const low = await tradeAndSettle(a, sims.spot, 'spot', SPOT, 61_000); // the short's low: level 63,000
    // A watermark through worker A's trades, so worker B's ordinary restart recovery begins after them.
    await waitFor('watermark through the last trade', async () => {
      const doc = (await store.db.doc(WATERMARK_DOCUMENT).get()).data();
      return (doc?.spot ?? 0) >= low.time;
    });
    await a.close();
    await waitFor('worker A unsubscribed', () => !subscribed(sims.spot, [SPOT]));

    // Nobody listens. A new high: the long's level rises from 58,900 to 60,800 and BEYOND's to 60,789; the
    // short's level (63,000 from the low of 61,000) is crossed. Then back to 61,500, crossing no long's level.
    const high = sims.spot.trade(SPOT, 64_000, { time: after(sims.spot, SPOT) });
    sims.spot.trade(SPOT, 61_500, { time: after(sims.spot, SPOT) });
    const historyCalls = sims.spot.stats.restTradeHistoryRequests;

    // No wait for B's books: it may close the short from the recovered trades before a check could see it.
    const b = await startOne('worker-b');
    // The short fires on the recovered trades alone: from the watermark only, 64,000 would just activate it.
    await waitFor(
      'the short closed',
      async () => (await store.db.doc(OLD_LOW).get()).get('status') !== 'open',
    );
    await waitFor('spot subscribed', () => subscribed(sims.spot, [SPOT]));
    // Between the old level (58,900) and the recovered one (60,800), and above BEYOND's (60,789).
    const crossing = await tradeAndSettle(b, sims.spot, 'spot', SPOT, 60_790);

    const doc = async (path: string) => (await store.db.doc(path).get()).data();
    expect(await doc(OLD_LOW)).toMatchObject(closed(61_000 + 2_000, high, 'worker-b'));
    expect(await doc(NEW_HIGH)).toMatchObject(closed(64_000 * (1 - 0.05), crossing, 'worker-b'));
    expect(await doc(BEYOND)).toEqual(RESTART_DOCS[BEYOND]);
    await expect(b.executions('executed')).resolves.toBe(2);
    // Rebuilt from the REST trade history, which reached back to the documents' update time: no candle.
    expect(sims.spot.stats.restTradeHistoryRequests).toBeGreaterThan(historyCalls);
    expect(sims.spot.stats.restCandleRequests).toBe(0);
  });
});
