import type { AddressInfo } from 'node:net';
import { Simulators, Worker, seed, startSimulators, startWorker } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';
import { TestFirestore, emulatorHost, openTestFirestore } from '../support/firestore';
import { HealthProbe } from './support/health-probe';
import { allSubscribed, drivePlateaus } from './support/plateau-driver';
import {
  type SymbolPath,
  buildScenario,
  expectPosition,
  expectTrigger,
  prng,
  symbolsFor,
} from './support/price-path';
import { TcpProxy, settleClosedStreams } from '../support/tcp-proxy';
import { executedDocuments, expectClean, judge, readEndState } from './support/verdict';

const SYMBOLS = 4;
const POSITIONS = 60;
const TRIGGERS = 30;
const OUTAGE_MS = 10_000;
const BEFORE = 3;
/** Plateaus 1..3 before the outage, 4..7 inside it (one symbol jumps at each), 8 after it. */
const CUT_STEP = BEFORE + 1;
const RESTORE_STEP = BEFORE + SYMBOLS + 1;

/**
 * The plateau oracle of price-path.ts, shaped for the outage: a small walk before it, then inside it one
 * symbol after another jumps 4 to 7 grid steps and keeps that price to the end. A crossing that fails
 * while Firestore is away stays pending with its tick, so the expected reason and closePrice stay exact.
 */
function outagePaths(random: () => number): SymbolPath[] {
  return symbolsFor(SYMBOLS).map(({ symbol, marketType }, i) => {
    const base = 1_000 + 100 * i;
    const values = [base];
    let g = 0;
    for (let k = 0; k < BEFORE; k++) values.push(base + (g += random() < 0.5 ? -1 : 1));
    for (let j = 0; j < SYMBOLS; j++) {
      if (j === i) g = (random() < 0.5 ? -1 : 1) * (4 + Math.floor(random() * 4));
      values.push(base + g);
    }
    values.push(base + g);
    return { symbol, marketType, base, values };
  });
}

describe('Firestore unreachable for 10 s mid-run', () => {
  const store: TestFirestore = openTestFirestore();
  const random = prng(Number(process.env.RELIABILITY_SEED ?? 7003));
  const scenario = buildScenario({
    paths: outagePaths(random),
    positions: POSITIONS,
    triggers: TRIGGERS,
    random,
  });
  let sims: Simulators;
  let proxy: TcpProxy;
  let worker: Worker;
  /** Readiness answers from 3 s into the outage until its end, filled by the first test. */
  let readinessDuringOutage: number[] = [];

  beforeAll(async () => {
    sims = await startSimulators();
    for (const p of scenario.paths)
      (p.marketType === 'spot' ? sims.spot : sims.futures).setPrice(p.symbol, p.values[0]);
    await seed(store.db, { ...scenario.positions, ...scenario.triggers });
    proxy = await TcpProxy.start(emulatorHost());
    worker = await startWorker({
      projectId: store.projectId,
      instanceId: 'outage-a',
      sims,
      // Every 2 s a full collection runs too, so the readiness probe sees the outage promptly.
      env: { FIRESTORE_EMULATOR_HOST: proxy.hostPort, COLLECTOR_CRON: '*/2 * * * * *' },
    });
    await worker.app.listen(0, '127.0.0.1');
    await waitFor(
      'cache loaded',
      () => worker.cache.stats().positions === POSITIONS && worker.cache.stats().triggers === TRIGGERS,
      30_000,
    );
    await waitFor('every symbol subscribed', () => allSubscribed(sims, scenario.paths, 1));
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await settleClosedStreams(proxy);
    await sims?.stop();
    await store.close();
  });

  it('stays alive, reports not ready, and executes every crossing of the outage after it', async () => {
    const server = worker.app.getHttpServer() as { address(): AddressInfo };
    const port = server.address().port;
    const live = new HealthProbe(`http://127.0.0.1:${port}/health/live`).start();
    const ready = new HealthProbe(`http://127.0.0.1:${port}/health/ready`).start();
    let cutAt = 0;
    let restoredAt = 0;
    try {
      await waitFor('ready before the run', () => ready.samples.at(-1)?.status === 200, 15_000);
      await drivePlateaus({
        sims,
        paths: scenario.paths,
        workers: 1,
        minHoldMs: 2_500,
        healthyMs: 1_000,
        repushMs: 0,
        beforeStep: async (step) => {
          if (step === CUT_STEP) {
            proxy.cut();
            cutAt = Date.now();
          } else if (step === RESTORE_STEP) {
            // The outage lasts at least OUTAGE_MS; the steps between may already have taken longer.
            const left = Math.max(0, cutAt + OUTAGE_MS - Date.now());
            await new Promise((resolve) => setTimeout(resolve, left));
            proxy.restore();
            restoredAt = Date.now();
          }
        },
      });
      const positions = new Map(
        Object.entries(scenario.positions).map(([path, doc]) => [
          path,
          expectPosition(
            doc,
            scenario.paths.find((p) => p.symbol === doc.symbol)!,
          ),
        ]),
      );
      const triggers = new Map(
        Object.entries(scenario.triggers).map(([path, doc]) => [
          path,
          expectTrigger(
            doc,
            scenario.paths.find((p) => p.symbol === doc.symbol)!,
          ),
        ]),
      );
      const crossings = [...positions.values(), ...triggers.values()].filter((e) => e.crossed).length;
      await waitFor(
        'executions to settle after the outage',
        async () =>
          executedDocuments(await readEndState(store.db)) >= crossings &&
          worker.execution.stats().queue.length === 0,
        45_000,
      ).catch(() => undefined);
      await waitFor('ready again', () => ready.samples.at(-1)?.status === 200, 30_000).catch(() => undefined);
      const state = await readEndState(store.db);
      const verdict = judge({
        scenario: 'firestore outage',
        state,
        positions,
        triggers,
        executedOutcomes: await worker.executions('executed'),
      });
      process.stdout.write(
        `firestore outage: ${proxy.refused} connections refused; readiness during it: ` +
          `${JSON.stringify(ready.between(cutAt, restoredAt).map((s) => s.status))}\n`,
      );
      expectClean(verdict);

      // Crossings inside the outage: the plateaus set while Firestore was cut off.
      const firstCrossStep = (price: number, symbol: string): number =>
        scenario.paths.find((p) => p.symbol === symbol)!.values.indexOf(price);
      const duringOutage = [...positions.entries(), ...triggers.entries()].filter(([path, e]) => {
        if (!e.crossed) return false;
        const doc = scenario.positions[path] ?? scenario.triggers[path];
        const step = firstCrossStep(e.price, doc.symbol as string);
        return step >= CUT_STEP && step < RESTORE_STEP;
      });
      expect(duringOutage.length).toBeGreaterThan(0);
      expect(live.samples.filter((s) => s.status !== 200)).toEqual([]);
      expect(live.between(cutAt, restoredAt).length).toBeGreaterThan(20);
      expect(ready.samples.at(-1)?.status).toBe(200);
      readinessDuringOutage = ready.between(cutAt + 3_000, restoredAt).map((s) => s.status);
    } finally {
      live.stop();
      ready.stop();
    }
  }, 180_000);

  // firebase-admin's listen streams retry UNAVAILABLE quietly, so in listen mode the collector's
  // one-document probe is what notices an outage: through a cut connection it hangs, and after its
  // own short timeout (5 s) the run is recorded as failed and readiness turns 503.
  it('readiness answers 503 while Firestore is unreachable (listen mode)', () => {
    expect(readinessDuringOutage.length).toBeGreaterThan(10);
    expect(readinessDuringOutage).toContain(503);
  });
});
