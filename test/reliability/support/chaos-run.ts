import { Simulators, Worker, seed, startSimulators, startWorker } from '../../support/worker-harness';
import { waitFor } from '../../support/wait-for';
import { TestFirestore, emulatorHost, openTestFirestore } from '../../support/firestore';
import { type DriveReport, allSubscribed, drivePlateaus } from './plateau-driver';
import { type Scenario, buildPaths, buildScenario, expectPosition, expectTrigger, prng } from './price-path';
import { TcpProxy, settleClosedStreams } from '../../support/tcp-proxy';
import { type EndState, type Verdict, executedDocuments, judge, readEndState } from './verdict';

export const CHAOS = { symbols: 20, positions: 200, triggers: 100, plateaus: 20 } as const;
const TOKEN_OUTAGE_MS = 10_000;
const PONG_LOSS_MS = 1_500;
const DROP_STEPS = new Set([3, 8, 15, 18]);
const PONG_LOSS_STEPS = new Set([5]);
const TOKEN_OUTAGE_STEP = 11;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The chaos feed: both simulators delay every welcome and send 5 % malformed frames throughout; at fixed
 * plateaus they drop every connection, stop answering pings, or refuse tokens for 10 s (with every
 * connection dropped, so the feed is really down). Faults hang on plateau numbers rather than wall-clock
 * times, so the run is the same on a slow machine; the path lasts about a minute.
 */
async function injectFaults(sims: Simulators, step: number): Promise<void> {
  const both = [sims.spot, sims.futures];
  if (DROP_STEPS.has(step)) for (const sim of both) sim.dropAllConnections();
  if (PONG_LOSS_STEPS.has(step)) {
    for (const sim of both) sim.setPongs(false);
    await sleep(PONG_LOSS_MS);
    for (const sim of both) sim.setPongs(true);
  }
  if (step === TOKEN_OUTAGE_STEP) {
    for (const sim of both) sim.failTokenRequests(500);
    for (const sim of both) sim.dropAllConnections();
    await sleep(TOKEN_OUTAGE_MS);
    for (const sim of both) sim.clearTokenFailures();
  }
}

export interface ChaosResult {
  readonly verdict: Verdict;
  readonly state: EndState;
  readonly drive: DriveReport;
}

/** One chaos run against `instanceIds.length` workers sharing one emulator project. */
export class ChaosRun {
  readonly store: TestFirestore = openTestFirestore();
  readonly scenario: Scenario;
  sims: Simulators | undefined;
  private proxy: TcpProxy | undefined;
  readonly workers: Worker[] = [];

  constructor(
    private readonly name: string,
    private readonly instanceIds: readonly string[],
    readonly seedValue: number,
  ) {
    const random = prng(seedValue);
    const paths = buildPaths({ symbols: CHAOS.symbols, plateaus: CHAOS.plateaus, random });
    this.scenario = buildScenario({ paths, positions: CHAOS.positions, triggers: CHAOS.triggers, random });
  }

  async start(): Promise<void> {
    const sims = (this.sims = await startSimulators());
    for (const p of this.scenario.paths)
      (p.marketType === 'spot' ? sims.spot : sims.futures).setPrice(p.symbol, p.values[0]);
    await seed(this.store.db, { ...this.scenario.positions, ...this.scenario.triggers });
    const proxy = (this.proxy = await TcpProxy.start(emulatorHost()));
    for (const instanceId of this.instanceIds) {
      this.workers.push(
        await startWorker({
          projectId: this.store.projectId,
          instanceId,
          sims,
          // Slower reconnects than the harness default keep the shared 30-connections-per-minute budget
          // from running dry during the token outage (every failed token request uses a slot).
          env: {
            KUCOIN_RECONNECT_BASE_MS: '250',
            KUCOIN_RECONNECT_MAX_MS: '2000',
            FIRESTORE_EMULATOR_HOST: proxy.hostPort,
          },
        }),
      );
    }
    await waitFor(
      'every cache loaded',
      () =>
        this.workers.every(
          (w) => w.cache.stats().positions === CHAOS.positions && w.cache.stats().triggers === CHAOS.triggers,
        ),
      30_000,
    );
    await waitFor('every symbol subscribed', () =>
      allSubscribed(sims, this.scenario.paths, this.workers.length),
    );
  }

  async run(): Promise<ChaosResult> {
    const sims = this.sims!;
    for (const sim of [sims.spot, sims.futures]) {
      sim.setWelcomeDelay(300);
      sim.setBadFrames(0.05, 'both');
    }
    const drive = await drivePlateaus({
      sims,
      paths: this.scenario.paths,
      workers: this.workers.length,
      minHoldMs: 2_500,
      healthyMs: 1_000,
      repushMs: 0,
      beforeStep: (step) => injectFaults(sims, step),
    });
    const positions = new Map(
      Object.entries(this.scenario.positions).map(([path, doc]) => [
        path,
        expectPosition(doc, this.pathOf(doc)),
      ]),
    );
    const triggers = new Map(
      Object.entries(this.scenario.triggers).map(([path, doc]) => [
        path,
        expectTrigger(doc, this.pathOf(doc)),
      ]),
    );
    const crossings = [...positions.values(), ...triggers.values()].filter((e) => e.crossed).length;
    // Settle: everything expected is written (or 30 s pass) and every queue is idle.
    await waitFor(
      'executions to settle',
      async () =>
        executedDocuments(await readEndState(this.store.db)) >= crossings &&
        this.workers.every((w) => w.execution.stats().queue.length === 0),
      30_000,
    ).catch(() => undefined);
    const state = await readEndState(this.store.db);
    const executedOutcomes = (await Promise.all(this.workers.map((w) => w.executions('executed')))).reduce(
      (a, b) => a + b,
      0,
    );
    const verdict = judge({ scenario: this.name, state, positions, triggers, executedOutcomes });
    return { verdict, state, drive };
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) await worker.close();
    await settleClosedStreams(this.proxy);
    await this.sims?.stop();
    await this.store.close();
  }

  private pathOf(doc: Record<string, unknown>): Scenario['paths'][number] {
    return this.scenario.paths.find((p) => p.symbol === doc.symbol)!;
  }
}
