import { CacheCore } from '../../src/cache/cache-core';
import { makePosition } from '../support/documents';
import { type TestFirestore, openTestFirestore } from '../support/firestore';
import { waitFor } from '../support/wait-for';
import {
  type Simulators,
  type Worker,
  seed,
  startSimulators,
  startWorker,
  waitReady,
} from '../support/worker-harness';
import type { Expectation } from './support/price-path';
import { expectClean, judge, readEndState } from './support/verdict';

const REPLICAS = ['liquidation-a', 'liquidation-b'];
const XBT = 'XBTUSDTM';
const ENTRY = 62_000;
const LAST = 62_000;
const MMR = 0.004;
/** Mark plateaus: down through the longs' levels, up through the shorts', back to the entry. */
const PLATEAUS = [60_500, 59_000, 57_500, 56_000, 55_000, 61_000, 63_000, 64_500, 66_000, 67_500, 62_000];
/** The oracle's formula, written out as the README gives it: linear long E × (1 − 1/L) / (1 − MMR). */
const computedLong = (leverage: number) => (ENTRY * (1 - 1 / leverage)) / (1 - MMR);

interface Doc {
  readonly path: string;
  readonly side: 'long' | 'short';
  readonly leverage: number;
  readonly liquidationPrice: number | null;
  /** The level the oracle expects watched: null when never liquidated. */
  readonly level: number | null;
}

function documents(): Doc[] {
  const docs: Doc[] = [];
  const add = (side: Doc['side'], leverage: number, liquidationPrice: number | null, level: number | null) =>
    docs.push({
      path: `users/u${docs.length % 89}/openPositions/p${docs.length}`,
      side,
      leverage,
      liquidationPrice,
      level,
    });
  for (let i = 0; i < 200; i++) {
    const level = 55_050 + ((i * 37) % 4_900) + 0.5; // between plateaus, never on one
    add('long', 10, level, level);
  }
  for (let i = 0; i < 100; i++) {
    const level = 64_050 + ((i * 41) % 3_900) + 0.5;
    add('short', 10, level, level);
  }
  for (const leverage of [5, 8, 10, 12, 20, 25])
    for (let i = 0; i < 10; i++) add('long', leverage, null, computedLong(leverage));
  // Leverage 1 is never liquidated; levels beyond every plateau are never reached.
  for (let i = 0; i < 40; i++) add('long', 1, 58_000.5, null);
  for (let i = 0; i < 40; i++)
    add(i % 2 === 0 ? 'long' : 'short', 10, i % 2 === 0 ? 54_000.5 : 69_000.5, null);
  return docs;
}

/** The first plateau whose mark price crosses the level (long mark <= level, short mark >= level). */
function expectation(doc: Doc): Expectation {
  const { level } = doc;
  if (level === null) return { crossed: false };
  const price = PLATEAUS.find((mark) => (doc.side === 'long' ? mark <= level : mark >= level));
  return price === undefined ? { crossed: false } : { crossed: true, reason: 'liquidation', level, price };
}

/**
 * Leveraged futures positions liquidated on the mark price while the last trade never crosses a level,
 * with two replicas in listen mode: each position closes once, at the first mark plateau that crosses
 * its level (its own liquidationPrice, or the one its contract's maintenance margin gives).
 */
describe('liquidation on the mark price, two replicas', () => {
  let store: TestFirestore;
  let sims: Simulators;
  const workers: Worker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await sims?.stop();
    await store?.close();
  });

  it('liquidates each position once, at the first mark price beyond its level, never on a trade', async () => {
    const docs = documents();
    const expected = new Map(docs.map((doc) => [doc.path, expectation(doc)]));
    store = openTestFirestore();
    sims = await startSimulators();
    sims.futures.setPrice(XBT, LAST);
    sims.futures.setContract(XBT, { maintainMargin: MMR });
    sims.futures.setMarkPrice(XBT, ENTRY);
    const seeded = docs.map((d) => [
      d.path,
      makePosition({
        symbol: XBT,
        marketType: 'futures',
        side: d.side,
        entryPrice: ENTRY,
        leverage: d.leverage,
        liquidationPrice: d.liquidationPrice,
        // Stops on the last trade that the trades at LAST never reach.
        stopLoss: d.side === 'long' ? 40_000 : 90_000,
        takeProfit: null,
      }),
    ]);
    await seed(store.db, Object.fromEntries(seeded));
    for (const id of REPLICAS)
      workers.push(await startWorker({ projectId: store.projectId, instanceId: id, sims }));
    for (const worker of workers)
      await waitReady(
        worker,
        sims,
        { positions: docs.length, futures: [XBT], timeoutMs: 60_000 },
        workers.length,
      );
    const computed = docs.filter((d) => d.liquidationPrice === null);
    await waitFor('the computed levels in every mark book', () =>
      workers.every((w) =>
        computed.every(
          (d) => w.app.get(CacheCore).positionBook('mark', XBT)?.get(d.path)?.liquidation === d.level,
        ),
      ),
    );

    const closing = async (): Promise<Set<string>> => {
      const state = await readEndState(store.db);
      return new Set(
        [...state.positions].filter(([, doc]) => doc.status === 'closing').map(([path]) => path),
      );
    };
    for (const mark of PLATEAUS) {
      sims.futures.trade(XBT, LAST);
      sims.futures.setMarkPrice(XBT, mark);
      const due = [...expected].filter(([, e]) => e.crossed && e.price === mark).map(([path]) => path);
      await waitFor(
        `every liquidation at ${mark}`,
        async () => {
          const closed = await closing();
          return due.every((path) => closed.has(path));
        },
        60_000,
      );
    }
    await waitFor('both replicas idle', () =>
      workers.every(
        (w) => w.execution.stats().queue.length === 0 && !w.app.get(CacheCore).pendingStats().count,
      ),
    );

    const executedOutcomes = (await Promise.all(workers.map((w) => w.executions('executed')))).reduce(
      (a, b) => a + b,
      0,
    );
    const state = await readEndState(store.db);
    expectClean(
      judge({
        scenario: 'liquidation on the mark price',
        state,
        positions: expected,
        triggers: new Map(),
        executedOutcomes,
      }),
    );
    const closes = [...state.positions.values()].filter((doc) => doc.status === 'closing');
    expect(closes.every((doc) => doc.closePriceType === 'mark')).toBe(true);
  }, 240_000);
});
