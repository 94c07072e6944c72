import { Simulators, seed, startSimulators } from '../support/worker-harness';
import { waitFor } from '../support/wait-for';
import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { type SymbolPath, expectPosition } from './support/price-path';
import { expectClean, judge, readEndState } from './support/verdict';
import { type WorkerProcess, killLeftovers, spawnWorker } from '../support/worker-process';

const CROSSED = 2_000;
const UNCROSSED = 100;
/** One plateau: 60 000 -> 50 000. Stop-losses sit on half steps above 50 000 (crossed) or below (not). */
const PATH: SymbolPath = { symbol: 'BTC-USDT', marketType: 'spot', base: 60_000, values: [60_000, 50_000] };
const ENV = {
  EXECUTION_CONCURRENCY: '16',
  // A short grace, so SIGTERM really leaves part of the burst for the restarted worker.
  SHUTDOWN_GRACE_MS: '1000',
  // The emulator slows every commit several times over while a listener watches thousands of
  // documents: with 2,100 documents listen mode would make the burst impractically slow here.
  CACHE_MODE: 'poll',
};
/**
 * The first worker's closes two at a time, so the burst is still under way when the signal lands: a turn's
 * conditional closes go in one BatchWrite, and at 16 in flight the burst now ends within the grace.
 */
const FIRST_ENV = { ...ENV, EXECUTION_CONCURRENCY: '2' };
const CLOSE_FIELDS = ['closeReason', 'closeTriggerPrice', 'closePrice', 'closeTickTime', 'closedBy'];

const closings = (worker: WorkerProcess): number =>
  worker.lines().filter((line) => line.msg === 'position closing').length;

describe('SIGTERM to a real worker process during a burst of 2,000 crossings', () => {
  const store: TestFirestore = openTestFirestore();
  const docs: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < CROSSED + UNCROSSED; i++) {
    const crossed = i < CROSSED;
    docs[`users/u${i % 50}/openPositions/p${i}`] = makePosition({
      symbol: PATH.symbol,
      entryPrice: 60_000,
      stopLoss: crossed ? 50_000.5 + (i % 1_000) : 49_999.5 - i,
      takeProfit: 90_000.5,
    });
  }
  let sims: Simulators;

  beforeAll(async () => {
    sims = await startSimulators();
    sims.spot.setPrice(PATH.symbol, PATH.values[0]);
    await seed(store.db, docs);
  }, 60_000);

  afterAll(async () => {
    killLeftovers();
    await sims?.stop();
    await store.close();
  });

  it('leaves no half-done close, and after a restart every crossed position is closed exactly once', async () => {
    const first = await spawnWorker({
      projectId: store.projectId,
      instanceId: 'load-a',
      sims,
      env: FIRST_ENV,
    });
    sims.spot.setPrice(PATH.symbol, PATH.values[1]);
    await waitFor('the burst to be under way', () => closings(first) >= 100, 30_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const between = await readEndState(store.db);
    const leftOpen = [...between.positions.values()].filter((doc) => doc.status === 'open');
    for (const doc of between.positions.values())
      for (const field of CLOSE_FIELDS) expect(doc[field] === undefined).toBe(doc.status === 'open');
    expect(leftOpen.length).toBeGreaterThan(UNCROSSED); // the signal really cut the burst

    const second = await spawnWorker({ projectId: store.projectId, instanceId: 'load-b', sims, env: ENV });
    try {
      await waitFor(
        'every crossed position closed',
        async () =>
          (
            await store.db.collectionGroup('openPositions').where('status', '==', 'closing').count().get()
          ).data().count >= CROSSED,
        90_000,
      ).catch(() => undefined);
      // Let anything still in flight land before the books are judged.
      let last = -1;
      await waitFor(
        'the second worker to go quiet',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const now = closings(second);
          const quiet = now === last;
          last = now;
          return quiet;
        },
        30_000,
      );
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    const state = await readEndState(store.db);
    const verdict = judge({
      scenario: 'shutdown under load',
      state,
      positions: new Map(Object.entries(docs).map(([path, doc]) => [path, expectPosition(doc, PATH)])),
      triggers: new Map(),
      executedOutcomes: closings(first) + closings(second),
    });
    process.stdout.write(
      `shutdown under load: load-a closed ${closings(first)}, load-b ${closings(second)}\n`,
    );
    expectClean(verdict);
    // Whoever closed a position signed it, and the first worker's closes were never overwritten.
    const by = (id: string): number => [...state.positions.values()].filter((d) => d.closedBy === id).length;
    expect(by('load-a')).toBe(closings(first));
    expect(by('load-b')).toBe(closings(second));
  }, 240_000);
});
