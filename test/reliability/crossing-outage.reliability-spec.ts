import type { Subscription } from 'rxjs';
import type { Tick } from '../../src/domain/market';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, emulatorHost, openTestFirestore } from '../support/firestore';
import { Simulators, Worker, seed, startSimulators, startWorker } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';
import { FailingFirestore } from '../support/failing-firestore';
import { gateway } from '../support/trade-scenarios';
import { pushWickTick, quoteTime } from './support/wick-ticks';
import { allSubscribed } from './support/plateau-driver';
import {
  type Expectation,
  type SymbolPath,
  expectPosition,
  expectTrigger,
  symbolsFor,
} from './support/price-path';
import { type EndState, executedDocuments, expectClean, judge, readEndState } from './support/verdict';

const REPLICAS = ['crossing-a', 'crossing-b'];
/** The shortest outage; it lasts until both replicas have spent their fast budget (about 3 × 7 s here). */
const OUTAGE_MS = 12_000;
const MAX_ATTEMPTS = 3;
/** A fast budget that runs out well inside the outage; after it a crossing stays pending on the slow backoff. */
const ENV = {
  EXECUTION_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  EXECUTION_RETRY_BASE_MS: '50',
  EXECUTION_RETRY_MAX_MS: '200',
  EXECUTION_PENDING_RETRY_BASE_MS: '500',
  EXECUTION_PENDING_RETRY_MAX_MS: '2000',
};
/** Longer than the pending backoff's cap: a replica with anything still pending would retry within it. */
const QUIET_MS = 3_000;
const WICK_STEPS = [1, 2];
const RECOVERED_STEP = 3;

/**
 * Four symbols (two spot, two futures) wicking down, up, up, down: two ticks 3 and 6 grid steps out, then
 * the price comes back one step past the base and stays. Levels sit on half steps (price-path.ts), so the
 * plateau oracle gives each document's first crossing tick, and the recovery crosses nothing.
 */
const PATHS: SymbolPath[] = symbolsFor(4).map(({ symbol, marketType }, i) => {
  const base = 1_000 + 100 * i;
  const d = i === 0 || i === 3 ? -1 : 1;
  return { symbol, marketType, base, values: [base, base + 3 * d, base + 6 * d, base - d] };
});

/** Per symbol: four documents the wick crosses (two per wick tick) and four it must leave alone. */
function documents(): Record<'positions' | 'triggers', Record<string, Record<string, unknown>>> {
  const positions: Record<string, Record<string, unknown>> = {};
  const triggers: Record<string, Record<string, unknown>> = {};
  PATHS.forEach(({ symbol, marketType, base, values }, i) => {
    const d = Math.sign(values[1] - base);
    const at = (steps: number): number => base + d * steps; // negative steps: against the wick
    const loser = d < 0 ? 'long' : 'short'; // the wick runs toward its stop-loss
    const winner = d < 0 ? 'short' : 'long';
    const position = (id: string, side: string, stopLoss: number, takeProfit: number): void => {
      positions[`users/u${i}/openPositions/${id}`] = makePosition({
        ...{ symbol, marketType, side, entryPrice: base, stopLoss, takeProfit },
      });
    };
    position(`p${i}-stop`, loser, at(2.5), at(-8.5)); // stop-loss crossed by the first wick tick
    position(`p${i}-profit`, winner, at(-2.5), at(4.5)); // take-profit crossed by the second
    position(`p${i}-deep`, loser, at(7.5), at(-1.5)); // stop beyond the tip, take-profit past the recovery
    position(`p${i}-far`, winner, at(-1.5), at(6.5)); // the same, the other way round
    const trigger = (id: string, toward: boolean, steps: number): void => {
      const condition = (toward ? d : -d) < 0 ? 'below' : 'above';
      triggers[`users/u${i}/tradeTriggers/${id}`] = makeTrigger({
        ...{ symbol, marketType, condition, targetPrice: at(steps), stopLoss: null, takeProfit: null },
      });
    };
    trigger(`t${i}-near`, true, 0.5); // crossed by the first wick tick
    trigger(`t${i}-tip`, true, 5.5); // crossed by the second
    trigger(`t${i}-beyond`, true, 6.5);
    trigger(`t${i}-back`, false, -1.5); // just past the recovered price
  });
  return { positions, triggers };
}

const simOf = (sims: Simulators, p: SymbolPath): ExchangeSimulator =>
  p.marketType === 'spot' ? sims.spot : sims.futures;
const key = (symbol: string, price: number): string => `${symbol}@${price}`;

const attempts = (w: Worker): number =>
  Object.values(w.execution.stats().outcomes).reduce((a, b) => a + b, 0);

/** Executed documents whose tick time is not the exchange time of the wick tick that crossed them. */
function tickTimeProblems(
  state: EndState,
  expectations: ReadonlyMap<string, Expectation>,
  docs: Record<string, Record<string, unknown>>,
  pushed: ReadonlyMap<string, number>,
): string[] {
  return [...expectations].flatMap(([path, e]) => {
    if (!e.crossed) return [];
    const time = pushed.get(key(docs[path].symbol as string, e.price));
    if (time === undefined) return [`${path}: crossed at ${e.price}, not a wick price`];
    const trigger = path.includes('/tradeTriggers/');
    const doc = trigger
      ? state.executed.get(path.replace('/tradeTriggers/', '/executedTriggers/'))
      : state.positions.get(path);
    if (doc === undefined || (!trigger && doc.status === 'open')) return []; // missed: the verdict counts it
    const written = trigger ? doc.executedTickTime : doc.closeTickTime;
    return written === time ? [] : [`${path}: tick time ${JSON.stringify(written)}, crossing tick's ${time}`];
  });
}

describe('Firestore unreachable past the retry budget while a wick crosses and recovers', () => {
  const store: TestFirestore = openTestFirestore();
  const docs = documents();
  const all = { ...docs.positions, ...docs.triggers };
  const pathOf = (doc: Record<string, unknown>): SymbolPath => PATHS.find((p) => p.symbol === doc.symbol)!;
  const positions = new Map(
    Object.entries(docs.positions).map(([k, d]) => [k, expectPosition(d, pathOf(d))]),
  );
  const triggers = new Map(Object.entries(docs.triggers).map(([k, d]) => [k, expectTrigger(d, pathOf(d))]));
  const expected = [...positions.values(), ...triggers.values()].filter((e) => e.crossed).length;
  let sims: Simulators;
  let front: FailingFirestore;
  const workers: Worker[] = [];
  /** Every tick each replica's gateways emitted, seen right after its processor evaluated it. */
  const seen: Tick[][] = [];
  const taps: Subscription[] = [];

  beforeAll(async () => {
    sims = await startSimulators();
    for (const p of PATHS) simOf(sims, p).setPrice(p.symbol, p.values[0]);
    await seed(store.db, all);
    front = await FailingFirestore.start(emulatorHost());
    for (const instanceId of REPLICAS) {
      const worker = await startWorker({
        projectId: store.projectId,
        instanceId,
        sims,
        env: { ...ENV, FIRESTORE_EMULATOR_HOST: front.hostPort },
      });
      workers.push(worker);
      const ticks: Tick[] = [];
      seen.push(ticks);
      for (const feed of [gateway(worker, 'spot'), gateway(worker, 'futures')])
        taps.push(feed.ticks$.subscribe((tick) => ticks.push(tick)));
    }
    await waitFor(
      'every cache loaded',
      () =>
        workers.every(
          (w) => w.cache.stats().positions === positions.size && w.cache.stats().triggers === triggers.size,
        ),
      30_000,
    );
    await waitFor('every symbol subscribed by both replicas', () =>
      allSubscribed(sims, PATHS, REPLICAS.length),
    );
  }, 60_000);

  afterAll(async () => {
    for (const tap of taps) tap.unsubscribe();
    for (const worker of workers) await worker.close();
    // As settleClosedStreams: closed listen streams get their final status while the test env exists.
    await front?.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await sims?.stop();
    await store.close();
  });

  it('closes every crossing once after the outage, with the crossing tick price and time', async () => {
    const pushed = new Map<string, number>(); // symbol@price of each wick tick -> its exchange time
    const recover = (): void =>
      PATHS.forEach((p) => simOf(sims, p).setPrice(p.symbol, p.values[RECOVERED_STEP]));
    let repush: NodeJS.Timeout | undefined;
    front.fail();
    const cutAt = Date.now();
    try {
      // The wick, each tick pushed once, its exchange time read back from the simulator, and received by
      // both replicas before the next.
      for (const step of WICK_STEPS) {
        for (const p of PATHS) {
          pushWickTick(simOf(sims, p), p.symbol, p.values[step]);
          pushed.set(key(p.symbol, p.values[step]), await quoteTime(simOf(sims, p), p.symbol));
        }
        await waitFor(`both replicas to receive wick tick ${step}`, () =>
          seen.every((ticks) =>
            [...pushed].every(([k, time]) =>
              ticks.some((t) => key(t.symbol, t.price) === k && t.exchangeTime === time),
            ),
          ),
        ).catch((error: unknown) => {
          const got = seen.map((ticks) => ticks.filter((t) => t.receivedAt >= cutAt).map((t) => t.price));
          throw new Error(
            `${String(error)}: pushed ${JSON.stringify([...pushed])}, got ${JSON.stringify(got)}`,
          );
        });
      }
      // Every crossing fails its whole fast budget on both replicas while the price is still out there.
      await waitFor(
        'both replicas to spend the fast retry budget',
        async () =>
          (await Promise.all(workers.map((w) => w.executions('failed_retryable')))).every(
            (failed) => failed >= expected * MAX_ATTEMPTS,
          ),
        45_000,
      );
      const budgetSpentAt = Date.now();
      const failedFast = await Promise.all(workers.map((w) => w.executions('failed_retryable')));
      // The price comes back to the safe side of every level and keeps ticking there; then Firestore returns.
      recover();
      repush = setInterval(recover, 200);
      await waitFor('both replicas to see the price recover', () =>
        seen.every((ticks) =>
          PATHS.every((p) =>
            ticks.some((t) => key(t.symbol, t.price) === key(p.symbol, p.values[RECOVERED_STEP])),
          ),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + OUTAGE_MS - Date.now())));
      front.restore();
      const restoredAt = Date.now();

      await waitFor(
        'every crossing executed after the outage',
        async () => executedDocuments(await readEndState(store.db)) >= expected,
        25_000,
      ).catch(() => undefined);
      let last = -1;
      let quietSince = Date.now();
      await waitFor(
        'both replicas to go quiet',
        () => {
          const now = workers.reduce((sum, w) => sum + attempts(w), 0);
          if (now !== last) [last, quietSince] = [now, Date.now()];
          return (
            workers.every((w) => w.execution.stats().queue.length === 0) &&
            Date.now() - quietSince >= QUIET_MS
          );
        },
        20_000,
      );
      const state = await readEndState(store.db);
      const perReplica = await Promise.all(workers.map((w) => w.executions('executed')));
      const verdict = judge({
        scenario: 'Firestore outage, crossing recovers',
        state,
        positions,
        triggers,
        executedOutcomes: perReplica.reduce((a, b) => a + b, 0),
      });
      process.stdout.write(
        `crossing outage: fast budget spent ${budgetSpentAt - cutAt} ms into the outage (failed attempts per ` +
          `replica: ${JSON.stringify(failedFast)}), Firestore back after ${restoredAt - cutAt} ms, ` +
          `${front.failedCalls} calls failed; executed per replica ${JSON.stringify(perReplica)}\n`,
      );
      expectClean(verdict);
      expect([
        ...tickTimeProblems(state, positions, all, pushed),
        ...tickTimeProblems(state, triggers, all, pushed),
      ]).toEqual([]);
      // Each write is signed by the replica that counted it: no document was written twice.
      for (const [index, id] of REPLICAS.entries()) {
        const signed =
          [...state.positions.values()].filter((doc) => doc.closedBy === id).length +
          [...state.executed.values()].filter((doc) => doc.executedBy === id).length;
        expect(signed).toBe(perReplica[index]);
      }
      for (const worker of workers) await expect(worker.executions('failed_permanent')).resolves.toBe(0);
    } finally {
      clearInterval(repush);
      front.restore();
    }
  }, 150_000);
});
