import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { gateway } from '../support/trade-scenarios';
import {
  type Scenario,
  type Simulators,
  type Worker,
  readAll,
  serveHttp,
  startScenario,
  subscribed,
} from '../support/worker-harness';
import { waitFor, waitForValue } from '../support/wait-for';

const BTC = 'BTC-USDT';
/** Refused: its subscribe is answered 404, as KuCoin answers a topic that does not exist. */
const NOPE = 'NOPE-USDT';
/** Acked and then silent, and absent from all-tickers: a pair KuCoin no longer lists. */
const GHOST = 'GHOST-USDT';
const BY = 'worker-unavailable';

const spot = (symbol: string, o: Record<string, unknown>) =>
  makePosition({ symbol, marketType: 'spot', entryPrice: 10, ...o });
const spotTrigger = (symbol: string, condition: string, targetPrice: number) =>
  makeTrigger({ symbol, marketType: 'spot', condition, targetPrice, stopLoss: null });

const NOPE_STOP = 'users/ann/openPositions/nope-stop';
const DOCS = {
  'users/ann/openPositions/btc': spot(BTC, { entryPrice: 60_000, stopLoss: 55_000, takeProfit: 70_000 }),
  [NOPE_STOP]: spot(NOPE, { stopLoss: 9, takeProfit: 12 }),
  'users/bob/openPositions/nope-deep': spot(NOPE, { stopLoss: 8, takeProfit: 12 }),
  'users/bob/tradeTriggers/nope-above': spotTrigger(NOPE, 'above', 11),
  'users/cat/openPositions/ghost': spot(GHOST, { entryPrice: 2, stopLoss: 1.8, takeProfit: 3 }),
  'users/cat/tradeTriggers/ghost-below': spotTrigger(GHOST, 'below', 1.5),
  'users/cat/tradeTriggers/ghost-above': spotTrigger(GHOST, 'above', 2.5),
};

interface FeedDetails {
  readonly status: string;
  readonly desiredSymbols: number;
  readonly unavailable: { symbol: string; reason: string; positions: number; triggers: number }[];
}

interface Readiness {
  readonly status: number;
  readonly body: { status: string; details?: { feed_spot?: FeedDetails } };
}

/**
 * Symbols KuCoin refuses (404) or no longer lists, on the whole worker against the simulator and the
 * Firestore emulator: counted in worker_symbols_unavailable, listed with the positions and triggers they
 * hold in /health/ready without failing it, and no longer counted once KuCoin serves them again. The
 * topic audit runs every 500 ms (KUCOIN_DATA_STALE_MS 1500).
 */
describe('symbols KuCoin refuses or does not list, on a running worker', () => {
  let scenario: Scenario;
  let store: TestFirestore;
  let sims: Simulators;
  let worker: Worker;
  let base: string;

  async function ready(): Promise<Readiness> {
    const response = await fetch(`${base}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  }

  /** The gauge as /metrics shows it; undefined when it has no sample for the market. */
  async function unavailableGauge(): Promise<number | undefined> {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('worker_symbols_unavailable{market="spot"}'));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  /** Until a readiness probe answers 200 with exactly these unavailable symbols (by symbol). */
  async function readyListing(expected: FeedDetails['unavailable']): Promise<Readiness> {
    const bySymbol = (list: FeedDetails['unavailable']) =>
      [...list].sort((a, b) => a.symbol.localeCompare(b.symbol));
    return waitForValue(
      `ready, listing ${expected.map((u) => u.symbol).join(', ') || 'nothing'} as unavailable`,
      ready,
      (answer) => {
        const listed = answer.body.details?.feed_spot?.unavailable;
        return (
          answer.status === 200 &&
          listed !== undefined &&
          JSON.stringify(bySymbol(listed)) === JSON.stringify(bySymbol(expected))
        );
      },
      20_000,
    );
  }

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: BY,
      docs: DOCS,
      prices: { spot: { [BTC]: 60_000 } },
      prepare: ({ spot }) => {
        for (const symbol of [NOPE, GHOST]) spot.setTickSize(symbol, 0.01);
        spot.setUnknownSymbol(NOPE, 'not_found');
        spot.setUnknownSymbol(GHOST, 'silent');
      },
      env: { KUCOIN_DATA_STALE_MS: '1500' },
    });
    ({ store, sims, worker } = scenario);
    base = await serveHttp(worker);
    await waitFor('cache loaded', () => {
      const stats = worker.cache.stats();
      return stats.positions === 4 && stats.triggers === 3;
    });
  });

  afterAll(() => scenario?.close());

  it('counts and lists them with what they hold, without failing readiness; each is dropped once KuCoin serves it again', async () => {
    // Both unavailable: the 404 at its subscribe, the unlisted one at the first audit after its ack.
    const both = await readyListing([
      { symbol: GHOST, reason: 'unlisted', positions: 1, triggers: 2 },
      { symbol: NOPE, reason: 'refused 404', positions: 2, triggers: 1 },
    ]);
    expect(both.body.status).toBe('ok');
    expect(both.body.details?.feed_spot).toMatchObject({ status: 'up', desiredSymbols: 3 });
    await waitFor('the gauge at 2', async () => (await unavailableGauge()) === 2);
    // The refused symbol holds no subscription; the unlisted one is acked (and silent).
    expect([...sims.spot.subscriptionCounts().keys()].sort()).toEqual([BTC, GHOST]);

    // The pair is listed again (with a trade no push carried): the audit sees it in all-tickers.
    sims.spot.trade(GHOST, 2);
    sims.spot.clearUnknownSymbol(GHOST);
    await readyListing([{ symbol: NOPE, reason: 'refused 404', positions: 2, triggers: 1 }]);
    await waitFor('the gauge at 1', async () => (await unavailableGauge()) === 1);

    // The refused topic exists again; it is subscribed on the next connection and its first trade streams.
    sims.spot.clearUnknownSymbol(NOPE);
    sims.spot.closeAllConnections();
    await waitFor('all three subscribed on a new connection', () =>
      subscribed(sims.spot, [BTC, NOPE, GHOST]),
    );
    const trade = sims.spot.trade(NOPE, 8.9);
    await readyListing([]);
    await waitFor('the gauge at 0', async () => (await unavailableGauge()) === 0);
    expect(gateway(worker, 'spot').status().unavailable).toEqual([]);

    // Protected again: the trade closed the stop it crossed, and only that one.
    await waitFor(
      'the NOPE stop closed',
      async () => (await store.db.doc(NOPE_STOP).get()).get('status') !== 'open',
    );
    const positions = await readAll(store.db, 'openPositions');
    expect(positions.get(NOPE_STOP)).toMatchObject({
      status: 'closing',
      closeReason: 'stop_loss',
      closePrice: 8.9,
      closeTickTime: trade.time,
      closedBy: BY,
    });
    const stillOpen = [...positions].filter(([, doc]) => doc.status === 'open').map(([path]) => path);
    expect(stillOpen.sort()).toEqual(
      [
        'users/ann/openPositions/btc',
        'users/bob/openPositions/nope-deep',
        'users/cat/openPositions/ghost',
      ].sort(),
    );
    expect([...(await readAll(store.db, 'tradeTriggers')).keys()].sort()).toEqual(
      [
        'users/bob/tradeTriggers/nope-above',
        'users/cat/tradeTriggers/ghost-above',
        'users/cat/tradeTriggers/ghost-below',
      ].sort(),
    );
    await expect(worker.executions('executed')).resolves.toBe(1);
  });
});
