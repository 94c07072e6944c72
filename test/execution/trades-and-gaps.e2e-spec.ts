import { CacheCore } from '../../src/cache/cache-core';
import { versionOf } from '../../src/firestore/versions';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import {
  MINUTE_MS,
  type Outcome,
  chop,
  expectOutcome,
  floorMinute,
  gapRecoveries,
  pick,
  waitActed,
  waitDisconnected,
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

const SPOT = 'BTC-USDT';
const FUT = 'XBTUSDTM';
const SOL = 'SOL-USDT';
const BY = 'worker-trades';
const position = (symbol: string, o: Record<string, unknown>) =>
  makePosition({ symbol, marketType: symbol.includes('-') ? 'spot' : 'futures', takeProfit: 90_000, ...o });
const trigger = (symbol: string, condition: string, targetPrice: number) =>
  makeTrigger({ symbol, marketType: symbol.includes('-') ? 'spot' : 'futures', condition, targetPrice });

type Docs = Record<string, Record<string, unknown>>;

/** Each scenario on a project, simulators and worker of its own. */
describe('every trade is evaluated, and a gap in the trades is recovered', () => {
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;

  afterEach(async () => {
    await worker?.close();
    await sims?.stop();
    await store?.close();
  });

  async function start(docs: Docs, symbols: string[], env: Record<string, string> = {}): Promise<void> {
    store = openTestFirestore();
    await seed(store.db, docs);
    worker = await startWorker({ projectId: store.projectId, instanceId: BY, sims, env });
    await waitFor('cache loaded', () => {
      const stats = worker.cache.stats();
      return stats.positions + stats.triggers === Object.keys(docs).length;
    });
    await waitFor('feeds subscribed', () =>
      symbols.every((s) => subscribed(s.includes('-') ? sims.spot : sims.futures, [s])),
    );
  }

  /** BTC-USDT at 60,000 and XBTUSDTM at 62,000, each with a live trade the worker has evaluated. */
  async function startAtMarket(docs: Docs, env: Record<string, string> = {}): Promise<void> {
    sims = await startSimulators();
    sims.spot.setPrice(SPOT, 60_000);
    sims.futures.setPrice(FUT, 62_000);
    await start(docs, [SPOT, FUT], env);
    await waitEvaluated(worker, 'spot', sims.spot.trade(SPOT, 60_010));
    await waitEvaluated(worker, 'futures', sims.futures.trade(FUT, 62_010));
  }

  it('closes and fires at the wick trade between two ticker pushes; a level just beyond it is left', async () => {
    const docs = {
      'users/ann/openPositions/stop': position(SPOT, { stopLoss: 55_000 }),
      'users/ann/openPositions/beyond': position(SPOT, { stopLoss: 53_999.9 }),
      'users/bob/openPositions/short-tp': position(SPOT, {
        side: 'short',
        stopLoss: 70_000,
        takeProfit: 54_500,
      }),
      'users/bob/openPositions/fut-stop': position(FUT, { stopLoss: 61_000 }),
      'users/bob/openPositions/fut-beyond': position(FUT, { stopLoss: 60_899.9 }),
      'users/cat/tradeTriggers/below': trigger(SPOT, 'below', 54_000),
      'users/cat/tradeTriggers/beyond': trigger(SPOT, 'below', 53_999.9),
    };
    await startAtMarket(docs);

    // Within one ticker interval (100 ms): no ticker push shows the wicks, the trade topics carry them.
    const [spotLow] = sims.spot.wick(SPOT, 54_000, 60_000);
    // Its first trade (61,500) does not reach the futures stop; the second does, and is the fill.
    const [, futLow] = sims.futures.wick(FUT, [61_500, 60_900], 62_000);
    const outcome: Outcome = {
      closes: {
        'users/ann/openPositions/stop': {
          reason: 'stop_loss',
          level: 55_000,
          price: 54_000,
          time: spotLow.time,
        },
        'users/bob/openPositions/short-tp': {
          reason: 'take_profit',
          level: 54_500,
          price: 54_000,
          time: spotLow.time,
        },
        'users/bob/openPositions/fut-stop': {
          reason: 'stop_loss',
          level: 61_000,
          price: 60_900,
          time: futLow.time,
        },
      },
      fires: { 'users/cat/tradeTriggers/below': { price: 54_000, time: spotLow.time } },
      untouched: pick(
        docs,
        'users/ann/openPositions/beyond',
        'users/bob/openPositions/fut-beyond',
        'users/cat/tradeTriggers/beyond',
      ),
    };
    await waitActed(store.db, outcome);
    await waitSettled(worker, ['spot', 'futures']);
    await expectOutcome(store.db, outcome, BY);
    await expect(worker.executions('executed')).resolves.toBe(4);
  });

  /**
   * 'drop': every connection is lost and refused, and the reconnect's subscribe recovers the gap.
   * 'withhold': connections stay up and nothing is pushed; the topic audit (every third of
   * KUCOIN_DATA_STALE_MS) sees trades on the exchange the stream did not bring, resubscribes, and the
   * ack recovers the gap. No trade follows the outage here, so the audit alone must find it (a trade
   * after an unusual pause is the other way in: stalled-topic.e2e-spec.ts).
   */
  it.each(['drop', 'withhold'] as const)(
    '%s: recovers a wick missed in an outage from the REST trade history, at its exact price and time',
    async (mode) => {
      const docs = {
        'users/ann/openPositions/stop': position(SPOT, { stopLoss: 55_000 }),
        'users/ann/openPositions/beyond': position(SPOT, { stopLoss: 53_999.9 }),
        'users/bob/tradeTriggers/above': trigger(FUT, 'above', 65_000),
        'users/bob/tradeTriggers/beyond': trigger(FUT, 'above', 65_500.1),
      };
      await startAtMarket(docs, mode === 'withhold' ? { KUCOIN_DATA_STALE_MS: '1500' } : {});

      for (const sim of [sims.spot, sims.futures]) sim.startOutage(mode);
      if (mode === 'drop') await waitDisconnected(worker, 'spot');
      if (mode === 'drop') await waitDisconnected(worker, 'futures');
      // 61 trades per market, none pushed: the latest 100 of the history reach back to the last one evaluated.
      chop(sims.spot, SPOT, 60_000, 50, 30);
      const [spotLow] = sims.spot.wick(SPOT, 54_000, 59_000);
      chop(sims.spot, SPOT, 60_000, 50, 29);
      chop(sims.futures, FUT, 62_000, 50, 30);
      const [futHigh] = sims.futures.wick(FUT, 65_500, 62_100);
      chop(sims.futures, FUT, 62_000, 50, 29);
      for (const sim of [sims.spot, sims.futures]) sim.endOutage();

      const outcome: Outcome = {
        closes: {
          'users/ann/openPositions/stop': {
            reason: 'stop_loss',
            level: 55_000,
            price: 54_000,
            time: spotLow.time,
          },
        },
        fires: { 'users/bob/tradeTriggers/above': { price: 65_500, time: futHigh.time } },
        untouched: pick(docs, 'users/ann/openPositions/beyond', 'users/bob/tradeTriggers/beyond'),
      };
      await waitActed(store.db, outcome);
      await waitSettled(worker, ['spot', 'futures']);
      await expectOutcome(store.db, outcome, BY);
      // Recovered from the histories alone: no candle was asked for.
      expect(
        sims.spot.stats.restTradeHistoryRequests * sims.futures.stats.restTradeHistoryRequests,
      ).toBeGreaterThan(0);
      expect(sims.spot.stats.restCandleRequests + sims.futures.stats.restCandleRequests).toBe(0);
      await expect(gapRecoveries(worker, 'spot', 'recovered')).resolves.toBe(1);
      await expect(gapRecoveries(worker, 'futures', 'recovered')).resolves.toBe(1);
      await expect(worker.executions('executed')).resolves.toBe(2);
    },
  );

  /**
   * Firestore stamps update times with the real clock, candles start on the simulator's; a candle applies
   * only to documents last updated at or before its start. So the exchange clock straddles the test: the
   * last trade seen and an early wick in minutes already past (before any document was written), the wick
   * that must close in the minute starting two minutes ahead of the test's start (after every write of
   * the test, which takes seconds). The worker compares exchange times with its own clock only for the
   * backfill horizon (24 h).
   */
  it('recovers an outage the history does not reach back over from 1-minute candles: level or open, at the candle start', async () => {
    const sol = (o: Record<string, unknown>) => position(SOL, { entryPrice: 100, takeProfit: 150, ...o });
    const docs = {
      'users/ann/openPositions/at-level': sol({ stopLoss: 95 }),
      'users/ann/openPositions/at-open': sol({ stopLoss: 97 }),
      'users/bob/openPositions/moved': sol({ stopLoss: 80 }),
      'users/bob/openPositions/beyond': sol({ stopLoss: 93.5 }),
      'users/cat/tradeTriggers/at-open': trigger(SOL, 'below', 96.5),
      'users/cat/tradeTriggers/beyond': trigger(SOL, 'below', 93),
    };
    const base = floorMinute(Date.now());
    const [past, early, ahead] = [base - 3 * MINUTE_MS, base - 2 * MINUTE_MS, base + 2 * MINUTE_MS];
    let clock = past + 1_000;
    sims = await startSimulators({ clock: () => clock, tickSizes: { [SOL]: 0.01 } });
    sims.spot.trade(SOL, 100);
    await start(docs, [SOL]);
    clock = past + 2_000;
    await waitEvaluated(worker, 'spot', sims.spot.trade(SOL, 100.1));

    sims.spot.startOutage('drop');
    await waitDisconnected(worker, 'spot');
    clock = early + 1_000;
    sims.spot.wick(SOL, 90, 100); // reaches every level here, in a minute that began before any write
    // The user moves a stop into that wick's range during the outage: not closed by the earlier candle.
    const moved = await store.db.doc('users/bob/openPositions/moved').update({ stopLoss: 92 });
    const book = () => worker.app.get(CacheCore).positionBook('spot', SOL);
    await waitFor('the move in the books', () => {
      return book()?.versionOf('users/bob/openPositions/moved') === versionOf(moved.writeTime);
    });
    clock = ahead + 1_000;
    sims.spot.trades(SOL, [96, 94, 100]); // opens at 96: beyond the stop at 97 and the trigger at 96.5
    clock = ahead + MINUTE_MS + 1_000;
    chop(sims.spot, SOL, 100, 1, 120); // 99 and 101: the latest 100 trades all come after these candles
    expect(sims.spot.recentTrades(SOL)[0].time).toBe(ahead + MINUTE_MS + 1_000);
    sims.spot.endOutage();

    const outcome: Outcome = {
      closes: {
        'users/ann/openPositions/at-level': { reason: 'stop_loss', level: 95, price: 95, time: ahead },
        'users/ann/openPositions/at-open': { reason: 'stop_loss', level: 97, price: 96, time: ahead },
      },
      fires: { 'users/cat/tradeTriggers/at-open': { price: 96, time: ahead } },
      untouched: {
        ...pick(docs, 'users/bob/openPositions/beyond', 'users/cat/tradeTriggers/beyond'),
        'users/bob/openPositions/moved': { ...docs['users/bob/openPositions/moved'], stopLoss: 92 },
      },
    };
    await waitActed(store.db, outcome);
    await waitSettled(worker, ['spot']);
    await expectOutcome(store.db, outcome, BY);
    expect(sims.spot.stats.restCandleRequests).toBeGreaterThan(0);
    await expect(gapRecoveries(worker, 'spot', 'recovered')).resolves.toBe(1);
    await expect(worker.executions('executed')).resolves.toBe(3);
  });
});
