import { Simulators, Worker, seed, startSimulators, startWorker } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, emulatorHost, openTestFirestore } from '../support/firestore';
import { allSubscribed, drivePlateaus } from './support/plateau-driver';
import {
  type Expectation,
  type SymbolPath,
  buildScenario,
  expectPosition,
  expectTrigger,
  prng,
  symbolsFor,
} from './support/price-path';
import { TcpProxy, settleClosedStreams } from '../support/tcp-proxy';
import { expectClean, judge, readEndState } from './support/verdict';

/**
 * Every malformed kind of src/domain/position.spec.ts that Firestore can store and the worker's queries
 * can return, with its reason. Not storable, hence left out: data that is not a map (document.missing),
 * an openedAt holding a function, an empty path segment.
 */
const BAD_POSITIONS: Array<[Record<string, unknown>, string]> = [
  [{ symbol: undefined }, 'symbol.missing'],
  [{ symbol: '' }, 'symbol.missing'],
  [{ symbol: '   ' }, 'symbol.missing'],
  [{ symbol: 42 }, 'symbol.not_a_string'],
  [{ symbol: 'R0USDT' }, 'symbol.invalid_format'],
  [{ symbol: 'r0-usdt' }, 'symbol.invalid_format'],
  [{ marketType: 'futures' }, 'symbol.invalid_format'],
  [{ marketType: undefined }, 'marketType.missing'],
  [{ marketType: 'margin' }, 'marketType.invalid_value'],
  [{ marketType: 1 }, 'marketType.not_a_string'],
  [{ side: undefined }, 'side.missing'],
  [{ side: 'buy' }, 'side.invalid_value'],
  [{ side: 'LONG' }, 'side.invalid_value'],
  [{ size: undefined }, 'size.missing'],
  [{ size: '1' }, 'size.not_a_number'],
  [{ size: Number.NaN }, 'size.not_finite'],
  [{ size: Number.POSITIVE_INFINITY }, 'size.not_finite'],
  [{ size: -1 }, 'size.not_positive'],
  [{ size: 0 }, 'size.not_positive'],
  [{ entryPrice: undefined }, 'entryPrice.missing'],
  [{ entryPrice: '60000' }, 'entryPrice.not_a_number'],
  [{ entryPrice: Number.NaN }, 'entryPrice.not_finite'],
  [{ entryPrice: -5 }, 'entryPrice.not_positive'],
  [{ leverage: '10' }, 'leverage.not_a_number'],
  [{ leverage: 0.5 }, 'leverage.below_minimum'],
  [{ leverage: Number.NaN }, 'leverage.not_finite'],
  [{ stopLoss: '55000' }, 'stopLoss.not_a_number'],
  [{ stopLoss: Number.NaN }, 'stopLoss.not_finite'],
  [{ stopLoss: 0 }, 'stopLoss.not_positive'],
  [{ stopLoss: -1 }, 'stopLoss.not_positive'],
  [{ takeProfit: {} }, 'takeProfit.not_a_number'],
  [{ takeProfit: Number.NEGATIVE_INFINITY }, 'takeProfit.not_finite'],
  [{ takeProfit: -70_000 }, 'takeProfit.not_positive'],
  [{ openedAt: '2024-01-01' }, 'openedAt.not_a_timestamp'],
];
/** Status kinds: the worker's query is `status == 'open'`, so these are never read, hence never counted. */
const UNREAD_POSITIONS: Array<Record<string, unknown>> = [{ status: undefined }, { status: 'pending' }];

/** Every malformed kind of src/domain/trade-trigger.spec.ts that Firestore can store. */
const BAD_TRIGGERS: Array<[Record<string, unknown>, string]> = [
  [{ symbol: undefined }, 'symbol.missing'],
  [{ symbol: '' }, 'symbol.missing'],
  [{ symbol: 'R1-USDTM' }, 'symbol.invalid_format'],
  [{ symbol: ['R1USDTM'] }, 'symbol.not_a_string'],
  [{ marketType: undefined }, 'marketType.missing'],
  [{ marketType: 'options' }, 'marketType.invalid_value'],
  [{ condition: undefined }, 'condition.missing'],
  [{ condition: 'cross' }, 'condition.invalid_value'],
  [{ condition: true }, 'condition.not_a_string'],
  [{ targetPrice: undefined }, 'targetPrice.missing'],
  [{ targetPrice: null }, 'targetPrice.missing'],
  [{ targetPrice: '65000' }, 'targetPrice.not_a_number'],
  [{ targetPrice: Number.NaN }, 'targetPrice.not_finite'],
  [{ targetPrice: 0 }, 'targetPrice.not_positive'],
  [{ targetPrice: -1 }, 'targetPrice.not_positive'],
  [{ side: undefined }, 'side.missing'],
  [{ side: 'sell' }, 'side.invalid_value'],
  [{ size: undefined }, 'size.missing'],
  [{ size: -2 }, 'size.not_positive'],
  [{ size: '2' }, 'size.not_a_number'],
  [{ leverage: 0 }, 'leverage.below_minimum'],
  [{ leverage: 'max' }, 'leverage.not_a_number'],
  [{ stopLoss: -3 }, 'stopLoss.not_positive'],
  [{ takeProfit: Number.NaN }, 'takeProfit.not_finite'],
  [{ createdAt: 1_700_000_000_000 }, 'createdAt.not_a_timestamp'],
];

/** Two symbols that jump four grid steps each way: every valid level within ±3.5 is crossed. */
function paths(): SymbolPath[] {
  return symbolsFor(2).map(({ symbol, marketType }, i) => {
    const base = 1_000 + 100 * i;
    return { symbol, marketType, base, values: [base, base + 1, base + 4, base - 1, base - 4, base] };
  });
}

describe('malformed documents written while the worker runs', () => {
  const store: TestFirestore = openTestFirestore();
  const scenario = buildScenario({ paths: paths(), positions: 40, triggers: 20, random: prng(7004) });
  const [spotPath, futuresPath] = scenario.paths;
  const bad: Record<string, Record<string, unknown>> = {};
  const expectedRejects = new Map<string, number>();
  const count = (collection: string, reason: string): void => {
    const key = `${collection}/${reason}`;
    expectedRejects.set(key, (expectedRejects.get(key) ?? 0) + 1);
  };
  // Each bad document has levels the path crosses: parsed by mistake, it would be executed.
  const position = (o: Record<string, unknown>): Record<string, unknown> =>
    makePosition({ symbol: spotPath.symbol, entryPrice: 1_000, stopLoss: 998.5, takeProfit: 1_001.5, ...o });
  const trigger = (o: Record<string, unknown>): Record<string, unknown> =>
    makeTrigger({ symbol: futuresPath.symbol, targetPrice: 1_101.5, stopLoss: null, ...o });
  BAD_POSITIONS.forEach(([o, reason], i) => {
    bad[`users/bad/openPositions/bp${i}`] = position(o);
    count('openPositions', reason);
  });
  UNREAD_POSITIONS.forEach((o, i) => (bad[`users/bad/openPositions/unread${i}`] = position(o)));
  // Path kinds the collection-group queries still return: outside users/, and nested one level deeper.
  bad['archive/x/openPositions/bp-path'] = position({});
  bad['users/bad/openPositions/bp0/openPositions/bp-nested'] = position({});
  count('openPositions', 'path.invalid_format');
  count('openPositions', 'path.invalid_format');
  BAD_TRIGGERS.forEach(([o, reason], i) => {
    bad[`users/bad/tradeTriggers/bt${i}`] = trigger(o);
    count('tradeTriggers', reason);
  });
  bad['archive/x/tradeTriggers/bt-path'] = trigger({});
  bad['users/bad/tradeTriggers/bt0/tradeTriggers/bt-nested'] = trigger({});
  count('tradeTriggers', 'path.invalid_format');
  count('tradeTriggers', 'path.invalid_format');

  let sims: Simulators;
  let worker: Worker;
  let proxy: TcpProxy;

  beforeAll(async () => {
    sims = await startSimulators();
    for (const p of scenario.paths)
      (p.marketType === 'spot' ? sims.spot : sims.futures).setPrice(p.symbol, p.values[0]);
    await seed(store.db, { ...scenario.positions, ...scenario.triggers });
    proxy = await TcpProxy.start(emulatorHost());
    worker = await startWorker({
      projectId: store.projectId,
      instanceId: 'bad-docs',
      sims,
      // Only the start-up collection and the listeners read: each bad document is counted exactly once.
      env: { COLLECTOR_CRON: '0 0 0 1 1 *', FIRESTORE_EMULATOR_HOST: proxy.hostPort },
    });
    await waitFor('cache loaded', () => worker.cache.stats().positions === 40, 30_000);
    await waitFor('subscribed', () => allSubscribed(sims, scenario.paths, 1));
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await settleClosedStreams(proxy);
    await sims?.stop();
    await store.close();
  });

  it('counts each by reason, crashes nothing, and still executes the valid documents', async () => {
    await drivePlateaus({
      sims,
      paths: scenario.paths,
      workers: 1,
      minHoldMs: 1_500,
      healthyMs: 500,
      repushMs: 0,
      // Written after the first plateau, while the listeners run and prices move.
      beforeStep: (step) => (step === 2 ? seed(store.db, bad) : undefined),
    });
    const rejected = async (): Promise<Map<string, number>> => {
      const metric = await worker.metrics.documentsRejected.get();
      return new Map(metric.values.map((v) => [`${v.labels.collection}/${v.labels.reason}`, v.value]));
    };
    const total = [...expectedRejects.values()].reduce((a, b) => a + b, 0);
    await waitFor(
      'every bad document counted',
      async () => [...(await rejected()).values()].reduce((a, b) => a + b, 0) >= total,
      15_000,
    ).catch(() => undefined);
    const expectations = (
      docs: Record<string, Record<string, unknown>>,
      expect1: (doc: Record<string, unknown>, path: SymbolPath) => Expectation,
    ): Array<[string, Expectation]> =>
      Object.entries(docs).map(([path, doc]) => [
        path,
        expect1(
          doc,
          scenario.paths.find((p) => p.symbol === doc.symbol)!,
        ),
      ]);
    const untouched: Expectation = { crossed: false };
    const verdict = judge({
      scenario: 'bad documents',
      state: await readEndState(store.db),
      positions: new Map([
        ...expectations(scenario.positions, expectPosition),
        ...Object.keys(bad)
          .filter((p) => p.includes('/openPositions/'))
          .map((p): [string, Expectation] => [p, untouched]),
      ]),
      triggers: new Map([
        ...expectations(scenario.triggers, expectTrigger),
        ...Object.keys(bad)
          .filter((p) => p.includes('/tradeTriggers/'))
          .map((p): [string, Expectation] => [p, untouched]),
      ]),
      executedOutcomes: await worker.executions('executed'),
    });
    expectClean(verdict);
    expect(Object.fromEntries(await rejected())).toEqual(Object.fromEntries(expectedRejects));
    await expect(worker.executions('failed_permanent')).resolves.toBe(0);
  }, 120_000);
});
